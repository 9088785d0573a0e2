"""The vocabulary of DESIGN.md section 2, as plain values shared by every layer.

Nothing here does I/O; adapters, the policy and the resolvers all speak it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class SubjectKind(StrEnum):
    """信用主体: who a credit record is about (001 art. 3)."""

    NATURAL_PERSON = "NATURAL_PERSON"
    LEGAL_PERSON = "LEGAL_PERSON"
    UNINCORPORATED_ORG = "UNINCORPORATED_ORG"


class Category(StrEnum):
    """基础 / 失信(不良) / 守信 / 其他 information (001 arts. 10-12)."""

    BASIC = "BASIC"
    ADVERSE = "ADVERSE"
    COMMENDATORY = "COMMENDATORY"
    OTHER = "OTHER"


class Openness(StrEnum):
    """开放等级 (001 art. 14): set by the catalogue item, never by a source."""

    PUBLIC = "PUBLIC"
    AUTHORIZED = "AUTHORIZED"
    INTERNAL = "INTERNAL"


class Provenance(StrEnum):
    """公共 / 市场 / 自主申报 credit information (001 arts. 8, 15; 004 art. 24)."""

    PUBLIC_CREDIT = "PUBLIC_CREDIT"
    MARKET_CREDIT = "MARKET_CREDIT"
    SELF_DECLARED = "SELF_DECLARED"


class DetailType(StrEnum):
    """How a detail value of a record is typed in the schema."""

    TEXT = "TEXT"
    DATE = "DATE"
    MONEY = "MONEY"
    NUMBER = "NUMBER"
    BOOLEAN = "BOOLEAN"


class RecordStatus(StrEnum):
    """Where a record stands in its disclosure lifecycle (DESIGN.md section 3)."""

    ACTIVE = "ACTIVE"
    EXPIRED = "EXPIRED"
    REPAIRED = "REPAIRED"
    SHIELDED = "SHIELDED"
    WITHDRAWN = "WITHDRAWN"


class ListKind(StrEnum):
    """The lists a catalogue item may record membership of (001 arts. 19-21, 004 art. 39).

    The three lists of the regulations, and the sector lists provider units
    publish; each is described in the catalogue (``[[list]]``).
    """

    RED_LIST = "RED_LIST"  # 守信激励对象 (004 art. 39, 001 art. 20)
    SERIOUS_DISHONESTY = "SERIOUS_DISHONESTY"  # 严重失信主体 (003 arts. 32-33, 004 art. 43)
    KEY_ATTENTION = "KEY_ATTENTION"  # 信用重点关注对象 (001 art. 19)
    COURT_DEFAULTER = "COURT_DEFAULTER"  # 失信被执行人
    BUSINESS_ABNORMAL = "BUSINESS_ABNORMAL"  # 经营异常名录
    SOCIAL_ORG_ABNORMAL = "SOCIAL_ORG_ABNORMAL"  # 社会组织活动异常名录


@dataclass(frozen=True, slots=True)
class ResponsibleParty:
    """A person a list entry names as responsible for an organisation's listing.

    001 art. 26, 002 art. 24, 003 art. 36, 004 art. 44: the legal
    representative, principal, actual controller or another directly
    responsible person. ``code`` (a citizen ID number) is what links the entry
    to the person's own file; it is never served as part of the entry.
    """

    role: str  # 法定代表人, 主要负责人, 实际控制人, 其他直接责任人
    name: str | None = None
    code: str | None = None


DetailValue = str | int | float | bool | date | None


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One fact as a source reports it, before the catalogue gives it meaning.

    ``item`` names the catalogue item the source maps the row to; openness,
    category and disclosure period are deliberately absent: they come from the
    catalogue (001 art. 14), never from a source row.
    """

    source: str
    record_id: str
    subject_code: str
    item: str
    title: str | None = None
    occurred_on: date | None = None
    decided_on: date | None = None
    ended_on: date | None = None
    subject_name: str | None = None
    subject_kind: SubjectKind | None = None
    details: Mapping[str, DetailValue] = field(default_factory=dict)
    # Which part of the source's configuration produced it (an SQL mapping, a
    # bureau record type), named in diagnostics; never served.
    origin: str | None = None
    # For a list entry of an organisation: the persons it names as responsible.
    responsible: tuple[ResponsibleParty, ...] = ()
    # When the source says the act behind the record was revoked or corrected by
    # review or court, and why (003 art. 43): the record is then withdrawn.
    withdrawn_on: date | None = None
    withdrawal_reason: str | None = None
    # The provider unit of this very record, when the source serves several units
    # (a commitment's accepting unit, 001 art. 30): a config/provider_units.toml code.
    provided_by: str | None = None


@dataclass(frozen=True, slots=True)
class SubjectHit:
    """A subject found by a name search."""

    code: str
    name: str
    kind: SubjectKind
    source: str
