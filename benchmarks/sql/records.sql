-- The public records of the organisations named in :codes (a JSON array of codes) as
-- the gateway shows them to an anonymous viewer on :today (the China day,
-- 'YYYY-MM-DD'): newest decision first, at most 50 a subject (the default page).
-- Hand-written for the benchmark's floor, bare strawberry and Apollo rows
-- (benchmarks/shapes.py), which all run this very text; the gateway itself
-- reads config/sources.toml and config/catalogue.toml. Each answer is checked
-- identical to the gateway's before it is timed.
--
-- Schemas: m = market_regulation.db (dates 'YYYYMMDD'), c = court.db
-- ('YYYY-MM-DD'), t = tax.db (yyyymmdd integers), a = civil_affairs.db
-- ('YYYY-MM-DD HH:MM:SS'). Organisations only: a person's items are not public
-- (000 art. 47), so persons' tables and columns are not read.
--
-- Per row: decided/occurred as ISO dates; `start` and `years` the disclosure
-- period (003 art. 35) of timed items (adverse ones and list entries), as the
-- catalogue gives it: 3 years from the decision for a penalty, 5 years from the
-- end for the business-abnormal, court-defaulter and social-organisation lists,
-- the end itself for the serious-dishonesty list and the red list.
WITH
rows(code, id, item, category, title, decided, occurred, start, years, withdrawn, name) AS (
    SELECT tyshxydm, 'market_regulation:qy_jbxx:' || nbxh, 'REGISTRATION_ORG', 'BASIC',
        '企业登记注册信息',
        substr(hzrq, 1, 4) || '-' || substr(hzrq, 5, 2) || '-' || substr(hzrq, 7, 2),
        substr(clrq, 1, 4) || '-' || substr(clrq, 5, 2) || '-' || substr(clrq, 7, 2),
        NULL, NULL, NULL, NULLIF(trim(qymc), '')
    FROM m.qy_jbxx WHERE tyshxydm IN (SELECT value FROM json_each(:codes))
    UNION ALL
    SELECT XK_XDR_SHXYM, 'market_regulation:t_xzxk:' || ID, 'ADM_LICENCE', 'BASIC',
        COALESCE(NULLIF(trim(XK_ZSMC), ''), '行政许可'),
        substr(XK_JDRQ, 1, 4) || '-' || substr(XK_JDRQ, 5, 2) || '-' || substr(XK_JDRQ, 7, 2),
        NULL, NULL, NULL, NULL, NULL
    FROM m.t_xzxk WHERE XK_XDR_SHXYM IN (SELECT value FROM json_each(:codes)) AND XK_XDR_LB = '法人及非法人组织'
    UNION ALL
    SELECT code, id, 'ADM_PENALTY', 'ADVERSE', title, decided, NULL, decided, 3, withdrawn, NULL
    FROM (
        SELECT CF_XDR_SHXYM AS code, 'market_regulation:t_xzcf:' || ID AS id,
            COALESCE(NULLIF(trim(CF_WFXW), ''), '行政处罚') AS title,
            substr(CF_JDRQ, 1, 4) || '-' || substr(CF_JDRQ, 5, 2) || '-' || substr(CF_JDRQ, 7, 2)
                AS decided,
            substr(CF_CXRQ, 1, 4) || '-' || substr(CF_CXRQ, 5, 2) || '-' || substr(CF_CXRQ, 7, 2)
                AS withdrawn
        FROM m.t_xzcf WHERE CF_XDR_SHXYM IN (SELECT value FROM json_each(:codes)) AND CF_XDR_LB = '法人及非法人组织'
    )
    UNION ALL
    SELECT code, id, 'BUSINESS_ABNORMAL', 'ADVERSE', '列入经营异常名录', decided, NULL, ended, 5,
        NULL, NULL
    FROM (
        SELECT tyshxydm AS code, 'market_regulation:qy_jyyc:' || xh AS id,
            substr(lrrq, 1, 4) || '-' || substr(lrrq, 5, 2) || '-' || substr(lrrq, 7, 2) AS decided,
            substr(ycrq, 1, 4) || '-' || substr(ycrq, 5, 2) || '-' || substr(ycrq, 7, 2) AS ended
        FROM m.qy_jyyc WHERE tyshxydm IN (SELECT value FROM json_each(:codes))
    )
    UNION ALL
    -- The gateway maps the view v_yzsx (one row per responsible person) and merges
    -- an entry's rows; the entry itself is the row of qy_yzsx, and keeps the view's id.
    SELECT code, id, 'SERIOUS_DISHONESTY_LIST', 'ADVERSE', '列入严重违法失信名单', decided, NULL,
        ended, 0, NULL, NULL
    FROM (
        SELECT tyshxydm AS code, 'market_regulation:v_yzsx:' || xh AS id,
            substr(lrrq, 1, 4) || '-' || substr(lrrq, 5, 2) || '-' || substr(lrrq, 7, 2) AS decided,
            substr(ycrq, 1, 4) || '-' || substr(ycrq, 5, 2) || '-' || substr(ycrq, 7, 2) AS ended
        FROM m.qy_yzsx WHERE tyshxydm IN (SELECT value FROM json_each(:codes))
    )
    UNION ALL
    SELECT code, id, 'RED_LIST', 'COMMENDATORY', '列入守信激励对象名单', decided, NULL, ended, 0,
        NULL, NULL
    FROM (
        SELECT tyshxydm AS code, 'market_regulation:sxjl_md:' || xh AS id,
            substr(rdrq, 1, 4) || '-' || substr(rdrq, 5, 2) || '-' || substr(rdrq, 7, 2) AS decided,
            substr(ycrq, 1, 4) || '-' || substr(ycrq, 5, 2) || '-' || substr(ycrq, 7, 2) AS ended
        FROM m.sxjl_md WHERE tyshxydm IN (SELECT value FROM json_each(:codes))
    )
    UNION ALL
    SELECT tyshxydm, 'court:sx_fr:' || id, 'JUDGMENT_DEFAULTER', 'ADVERSE', '失信被执行人',
        NULLIF(fbsj, ''), NULLIF(lasj, ''), NULLIF(ycsj, ''), 5, NULL, NULL
    FROM c.sx_fr WHERE tyshxydm IN (SELECT value FROM json_each(:codes))
    UNION ALL
    SELECT nsrsbh, 'tax:nsr_xyxx:' || jlbh, 'TAX_A_GRADE', 'COMMENDATORY',
        COALESCE(NULLIF(trim(sxmc), ''), '纳税信用A级纳税人'),
        substr(djrq, 1, 4) || '-' || substr(djrq, 5, 2) || '-' || substr(djrq, 7, 2),
        NULL, NULL, NULL, NULL, NULL
    FROM t.nsr_xyxx WHERE nsrsbh IN (SELECT value FROM json_each(:codes)) AND jllx = '02'
    UNION ALL
    SELECT tyshxydm, 'civil_affairs:shzz_djxx:' || tyshxydm, 'REGISTRATION_ORG', 'BASIC',
        '社会组织登记信息', NULL, substr(NULLIF(clrq, ''), 1, 10), NULL, NULL, NULL,
        NULLIF(trim(zzmc), '')
    FROM a.shzz_djxx WHERE tyshxydm IN (SELECT value FROM json_each(:codes))
    UNION ALL
    SELECT tyshxydm, 'civil_affairs:jg_djxx:' || tyshxydm, 'REGISTRATION_ORG', 'BASIC',
        '机关赋码登记信息', NULL, substr(NULLIF(clrq, ''), 1, 10), NULL, NULL, NULL,
        NULLIF(trim(jgmc), '')
    FROM a.jg_djxx WHERE tyshxydm IN (SELECT value FROM json_each(:codes))
    UNION ALL
    SELECT dxdm, 'civil_affairs:bzjl:' || jlid, 'COMMENDATION', 'COMMENDATORY',
        COALESCE(NULLIF(trim(rych), ''), '表彰奖励'), substr(NULLIF(bzrq, ''), 1, 10),
        NULL, NULL, NULL, NULL, NULL
    FROM a.bzjl WHERE dxdm IN (SELECT value FROM json_each(:codes))
    UNION ALL
    SELECT tyshxydm, 'civil_affairs:shzz_ycml:' || id, 'SOCIAL_ORG_ABNORMAL', 'ADVERSE',
        '列入社会组织活动异常名录', substr(NULLIF(lrrq, ''), 1, 10), NULL,
        substr(NULLIF(ycrq, ''), 1, 10), 5, NULL, NULL
    FROM a.shzz_ycml WHERE tyshxydm IN (SELECT value FROM json_each(:codes))
),
-- 003 art. 35: while on the serious-dishonesty list (since its earliest entry
-- not yet removed), an adverse record's period still running then is extended.
listed(code, since) AS (
    SELECT code, MIN(COALESCE(decided, occurred, '0001-01-01')) FROM rows
    WHERE item = 'SERIOUS_DISHONESTY_LIST' AND (start IS NULL OR start > :today)
    GROUP BY code
),
-- The last day of the period: whole years from `start`, 29 February landing on
-- 28 February (SQLite's date() would give 1 March).
dated AS (
    SELECT rows.*,
        CASE
            WHEN years IS NULL OR start IS NULL THEN NULL
            WHEN years = 0 THEN start
            WHEN substr(start, 6, 5) = '02-29'
                AND substr(date(start, '+' || years || ' years'), 6, 5) = '03-01'
                THEN date(start, '+' || years || ' years', '-1 day')
            ELSE date(start, '+' || years || ' years')
        END AS until
    FROM rows
),
-- Withdrawn from the day its decision was revoked (003 art. 43); expired after
-- its period unless extended.
shown AS (
    SELECT dated.*, COALESCE(decided, occurred, '0001-01-01') AS day
    FROM dated LEFT JOIN listed USING (code)
    WHERE (withdrawn IS NULL OR withdrawn > :today)
        AND (until IS NULL OR until >= :today OR (category = 'ADVERSE' AND listed.since <= until))
),
-- The subject's name is its newest registration's, whichever page it is on.
ranked AS (
    SELECT code, id, item, category, title, decided,
        ROW_NUMBER() OVER (PARTITION BY code ORDER BY day DESC, id) AS n,
        FIRST_VALUE(name) OVER (
            PARTITION BY code ORDER BY item = 'REGISTRATION_ORG' DESC, day DESC, id
        ) AS subject_name
    FROM shown
)
SELECT code, subject_name, id, title, item, category, decided
FROM ranked WHERE n <= 50
ORDER BY code, n
