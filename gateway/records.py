"""Credit records as the gateway serves them: a source's row given meaning by the catalogue.

Normalisation is where the law's data rules meet every source: category,
openness and disclosure period come from the catalogue item; only the detail
attributes the item declares survive, so forbidden personal data (003 art. 18,
001 art. 37, 002 art. 19) is dropped whatever a source sends.
"""

from __future__ import annotations

import calendar
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from gateway.config.catalogue import Catalogue, CatalogueItem, DetailField, Period, PeriodStart
from gateway.domain import (
    Category,
    DetailType,
    DetailValue,
    Openness,
    Provenance,
    RawRecord,
    SubjectKind,
)
from gateway.forbidden import forbidden_concept
from gateway.values import to_date

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Detail:
    """One typed attribute of a record, labelled as the catalogue labels it."""

    key: str
    label: str
    type: DetailType
    value: DetailValue
    sensitive_financial: bool


@dataclass(frozen=True, slots=True)
class CreditRecord:
    """One normalised fact about one subject from one source."""

    id: str
    subject_code: str
    item: CatalogueItem
    provenance: Provenance
    source: str
    title: str
    occurred_on: date | None
    decided_on: date | None
    ended_on: date | None
    disclosure_until: date | None
    details: tuple[Detail, ...]
    subject_name: str | None = None
    subject_kind: SubjectKind | None = None
    shielded: bool = False
    repaired: bool = False
    under_objection: bool = False

    @property
    def category(self) -> Category:
        return self.item.category

    @property
    def openness(self) -> Openness:
        return self.item.openness

    def expired(self, today: date) -> bool:
        return self.disclosure_until is not None and self.disclosure_until < today


class Normaliser:
    """Turns a source's raw records into :class:`CreditRecord` through the catalogue."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        # The fields each item may carry, decided once: declared by the catalogue
        # and (belt and braces, check-config already refuses them) not forbidden.
        self._fields = {
            item.code: tuple(f for f in item.fields if not forbidden_concept(f.key, f.label))
            for item in catalogue
        }

    def normalise(self, raw: RawRecord, provenance: Provenance) -> CreditRecord | None:
        item = self.catalogue.get(raw.item)
        fields = self._fields.get(raw.item)
        if item is None or fields is None:
            log.warning("source %s sent item %r, not in the catalogue", raw.source, raw.item)
            return None
        return CreditRecord(
            id=f"{raw.source}:{raw.record_id}",
            subject_code=raw.subject_code,
            item=item,
            provenance=provenance,
            source=raw.source,
            title=raw.title or item.name,
            occurred_on=raw.occurred_on,
            decided_on=raw.decided_on,
            ended_on=raw.ended_on,
            disclosure_until=disclosure_until(item, raw),
            details=_details(fields, raw.details),
            subject_name=raw.subject_name,
            subject_kind=raw.subject_kind,
        )


def _details(fields: tuple[DetailField, ...], raw: Mapping[str, DetailValue]) -> tuple[Detail, ...]:
    """Only the attributes the item declares, typed as it declares them."""
    return tuple(
        Detail(f.key, f.label, f.type, _coerce(f.type, raw[f.key]), f.sensitive_financial)
        for f in fields
        if f.key in raw
    )


def _coerce(kind: DetailType, value: DetailValue) -> DetailValue:
    if value is None:
        return None
    if kind is DetailType.DATE:
        return to_date(value)
    if kind in (DetailType.MONEY, DetailType.NUMBER):
        try:
            return float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None
    if kind is DetailType.BOOLEAN:
        return str(value).strip().lower() in {"1", "true", "y", "yes", "是"}
    return str(value)


def disclosure_until(item: CatalogueItem, raw: RawRecord) -> date | None:
    """The last day a record may be disclosed, counted as the item says (003 art. 35)."""
    if item.disclosure_period is None:
        return None
    # 003 art. 35: counted from the end of the act; an act that has not ended
    # (an unperformed court obligation, say) has not started its period.
    order = {
        PeriodStart.ENDED: (raw.ended_on,),
        PeriodStart.DECIDED: (raw.decided_on, raw.occurred_on),
        PeriodStart.OCCURRED: (raw.occurred_on, raw.decided_on),
    }[item.period_start]
    start = next((d for d in order if d is not None), None)
    return None if start is None else add_period(start, item.disclosure_period)


def add_period(start: date, period: Period) -> date:
    """``start`` plus ``period``; 29 February plus whole years lands on 28 February."""
    if period.unit == "d":
        return start + timedelta(days=period.amount)
    months = period.amount * (12 if period.unit == "y" else 1)
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)
