"""The record-state stage: what the gateway itself knows meets what the sources sent.

Between the fan-out and the policy. A record gets the gateway's own marks on
it (an objection pending, a repair, a shield, a withdrawal: `gateway.store.marks`);
the subject gets its kind and its list memberships, from the records of
catalogue items that record a list (``listing``), while they last. The policy
then reads only the merged records and the :class:`SubjectState`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime

from gateway.codes import SubjectCode
from gateway.domain import ListKind, SubjectKind
from gateway.policy import SubjectState
from gateway.records import CreditRecord
from gateway.store.marks import Mark, RecordMark


def merge(
    code: SubjectCode,
    records: Sequence[CreditRecord],
    marks: Iterable[RecordMark],
    now: datetime,
    today: date,
) -> tuple[SubjectState, list[CreditRecord]]:
    """The subject's state and its records with the marks in force at ``now``."""
    held: dict[str, set[Mark]] = {}
    for mark in marks:
        if mark.in_force(now):
            held.setdefault(mark.record_id, set()).add(mark.mark)
    merged = [
        _marked(record, held[record.id]) if record.id in held else record for record in records
    ]
    state = SubjectState(
        code.value,
        subject_kind(code, merged),
        on_serious_dishonesty_list=ListKind.SERIOUS_DISHONESTY in lists(merged, today),
    )
    return state, merged


def lists(records: Iterable[CreditRecord], today: date) -> frozenset[ListKind]:
    """The lists the subject is on today: an entry not removed, not withdrawn."""
    return frozenset(
        record.item.listing
        for record in records
        if record.item.listing is not None
        and not record.withdrawn
        and (record.ended_on is None or record.ended_on > today)
    )


def subject_kind(code: SubjectCode, records: Iterable[CreditRecord]) -> SubjectKind:
    """A person by the code; an organisation's kind as its registration says."""
    if code.is_person:
        return SubjectKind.NATURAL_PERSON
    registered = (r.subject_kind for r in records if r.item.registration and r.subject_kind)
    kind = next(registered, code.default_kind)
    # A registration row cannot turn an organisation's code into a person.
    return code.default_kind if kind is SubjectKind.NATURAL_PERSON else kind


def _marked(record: CreditRecord, marks: set[Mark]) -> CreditRecord:
    return replace(
        record,
        under_objection=Mark.OBJECTION in marks,
        repaired=Mark.REPAIR in marks,
        shielded=Mark.SHIELD in marks,
        withdrawn=Mark.WITHDRAWAL in marks,
    )
