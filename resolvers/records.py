"""The CreditRecord type: one disclosed record, as the policy let it through."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import strawberry

from gateway.domain import Category, DetailType, Openness, Provenance, RecordStatus
from gateway.policy import china_today
from gateway.records import Correction, Detail
from gateway.shown import shown_corrections, shown_details
from gateway.visibility import Disclosed
from resolvers.catalogue import CatalogueItemType, item_type
from resolvers.disclosure import Disclosing


@strawberry.type(name="RecordDetail", description="One typed attribute of a credit record.")
class RecordDetailType:
    key: str = strawberry.field(description="Stable key from the catalogue, e.g. `fine_amount`.")
    label: str = strawberry.field(description="The catalogue's Chinese label, e.g. 罚款金额.")
    type: DetailType = strawberry.field(description="Which typed field below holds the value.")
    text: str | None = strawberry.field(description="The value as display text (any type).")
    date: date | None = strawberry.field(description="The value when `type` is DATE.")
    number: float | None = strawberry.field(description="The value when MONEY or NUMBER.")
    flag: bool | None = strawberry.field(description="The value when `type` is BOOLEAN.")


@strawberry.type(
    name="RecordCorrection",
    description="A detail corrected by an upheld objection (004 art. 52): before and after.",
)
class RecordCorrectionType:
    key: str = strawberry.field(description="The corrected detail's catalogue key.")
    previous: RecordDetailType | None = strawberry.field(
        description="The value it replaced, shown to the subject and to those handling its "
        "case only (information found wrong is not published again, 004 art. 52); null "
        "otherwise, and when it had none."
    )
    corrected: RecordDetailType = strawberry.field(description="The value since.")
    corrected_on: date = strawberry.field(description="The day it was corrected, in China.")


@strawberry.type(
    name="CreditRecord",
    description="社会信用信息: one fact about one subject from one source, as disclosed to you.",
)
class CreditRecordType(Disclosing):
    disclosed_record: strawberry.Private[Disclosed]
    id: strawberry.ID = strawberry.field(description="Stable id: source, table and source row id.")
    item: CatalogueItemType = strawberry.field(
        description="The catalogue item this record belongs to (gives openness and period)."
    )
    category: Category = strawberry.field(description="基础 / 失信 / 守信 / 其他.")
    provenance: Provenance = strawberry.field(
        description="Public, market or self-declared; self-declared info is marked (001 art. 15)."
    )
    openness: Openness = strawberry.field(description="The item's openness level (001 art. 14).")
    provider_unit: str = strawberry.field(description="The unit responsible for the information.")
    source: str = strawberry.field(description="The configured source the record came from.")
    title: str = strawberry.field(description="Short human-readable title.")
    occurred_on: date | None = strawberry.field(description="When the act or event happened.")
    decided_on: date | None = strawberry.field(description="When the decision was made.")
    disclosure_until: date | None = strawberry.field(
        description="Last day of the disclosure period; null when the item has none (003 art. 35)."
    )
    status: RecordStatus = strawberry.field(description="Lifecycle state of the record.")
    under_objection: bool = strawberry.field(
        description="An objection is pending; the record is annotated meanwhile (000 art. 46)."
    )
    objected_on: date | None = strawberry.field(
        description="The day the pending objection was filed, in China; null when none is."
    )
    withdrawn_on: date | None = strawberry.field(
        description="When it was withdrawn (its act revoked or corrected, 003 art. 43, or an "
        "objection upheld); only the subject sees withdrawn records."
    )
    withdrawal_reason: str | None = strawberry.field(
        description="Why, as the source or the decision says."
    )

    # Built only when selected: most queries ask for a record's title and dates.
    @strawberry.field(
        description="Typed attributes declared by the catalogue item; nothing else is returned."
    )
    def details(self) -> list[RecordDetailType]:
        return [_detail(d) for d in shown_details(self.disclosed_record)]

    @strawberry.field(
        description="What upheld objections corrected, oldest first; `details` shows the "
        "corrected values."
    )
    def corrections(self) -> list[RecordCorrectionType]:
        return [_correction(c) for c in shown_corrections(self.disclosed_record)]

    @classmethod
    def shows(cls, fields: frozenset[str]) -> bool:
        return bool(fields)  # any field of a record shows the record

    def disclosed(self, shown: bool) -> Iterable[Disclosed]:
        return (self.disclosed_record,)


def record_type(disclosed: Disclosed) -> CreditRecordType:
    record, decision = disclosed.record, disclosed.decision
    return CreditRecordType(
        disclosed_record=disclosed,
        id=strawberry.ID(record.id),
        item=item_type(record.item),
        category=record.category,
        provenance=record.provenance,
        openness=record.openness,
        provider_unit=record.item.provider_unit,
        source=record.source,
        title=record.title,
        occurred_on=record.occurred_on,
        decided_on=record.decided_on,
        disclosure_until=record.disclosure_until,
        status=decision.status,
        under_objection=record.under_objection,
        objected_on=None if record.objected_at is None else china_today(record.objected_at),
        withdrawn_on=record.withdrawn_on,
        withdrawal_reason=record.withdrawal_reason,
    )


def _correction(c: Correction) -> RecordCorrectionType:
    # ``previous`` is None unless this viewer sees what a correction replaced.
    before = None if c.previous is None else Detail(c.key, c.label, c.type, c.previous, False)
    after = Detail(c.key, c.label, c.type, c.corrected, False)
    return RecordCorrectionType(
        key=c.key,
        previous=None if before is None else _detail(before),
        corrected=_detail(after),
        corrected_on=c.on,
    )


def _detail(detail: Detail) -> RecordDetailType:
    value = detail.value
    return RecordDetailType(
        key=detail.key,
        label=detail.label,
        type=detail.type,
        text=None
        if value is None
        else (value.isoformat() if isinstance(value, date) else str(value)),
        date=value if isinstance(value, date) else None,
        number=_number(value),
        flag=value if isinstance(value, bool) else None,
    )


def _number(value: object) -> float | None:
    """A MONEY or NUMBER value as a float; None where none fits (an integer past 10^308)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    try:
        return float(value)
    except OverflowError:
        return None
