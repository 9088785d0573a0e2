"""The catalogue (公共信用信息目录) as a queryable part of the schema."""

from __future__ import annotations

from functools import lru_cache

import strawberry

from gateway.config.catalogue import CatalogueItem, Period
from gateway.domain import Category, DetailType, Openness, SubjectKind


@strawberry.type(name="CatalogueField", description="A detail attribute an item's records carry.")
class CatalogueFieldType:
    key: str = strawberry.field(description="Key used in RecordDetail.key.")
    label: str = strawberry.field(description="Chinese label.")
    type: DetailType = strawberry.field(description="Value type.")
    sensitive_financial: bool = strawberry.field(
        description="A person's income, deposits, securities, insurance, real estate or tax "
        "amount: shown only under a consent that names such data (003 art. 18)."
    )


@strawberry.type(
    name="CatalogueItem",
    description="公共信用信息目录 entry (001 art. 13, 004 art. 27): what a kind of record is, "
    "who provides it, how open it is and how long it is disclosed.",
)
class CatalogueItemType:
    code: str = strawberry.field(description="Stable item code, e.g. ADM_PENALTY.")
    name: str = strawberry.field(description="Chinese name, e.g. 行政处罚.")
    category: Category = strawberry.field(description="Kind of information.")
    provider_unit: str = strawberry.field(description="The provider unit (信息提供单位).")
    subject_kinds: list[SubjectKind] = strawberry.field(description="Subjects it applies to.")
    openness: Openness = strawberry.field(description="Openness level (001 art. 14).")
    public_for_persons: bool = strawberry.field(
        description="Whether a natural person's records of this item are public (000 art. 47)."
    )
    disclosure_period: str | None = strawberry.field(
        description="ISO 8601 duration such as P5Y; null when the item is not time-limited."
    )
    update_frequency: str = strawberry.field(description="How often the provider updates it.")
    legal_basis: str = strawberry.field(description="The rules the item rests on.")
    fields: list[CatalogueFieldType] = strawberry.field(description="Detail attributes.")


def _iso(period: Period | None) -> str | None:
    if period is None:
        return None
    return f"P{period.amount}{period.unit.upper()}"


@lru_cache(maxsize=1024)
def item_type(item: CatalogueItem) -> CatalogueItemType:
    """The schema object for a catalogue item (items are immutable, so built once)."""
    return CatalogueItemType(
        code=item.code,
        name=item.name,
        category=item.category,
        provider_unit=item.provider_unit,
        subject_kinds=sorted(item.subject_kinds),
        openness=item.openness,
        public_for_persons=item.public_for_persons,
        disclosure_period=_iso(item.disclosure_period),
        update_frequency=item.update_frequency,
        legal_basis=item.legal_basis,
        fields=[
            CatalogueFieldType(
                key=f.key, label=f.label, type=f.type, sensitive_financial=f.sensitive_financial
            )
            for f in item.fields
        ],
    )
