"""The public credit information catalogue (公共信用信息目录) as configuration.

Each item carries what 001 art. 13 and 004 art. 27 require of a catalogue
entry: provider unit, category, subject kinds, openness level, disclosure
period, update frequency and legal basis. Openness is decided here and only
here (001 art. 14); sources never say how open a record is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from gateway.config.reader import Problems, Table
from gateway.domain import Category, DetailType, ListKind, Openness, SubjectKind
from gateway.forbidden import forbidden_concept

_PERIOD = re.compile(r"^(\d+)([ymd])$")

# The catalogue item the integrity score (自然人诚信积分, 001 art. 28) is disclosed as:
# the gateway computes it (config/score.toml); consents name it, the policy
# decides who opens it and the query log records it (001 arts. 14, 33).
SCORE_ITEM = "INTEGRITY_SCORE"


class PeriodStart(StrEnum):
    """Which date a disclosure period is counted from."""

    ENDED = "ended"  # 003 art. 35: from the end of the dishonest act
    DECIDED = "decided"
    OCCURRED = "occurred"


@dataclass(frozen=True, slots=True)
class Period:
    """A disclosure period such as five years (003 art. 35)."""

    amount: int
    unit: str  # "y", "m" or "d"

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"


@dataclass(frozen=True, slots=True)
class DetailField:
    """One typed detail attribute a record of an item may carry."""

    key: str
    label: str
    type: DetailType
    sensitive_financial: bool = False


@dataclass(frozen=True, slots=True)
class RepairRule:
    """Whether and how an adverse item can be repaired (001 art. 36, 002 art. 31)."""

    repairable: bool
    scope: str  # 修复范围, or why it cannot be repaired (003 art. 44, 004 art. 55)
    conditions: str = ""  # 修复条件
    method: str = ""  # 修复方式
    after: Period | None = None  # the least time after the decision before applying


@dataclass(frozen=True, slots=True)
class CatalogueItem:
    """One entry of the catalogue (001 art. 13, 004 art. 27)."""

    code: str
    name: str
    category: Category
    provider_unit: str
    subject_kinds: frozenset[SubjectKind]
    openness: Openness
    public_for_persons: bool
    disclosure_period: Period | None
    period_start: PeriodStart
    update_frequency: str
    legal_basis: str
    registration: bool
    fields: tuple[DetailField, ...]
    # 领域: the domain of the behaviour or the information (市场监管, 税务, 司法...);
    # a list entry's sector, and what measures are linked to (001 art. 24).
    domain: str | None = None
    # A record of this item is the subject's membership of that list while it lasts.
    listing: ListKind | None = None
    # Records of this item are another item's list entries, recorded against the
    # persons they name as responsible (001 art. 26, 003 art. 36): that item's code.
    responsible_for: str | None = None
    # Which detail holds each part of a list entry (reason, basis...), where a
    # key is not the part's own name (court records say `circumstances`).
    entry: tuple[tuple[str, str], ...] = ()
    # For adverse items: whether and how a record can be repaired.
    repair: RepairRule | None = None
    # Opened only to the subject and under a consent naming the item: never by
    # openness, by a duty matter, or by a consent to its category (the integrity
    # score, 001 art. 28). Always AUTHORIZED.
    consent_only: bool = False

    def field(self, key: str) -> DetailField | None:
        return next((f for f in self.fields if f.key == key), None)

    def entry_detail(self, part: str) -> str:
        """The detail key holding ``part`` of a list entry of this item."""
        return next((key for name, key in self.entry if name == part), part)


# The parts of a list entry a listing item's details may hold (001 art. 23,
# 003 art. 33, 004 art. 44: the decision states reason, basis, removal
# conditions and procedure, and remedies).
ENTRY_PARTS = frozenset(
    {
        "reason",
        "basis",
        "decision_number",
        "deciding_unit",
        "removal_conditions",
        "removal_procedure",
        "remedies",
        "removal_reason",
        "organisation_code",
        "role",
        "sector",
    }
)


@dataclass(frozen=True, slots=True)
class ListDefinition:
    """One list (名单): what it is, and what an entry that does not say for itself says."""

    kind: ListKind
    name: str
    legal_basis: str
    removal_procedure: str
    remedies: str
    # The roles of responsible persons an entry names to its viewers (004 art. 44).
    public_roles: frozenset[str] = frozenset({"法定代表人", "主要负责人"})


@dataclass(frozen=True, slots=True)
class Catalogue:
    """All catalogue items, by code, in configuration order."""

    items: Mapping[str, CatalogueItem]
    lists: Mapping[ListKind, ListDefinition] = field(default_factory=dict)

    def get(self, code: str) -> CatalogueItem | None:
        return self.items.get(code)

    def __iter__(self) -> Iterator[CatalogueItem]:
        return iter(self.items.values())

    def codes_for(self, categories: Iterable[Category]) -> frozenset[str]:
        wanted = set(categories)
        return frozenset(i.code for i in self.items.values() if i.category in wanted)


def load_catalogue(path: Path, problems: Problems) -> Catalogue:
    """Read `catalogue.toml`; problems are recorded, not raised."""
    root = Table.load(path, problems)
    items: dict[str, CatalogueItem] = {}
    for table in root.tables("item"):
        item = _item(table)
        if item.code in items:
            table.problem("code", f"duplicate item code {item.code!r}")
        items[item.code] = item
    if not items and root.data:
        root.problem("item", "the catalogue has no items")
    lists: dict[ListKind, ListDefinition] = {}
    for table in root.tables("list"):
        definition = _list(table)
        if definition.kind in lists:
            table.problem("kind", f"list {definition.kind} is defined twice")
        lists[definition.kind] = definition
    _check_lists(root, items, lists)
    return Catalogue(items, lists)


def _list(t: Table) -> ListDefinition:
    t.unknown_keys({"kind", "name", "legal_basis", "removal_procedure", "remedies", "public_roles"})
    roles = t.strings("public_roles") if t.has("public_roles") else ("法定代表人", "主要负责人")
    return ListDefinition(
        kind=t.enum("kind", ListKind),
        name=t.string("name"),
        legal_basis=t.string("legal_basis"),
        removal_procedure=t.string("removal_procedure"),
        remedies=t.string("remedies"),
        public_roles=frozenset(roles),
    )


def _check_lists(
    root: Table, items: Mapping[str, CatalogueItem], lists: Mapping[ListKind, ListDefinition]
) -> None:
    for code, item in items.items():
        where = f"item {code}"
        if item.listing is not None and item.listing not in lists:
            root.problem(where, f"records list {item.listing}, which has no [[list]]")
        if item.responsible_for is not None:
            target = items.get(item.responsible_for)
            if target is None or target.listing is None:
                root.problem(
                    where, f"responsible_for {item.responsible_for!r} is not a listing item"
                )
            elif item.listing is not None:
                root.problem(where, "an item records either a list or its responsible persons")
        if item.repair is not None and item.category is not Category.ADVERSE:
            root.problem(f"{where}.repair", "only adverse information is repaired (004 art. 55)")
        if (
            item.repair is not None
            and item.repair.repairable
            and not (item.repair.conditions and item.repair.method)
        ):
            # 001 art. 36, 002 art. 31: the catalogue states the conditions and method.
            root.problem(f"{where}.repair", "a repairable item states its conditions and method")
        if item.consent_only and item.openness is not Openness.AUTHORIZED:
            # Only a consent naming it opens it: PUBLIC would open it to anyone,
            # INTERNAL to units only, and neither can be consented to.
            root.problem(f"{where}.consent_only", "a consent_only item must be AUTHORIZED")
        for part, key in item.entry:
            if part not in ENTRY_PARTS:
                root.problem(f"{where}.entry", f"{part!r} is not a part of a list entry")
            elif item.field(key) is None:
                root.problem(f"{where}.entry.{part}", f"{key!r} is not one of the item's fields")


def _item(t: Table) -> CatalogueItem:
    t.unknown_keys(_ITEM_KEYS)
    return CatalogueItem(
        code=t.string("code"),
        name=t.string("name"),
        category=t.enum("category", Category),
        provider_unit=t.string("provider_unit"),
        subject_kinds=t.enums("subject_kinds", SubjectKind),
        openness=t.enum("openness", Openness),
        public_for_persons=t.boolean("public_for_persons"),
        disclosure_period=_period(t),
        period_start=t.enum("period_start", PeriodStart, PeriodStart.DECIDED),
        update_frequency=t.string("update_frequency"),
        legal_basis=t.string("legal_basis"),
        registration=t.boolean("registration"),
        fields=tuple(_fields(t.table("fields"))),
        domain=t.opt_string("domain"),
        listing=t.enum("listing", ListKind) if t.has("listing") else None,
        responsible_for=t.opt_string("responsible_for"),
        entry=tuple(_entry(t.table("entry")).items()),
        repair=_repair(t.table("repair")) if t.has("repair") else None,
        consent_only=t.boolean("consent_only"),
    )


def _repair(t: Table) -> RepairRule:
    t.unknown_keys({"repairable", "scope", "conditions", "method", "after"})
    after = t.opt_string("after")
    return RepairRule(
        repairable=t.boolean("repairable"),
        scope=t.string("scope"),
        conditions=t.opt_string("conditions") or "",
        method=t.opt_string("method") or "",
        after=None if after is None else parse_period(t, "after", after),
    )


def _entry(t: Table) -> dict[str, str]:
    parts: dict[str, str] = {}
    for part, key in t.entries():
        if isinstance(key, str):
            parts[part] = key
        else:
            t.problem(part, "must be a detail key")
    return parts


_ITEM_KEYS = {
    "code",
    "name",
    "category",
    "provider_unit",
    "subject_kinds",
    "openness",
    "public_for_persons",
    "disclosure_period",
    "period_start",
    "update_frequency",
    "legal_basis",
    "registration",
    "fields",
    "domain",
    "listing",
    "responsible_for",
    "entry",
    "repair",
    "consent_only",
}


def _period(t: Table) -> Period | None:
    raw = t.opt_string("disclosure_period")
    if raw is None or raw == "none":
        return None
    return parse_period(t, "disclosure_period", raw)


def parse_period(t: Table, key: str, raw: str) -> Period | None:
    """A period like '5y', '6m' or '90d'; a problem is recorded for anything else."""
    match = _PERIOD.match(raw)
    if not match:
        t.problem(key, f"{raw!r} is not a period like '5y', '6m', '90d' or 'none'")
        return None
    return Period(int(match.group(1)), match.group(2))


def _fields(table: Table) -> Iterable[DetailField]:
    for key, value in table.entries():
        sub = Table(
            value if isinstance(value, dict) else {}, table.file, table.key(key), table.problems
        )
        if not isinstance(value, dict):
            table.problem(key, "must be a table like { label = '...', type = 'TEXT' }")
            continue
        label = sub.string("label")
        concept = forbidden_concept(key, label)
        if concept:
            # 003 art. 18, 001 art. 37, 002 art. 19
            table.problem(key, f"exposes forbidden personal data ({concept})")
            continue
        yield DetailField(
            key=key,
            label=label,
            type=sub.enum("type", DetailType, DetailType.TEXT),
            sensitive_financial=sub.boolean("sensitive_financial"),
        )
