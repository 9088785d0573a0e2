"""The public credit information catalogue (公共信用信息目录) as configuration.

Each item carries what 001 art. 13 and 004 art. 27 require of a catalogue
entry: provider unit, category, subject kinds, openness level, disclosure
period, update frequency and legal basis. Openness is decided here and only
here (001 art. 14); sources never say how open a record is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from gateway.config.reader import Problems, Table
from gateway.domain import Category, DetailType, ListKind, Openness, SubjectKind
from gateway.forbidden import forbidden_concept

_PERIOD = re.compile(r"^(\d+)([ymd])$")


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
    # A record of this item is the subject's membership of that list while it lasts.
    listing: ListKind | None = None

    def field(self, key: str) -> DetailField | None:
        return next((f for f in self.fields if f.key == key), None)


@dataclass(frozen=True, slots=True)
class Catalogue:
    """All catalogue items, by code, in configuration order."""

    items: Mapping[str, CatalogueItem]

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
    return Catalogue(items)


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
        listing=t.enum("listing", ListKind) if t.has("listing") else None,
    )


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
    "listing",
}


def _period(t: Table) -> Period | None:
    raw = t.opt_string("disclosure_period")
    if raw is None or raw == "none":
        return None
    match = _PERIOD.match(raw)
    if not match:
        t.problem("disclosure_period", f"{raw!r} is not a period like '5y', '6m', '90d' or 'none'")
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
