-- The registration of each organisation named in :codes (a JSON array of codes): its
-- name and kind, as an anonymous viewer sees them (registrations of
-- organisations are public, 001 art. 14, and never expire). Newest registration
-- first when an organisation has several. Schemas as in records.sql.
--
-- Kind: 企业类型代码 4530 and 4700 (partnerships, sole proprietorships) are
-- unincorporated organisations, as config/sources.toml maps them; any other
-- organisation is a legal person.
WITH
registrations(code, id, day, name, kind) AS (
    SELECT tyshxydm, 'market_regulation:qy_jbxx:' || nbxh,
        COALESCE(
            substr(hzrq, 1, 4) || '-' || substr(hzrq, 5, 2) || '-' || substr(hzrq, 7, 2),
            substr(clrq, 1, 4) || '-' || substr(clrq, 5, 2) || '-' || substr(clrq, 7, 2),
            '0001-01-01'
        ),
        NULLIF(trim(qymc), ''),
        CASE WHEN qylxdm IN ('4530', '4700') THEN 'UNINCORPORATED_ORG' ELSE 'LEGAL_PERSON' END
    FROM m.qy_jbxx WHERE tyshxydm IN (SELECT value FROM json_each(:codes))
    UNION ALL
    SELECT tyshxydm, 'civil_affairs:shzz_djxx:' || tyshxydm,
        COALESCE(substr(NULLIF(clrq, ''), 1, 10), '0001-01-01'), NULLIF(trim(zzmc), ''),
        'LEGAL_PERSON'
    FROM a.shzz_djxx WHERE tyshxydm IN (SELECT value FROM json_each(:codes))
    UNION ALL
    SELECT tyshxydm, 'civil_affairs:jg_djxx:' || tyshxydm,
        COALESCE(substr(NULLIF(clrq, ''), 1, 10), '0001-01-01'), NULLIF(trim(jgmc), ''),
        'LEGAL_PERSON'
    FROM a.jg_djxx WHERE tyshxydm IN (SELECT value FROM json_each(:codes))
),
ranked AS (
    SELECT code, name, kind, ROW_NUMBER() OVER (PARTITION BY code ORDER BY day DESC, id) AS n
    FROM registrations
)
SELECT code, name, kind FROM ranked WHERE n = 1
