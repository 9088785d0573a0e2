"""Five fixed example subjects with hand-written records, present at every size.

They exist so a frontend developer, a test or a demo can rely on known
codes and know what each viewer should see. ``records`` lists the catalogue
item of every record the demo databases hold for the subject; the rows
themselves are in :mod:`demo.example_rows`. Dates are relative to
the demo reference date 2026-11-01.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.domain import SubjectKind


@dataclass(frozen=True, slots=True)
class ExampleSubject:
    """A subject the demo data always contains, and what to expect of it."""

    code: str
    kind: SubjectKind
    name: str
    what_to_expect: str
    records: tuple[str, ...]  # catalogue item code of each record, in no particular order


ADVERSE_COMPANY = ExampleSubject(
    code="91330106MA2H7K3Q0L",
    kind=SubjectKind.LEGAL_PERSON,
    name="杭州瀚铖网络科技有限公司",
    what_to_expect=(
        "A company with adverse records. Public: registration (legal representative "
        "陈志远, the example natural person); two penalties, 2026-06-15 (disclosed until "
        "2029-06-15) and 2022-09-20 (past its 3-year period since 2025-09-20, so only the "
        "subject sees it); a judgment-defaulter entry filed 2025-03-12 and still open; an "
        "older defaulter entry removed 2020-05-06 (past its 5 years since 2025-05-06); on "
        "the business-abnormal list since 2025-07-01; on the serious-dishonesty list since "
        "2026-03-01 for organising fake transactions and reviews (杭市监严失〔2026〕3号, "
        "still listed), naming 陈志远 as legal representative; 周启明, its actual "
        "controller, has the entry on his own file only (004 art. 44 names the legal "
        "representative on the list). It was listed after the 2022 penalty's period had "
        "ended, so that penalty stays withheld (003 art. 35 extends only a period still running). "
        "Authorized: tax arrears of 86,420.55 yuan (VAT, registered 2025-11-20, unpaid). "
        "Internal: social-insurance arrears of 132,560.00 yuan (2025-08-15) and an "
        "administrative enforcement (seizure decided 2026-05-20, lifted 2026-07-01)."
    ),
    records=(
        "REGISTRATION_ORG",
        "ADM_PENALTY",
        "ADM_PENALTY",
        "JUDGMENT_DEFAULTER",
        "JUDGMENT_DEFAULTER",
        "BUSINESS_ABNORMAL",
        "SERIOUS_DISHONESTY_LIST",
        "TAX_ARREARS",
        "SOCIAL_INSURANCE_ARREARS",
        "ADM_ENFORCEMENT",
    ),
)

CLEAN_COMPANY = ExampleSubject(
    code="91330108MA27WN5T3N",
    kind=SubjectKind.LEGAL_PERSON,
    name="杭州栖梧生物科技股份有限公司",
    what_to_expect=(
        "A clean company: registration, two licences (food production 2024-03-01 and food "
        "trade 2023-06-10), A-grade taxpayer for 2023, 2024 and 2025, a provincial "
        "'守合同重信用' commendation of 2025-05-20, and on the red list (守信激励对象) "
        "since 2026-04-15 for three years of A grades (浙税信〔2026〕12号, valid until "
        "2028-04-14). An older red-list entry (market regulation's low-risk class, "
        "2023-01-10) was removed 2025-01-01 when its validity ended, so only the subject "
        "sees it. Everything else is public; nothing adverse. The gateway also finds it "
        "eligible for the red list (004 art. 39), internal: no adverse record in force."
    ),
    records=(
        "REGISTRATION_ORG",
        "ADM_LICENCE",
        "ADM_LICENCE",
        "TAX_A_GRADE",
        "TAX_A_GRADE",
        "TAX_A_GRADE",
        "COMMENDATION",
        "RED_LIST",
        "RED_LIST",
    ),
)

PERSON = ExampleSubject(
    code="330106198507152318",
    kind=SubjectKind.NATURAL_PERSON,
    name="陈志远",
    what_to_expect=(
        "A natural person, legal representative of 杭州瀚铖网络科技有限公司. Anonymous "
        "viewers see only the judgment-defaulter entry (filed 2024-05-10, still open; the "
        "catalogue makes it public for persons). Basic info (male, born 1985-07-15) needs "
        "consent; the 2023-12-20 commendation and three volunteering records (2023-09-23, "
        "2024-03-05, 2026-09-12) are not public for persons (000 art. 47); the individual "
        "income tax records for 2024 and 2025 are sensitive financial data shown only "
        "under a consent that names them. As the company's legal representative he is "
        "named in its serious-dishonesty entry of 2026-03-01, which is also on his own "
        "file (001 art. 26; a person's information, so not public)."
    ),
    records=(
        "REGISTRATION_PERSON",
        "JUDGMENT_DEFAULTER",
        "SERIOUS_DISHONESTY_RESPONSIBLE",
        "COMMENDATION",
        "VOLUNTEERING",
        "VOLUNTEERING",
        "VOLUNTEERING",
        "TAX_PAYMENT",
        "TAX_PAYMENT",
    ),
)

SOLE_PROPRIETORSHIP = ExampleSubject(
    code="91330105MA2CD8RL8R",
    kind=SubjectKind.UNINCORPORATED_ORG,
    name="杭州蕙兰食品商行",
    what_to_expect=(
        "An unincorporated organisation (个人独资企业, investor 楼蕙兰): registration, a "
        "food-trade licence of 2025-01-06, a penalty of 2025-04-18 for selling food past "
        "its shelf life (5,000 yuan; disclosed until 2028-04-18), and one of 2021-10-12 "
        "for uninspected poultry (100,000 yuan) that put it on the serious-dishonesty list "
        "on 2022-01-10: still listed, so that penalty stays disclosed past its 3 years "
        "(003 art. 35). The entry names its investor 楼蕙兰 as the person responsible."
    ),
    records=(
        "REGISTRATION_ORG",
        "ADM_LICENCE",
        "ADM_PENALTY",
        "ADM_PENALTY",
        "SERIOUS_DISHONESTY_LIST",
    ),
)

GOVERNMENT_BODY = ExampleSubject(
    code="1133010600248917XL",
    kind=SubjectKind.LEGAL_PERSON,
    name="杭州市西湖区人民政府办公室",
    what_to_expect=(
        "A government body (机关, code starting with 11): its registration from the "
        "机构编制 office and a provincial commendation of 2024-11-15. Both public."
    ),
    records=("REGISTRATION_ORG", "COMMENDATION"),
)

EXAMPLES: tuple[ExampleSubject, ...] = (
    ADVERSE_COMPANY,
    CLEAN_COMPANY,
    PERSON,
    SOLE_PROPRIETORSHIP,
    GOVERNMENT_BODY,
)
EXAMPLE_CODES: frozenset[str] = frozenset(e.code for e in EXAMPLES)

# Not one of the five README examples: the benchmarks' "organisation with 20
# records" (issue 4, scenario a), all of them public.
BUSY_COMPANY = ExampleSubject(
    code="91330110MA2KB7N55J",
    kind=SubjectKind.LEGAL_PERSON,
    name="杭州繁星供应链管理有限公司",
    what_to_expect=(
        "Twenty public records: registration, twelve licences, four recent penalties and "
        "three A-grade taxpayer ratings. Used by `make bench`."
    ),
    records=("REGISTRATION_ORG",)
    + ("ADM_LICENCE",) * 12
    + ("ADM_PENALTY",) * 4
    + ("TAX_A_GRADE",) * 3,
)

# Not an example subject either: the adverse company's actual controller, whom
# its serious-dishonesty entry names (004 art. 44). Born 1979 in 桐庐县 (330122;
# 西湖区 330106 dates from 1983, see demo.codes); he has no other record.
CONTROLLER = ExampleSubject(
    code="330122197904231373",
    kind=SubjectKind.NATURAL_PERSON,
    name="周启明",
    what_to_expect=(
        "Actual controller of 杭州瀚铖网络科技有限公司: its serious-dishonesty entry of "
        "2026-03-01 on his own file, and nothing else. Not public (a person's information)."
    ),
    records=("SERIOUS_DISHONESTY_RESPONSIBLE",),
)
# Codes the random population never takes.
RESERVED_CODES: frozenset[str] = EXAMPLE_CODES | {BUSY_COMPANY.code, CONTROLLER.code}
