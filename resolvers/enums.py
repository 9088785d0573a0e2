"""The domain enums exposed in the schema, each value described for frontend teams."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

import strawberry

from gateway.config.measures import MeasureKind
from gateway.domain import (
    Category,
    DetailType,
    ListKind,
    Openness,
    Provenance,
    RecordStatus,
    SubjectKind,
)
from gateway.store.declarations import Performance
from gateway.store.workflows import CaseKind, CaseStatus
from gateway.viewer import ViewerKind

E = TypeVar("E", bound=type[StrEnum])


def _describe(cls: E, description: str, values: dict[str, str]) -> E:
    strawberry.enum(cls, description=description)
    for value in cls.__strawberry_definition__.values:  # type: ignore[attr-defined]
        value.description = values[value.name]
    return cls


_describe(
    SubjectKind,
    "信用主体: the kind of subject a credit record is about (001 art. 3).",
    {
        "NATURAL_PERSON": "自然人: a natural person, identified by citizen ID number.",
        "LEGAL_PERSON": "法人: a company, public institution, social organisation or state organ.",
        "UNINCORPORATED_ORG": "非法人组织: e.g. a partnership or sole proprietorship.",
    },
)
_describe(
    Category,
    "Kind of credit information (001 arts. 10-12).",
    {
        "BASIC": "基础信息: registration, licences, qualifications.",
        "ADVERSE": "失信(不良)信息: penalties, defaulter listings, arrears.",
        "COMMENDATORY": "守信信息: commendations, A-grade ratings, volunteering.",
        "OTHER": "其他信息: anything else the catalogue lists.",
    },
)
_describe(
    Openness,
    "开放等级: who may see an item, set by the catalogue (001 art. 14).",
    {
        "PUBLIC": "社会公开: anyone may see it (for natural persons only items marked so).",
        "AUTHORIZED": "授权查询: needs the subject's written consent (002 art. 21).",
        "INTERNAL": "政务内部应用: government units in a listed duty matter, and the subject.",
    },
)
_describe(
    Provenance,
    "Where a record comes from (001 arts. 8, 15; 004 art. 24).",
    {
        "PUBLIC_CREDIT": "公共信用信息 from a provider unit (government body, court).",
        "MARKET_CREDIT": "市场信用信息 from a credit bureau or trade association.",
        "SELF_DECLARED": "自主申报: declared by the subject itself, marked as such (001 art. 15).",
    },
)
_describe(
    DetailType,
    "How a detail value is typed; read the matching field of RecordDetail.",
    {
        "TEXT": "Free text, in `text`.",
        "DATE": "A calendar date, in `date` (and `text` as YYYY-MM-DD).",
        "MONEY": "An amount of money in yuan unless the label says otherwise, in `number`.",
        "NUMBER": "A number, in `number`.",
        "BOOLEAN": "Yes or no, in `flag`.",
    },
)
_describe(
    RecordStatus,
    "Where a record stands in its disclosure lifecycle.",
    {
        "ACTIVE": "Disclosed normally.",
        "EXPIRED": "Past its disclosure period (003 art. 35); only the subject sees it.",
        "REPAIRED": "Credit repair approved (003 art. 44); only the subject sees it.",
        "SHIELDED": "Hidden at the subject's request (001 art. 35); only the subject sees it.",
        "WITHDRAWN": "Its decision was revoked or corrected (003 art. 43); only the subject "
        "sees it.",
    },
)


class ObjectionOutcome(StrEnum):
    UPHOLD = "UPHOLD"
    REJECT = "REJECT"


class RepairOutcome(StrEnum):
    APPROVE = "APPROVE"
    REJECT = "REJECT"


_describe(
    Performance,
    "Whether a credit commitment was kept, as its accepting unit found (001 art. 30).",
    {
        "KEPT": "全部履行: the commitment was kept.",
        "BROKEN": "未履行: it was broken; the subject gets an adverse record of it "
        "(BROKEN_COMMITMENT, 001 art. 30, 004 art. 22).",
    },
)
_describe(
    CaseKind,
    "What a case is about.",
    {
        "OBJECTION": "异议: the subject says a record is wrong (000 art. 46, 001 art. 34).",
        "REPAIR": "信用修复: the subject has corrected the behaviour (004 arts. 55-57).",
    },
)
_describe(
    CaseStatus,
    "Where a case stands: an objection (001 art. 34, 004 art. 52) or a repair "
    "application (003 art. 44, 004 arts. 55-57).",
    {
        "ANNOTATED": "An objection filed, and the record annotated for every viewer.",
        "FORWARDED": "An objection forwarded to the provider unit to verify.",
        "APPLIED": "A repair applied for, to be decided.",
        "UPHELD": "An objection upheld: the record is corrected (004 art. 52) or withdrawn "
        "(003 art. 43).",
        "APPROVED": "A repair approved: the record is no longer disclosed (004 art. 56).",
        "REJECTED": "Rejected, with written reasons (000 art. 46).",
    },
)
_describe(
    RepairOutcome,
    "How the agency decides a repair application.",
    {
        "APPROVE": "The conditions are met: the record is no longer disclosed (004 art. 56).",
        "REJECT": "Not met; give the reasons.",
    },
)
_describe(
    ObjectionOutcome,
    "How the agency decides an objection.",
    {
        "UPHOLD": "The information is wrong: correct the given details, or withdraw the record.",
        "REJECT": "The information stands; give the reasons.",
    },
)


class ListEntryStatus(StrEnum):
    LISTED = "LISTED"
    REMOVED = "REMOVED"


class EntryOrigin(StrEnum):
    DECIDED = "DECIDED"
    RULE = "RULE"


_describe(
    ListEntryStatus,
    "Whether a list entry stands.",
    {
        "LISTED": "On the list today.",
        "REMOVED": "Removed (移出), repaired away or revoked; shown while still disclosed.",
    },
)
_describe(
    EntryOrigin,
    "Who put an entry on its list.",
    {
        "DECIDED": "Decided by a unit and reported by its source.",
        "RULE": "Worked out by the gateway from records, by a rule in config/list_rules.toml.",
    },
)
_describe(
    ListKind,
    "名单: a list a subject may be on (001 arts. 19-20, 003 arts. 32-33, 004 arts. 39, 43).",
    {
        "RED_LIST": "守信激励对象名单: the red list (004 art. 39, 001 art. 20).",
        "SERIOUS_DISHONESTY": "严重失信主体名单 (003 arts. 32-33, 004 arts. 43-44).",
        "KEY_ATTENTION": "信用重点关注对象: repeated or multi-domain adverse records "
        "(001 art. 19); worked out by the gateway, internal.",
        "COURT_DEFAULTER": "失信被执行人名单, published by the courts.",
        "BUSINESS_ABNORMAL": "经营异常名录 of the market regulator.",
        "SOCIAL_ORG_ABNORMAL": "社会组织活动异常名录 of civil affairs.",
    },
)
_describe(
    MeasureKind,
    "激励 / 约束 / 惩戒: what kind of measure (001 arts. 21-23, 004 arts. 40, 46).",
    {
        "INCENTIVE": "激励措施 for red-list subjects (001 art. 21, 004 art. 40).",
        "CONSTRAINT": "约束措施 on adverse information, linked to its domain (001 art. 22).",
        "PUNISHMENT": "惩戒措施 on serious dishonesty (001 art. 23, 004 art. 46).",
    },
)
_describe(
    ViewerKind,
    "Who is asking, from the bearer token.",
    {
        "ANONYMOUS": "No token: the public.",
        "SUBJECT": "A credit subject about itself (a person in a mobile app, a company).",
        "INSTITUTION": "A grantee such as a bank, with consent tokens from subjects.",
        "GOV_UNIT": "A government unit, in the course of a listed duty matter.",
        "PROVIDER": "A provider unit that supplies credit information.",
        "AGENCY": "The credit work agency (公共信用信息工作机构) that handles objections "
        "(001 art. 34); it sees a record only while an objection to it is handled.",
    },
)
