"""Credit records as the gateway serves them: a source's row given meaning by the catalogue.

Normalisation is where the law's data rules meet every source: category,
openness and disclosure period come from the catalogue item; only the detail
attributes the item declares survive, so forbidden personal data (003 art. 18,
001 art. 37, 002 art. 19) is dropped whatever a source sends.
"""

from __future__ import annotations

import calendar
import logging
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import overload

from gateway.codes import InvalidCode, parse_code
from gateway.config.catalogue import Catalogue, CatalogueItem, DetailField, Period, PeriodStart
from gateway.domain import (
    Category,
    DetailType,
    DetailValue,
    Openness,
    Provenance,
    RawRecord,
    ResponsibleParty,
    SubjectKind,
)
from gateway.forbidden import forbidden_concept
from gateway.values import to_date, to_flag, to_number

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
class Correction:
    """A detail an upheld objection corrected (004 art. 52): what it was, is, and since."""

    key: str
    label: str
    type: DetailType
    previous: DetailValue
    corrected: DetailValue
    on: date


class Details(Sequence[Detail]):
    """A record's details as the catalogue declares them, typed when first read.

    Most answers show no detail at all, so a record does not type its values
    until something looks at them; then once. Equal to, and hashed as, the
    tuple of the same details.
    """

    __slots__ = ("_fields", "_raw", "_typed")

    def __init__(self, fields: tuple[DetailField, ...], raw: Mapping[str, DetailValue]) -> None:
        self._fields = fields
        self._raw = raw
        self._typed: tuple[Detail, ...] | None = None

    def typed(self) -> tuple[Detail, ...]:
        typed = self._typed
        if typed is None:
            typed = self._typed = _details(self._fields, self._raw)
            self._raw = _NO_VALUES  # typed: the raw values are no longer needed
        return typed

    def __iter__(self) -> Iterator[Detail]:
        return iter(self.typed())

    def __len__(self) -> int:
        return len(self.typed())

    @overload
    def __getitem__(self, index: int) -> Detail: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Detail, ...]: ...

    def __getitem__(self, index: int | slice) -> Detail | tuple[Detail, ...]:
        return self.typed()[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Details):
            return self.typed() == other.typed()
        if isinstance(other, tuple):
            return self.typed() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.typed())

    def __repr__(self) -> str:
        return repr(self.typed())


_NO_VALUES: Mapping[str, DetailValue] = {}


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
    details: Sequence[Detail]
    subject_name: str | None = None
    subject_kind: SubjectKind | None = None
    # The gateway's own marks, merged in by the record-state stage.
    shielded: bool = False
    repaired: bool = False
    # The China day the shield or the repair took effect (the mark's own time).
    shielded_on: date | None = None
    repaired_on: date | None = None
    withdrawn: bool = False
    under_objection: bool = False
    # When the pending objection was filed (and annotated).
    objected_at: datetime | None = None
    repair_pending: bool = False
    # When and why it was withdrawn: the source's revocation (003 art. 43) or an
    # objection upheld.
    withdrawn_on: date | None = None
    withdrawal_reason: str | None = None
    # A list entry's responsible persons, as its source names them (004 art. 44).
    responsible: tuple[ResponsibleParty, ...] = ()
    # An entry the gateway worked out itself: the rule, and the records behind it.
    rule: str | None = None
    basis_records: tuple[str, ...] = ()
    # The provider unit (config/provider_units.toml code) of this very record, where
    # its source serves several units: a commitment's accepting unit.
    provided_by: str | None = None
    # Details corrected by upheld objections, oldest first (``details`` has them applied).
    corrections: tuple[Correction, ...] = ()

    @property
    def category(self) -> Category:
        return self.item.category

    @property
    def openness(self) -> Openness:
        return self.item.openness

    def expired(self, today: date) -> bool:
        return self.disclosure_until is not None and self.disclosure_until < today


class Normaliser:
    """Turns a source's raw records into :class:`CreditRecord` through the catalogue.

    A record is dropped when its item is not in the catalogue, or does not apply
    to its subject's kind (the item's ``subject_kinds``, 001 art. 13).
    """

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        # The fields each item may carry, decided once: declared by the catalogue
        # and (belt and braces, check-config already refuses them) not forbidden.
        self._fields = {
            item.code: tuple(f for f in item.fields if not forbidden_concept(f.key, f.label))
            for item in catalogue
        }
        # Records dropped because their item does not apply to their subject's
        # kind, by (source, item code), for /metrics; a source sending them is
        # misconfigured, and its rows are never served.
        self.dropped: Counter[tuple[str, str]] = Counter()
        self._warned: set[tuple[str, str | None, str]] = set()

    def normalise(self, raw: RawRecord, provenance: Provenance) -> CreditRecord | None:
        item = self.catalogue.get(raw.item)
        fields = self._fields.get(raw.item)
        if item is None or fields is None:
            log.warning("source %s sent item %r, not in the catalogue", raw.source, raw.item)
            return None
        if not item.subject_kinds & _possible_kinds(raw):
            self._drop(raw, item)
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
            details=Details(fields, raw.details),
            subject_name=raw.subject_name,
            subject_kind=raw.subject_kind,
            responsible=raw.responsible,
            # Withdrawn from that day on: the record-state stage judges it (it knows today).
            withdrawn_on=raw.withdrawn_on,
            withdrawal_reason=raw.withdrawal_reason,
            provided_by=raw.provided_by,
        )

    def _drop(self, raw: RawRecord, item: CatalogueItem) -> None:
        key = (raw.source, item.code)
        if (raw.source, raw.origin, item.code) not in self._warned:
            # Once per source, mapping and item, not once per row; the subject
            # code is not logged.
            self._warned.add((raw.source, raw.origin, item.code))
            log.warning(
                "source %s, mapping %s, sent %s records for subjects the item does not "
                "apply to (it applies to %s), e.g. record %s; dropping them, logged once",
                raw.source,
                raw.origin or "-",
                item.code,
                ", ".join(sorted(item.subject_kinds)),
                raw.record_id,
            )
        self.dropped[key] += 1


_ORGANISATIONS = frozenset({SubjectKind.LEGAL_PERSON, SubjectKind.UNINCORPORATED_ORG})
_ANY_KIND = frozenset(SubjectKind)


def _possible_kinds(raw: RawRecord) -> frozenset[SubjectKind]:
    """What the record's subject may be: as the record says, else as its code says.

    An organisation's code does not tell a legal person from an unincorporated
    organisation (only its registration row does), so it may be either.
    """
    if raw.subject_kind is not None:
        return frozenset({raw.subject_kind})
    return _kinds_of_code(raw.subject_code)


def applies_to(item: CatalogueItem, code: str) -> bool:
    """Whether ``item`` can be about the subject of ``code`` (its ``subject_kinds``)."""
    return bool(item.subject_kinds & _kinds_of_code(code))


@lru_cache(maxsize=4096)
def _kinds_of_code(code: str) -> frozenset[SubjectKind]:
    # Cached: validating an ID number costs tens of microseconds, and a batch
    # brings many records of the same few subjects.
    try:
        person = parse_code(code).is_person
    except InvalidCode:
        # Not this rule's call: codes are validated where they are asked for.
        return _ANY_KIND
    return frozenset({SubjectKind.NATURAL_PERSON}) if person else _ORGANISATIONS


def _details(fields: tuple[DetailField, ...], raw: Mapping[str, DetailValue]) -> tuple[Detail, ...]:
    """Only the attributes the item declares, typed as it declares them."""
    return tuple(
        Detail(f.key, f.label, f.type, typed_value(f.type, raw[f.key]), f.sensitive_financial)
        for f in fields
        if f.key in raw
    )


def typed_value(kind: DetailType, value: DetailValue) -> DetailValue:
    """``value``, as the source's driver typed it, converted once to the declared type.

    Numbers keep being ints when the source gives an integer, so a NUMBER year
    reads "2025", not "2025.0"; a DATETIME becomes its date. A value that cannot
    be read as the declared type becomes None rather than failing the batch.
    """
    if value is None:
        return None
    if kind is DetailType.DATE:
        return to_date(value)
    if kind in (DetailType.MONEY, DetailType.NUMBER):
        return to_number(value)
    if kind is DetailType.BOOLEAN:
        return to_flag(value)
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
