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
from gateway.policy import CHINA, SubjectState
from gateway.records import Correction, CreditRecord, Detail, typed_value
from gateway.store.marks import Mark, RecordMark


def merge(
    code: SubjectCode,
    records: Sequence[CreditRecord],
    marks: Iterable[RecordMark],
    now: datetime,
    today: date,
) -> tuple[SubjectState, list[CreditRecord]]:
    """The subject's state and its records with the marks in force at ``now``."""
    held: dict[str, dict[Mark, datetime]] = {}
    corrected: dict[str, list[RecordMark]] = {}
    listed: dict[ListKind, date] = {}
    for mark in marks:
        if not mark.in_force(now):
            continue
        if mark.record_id is not None:
            on = held.setdefault(mark.record_id, {})
            on[mark.mark] = min(on.get(mark.mark, mark.since), mark.since)
            if mark.mark is Mark.CORRECTION and mark.detail:
                corrected.setdefault(mark.record_id, []).append(mark)
        elif mark.mark is Mark.LISTING and mark.list_kind is not None:
            began = mark.since.date()
            listed[mark.list_kind] = min(listed.get(mark.list_kind, began), began)
    records = [_corrected(r, corrected[r.id]) if r.id in corrected else r for r in records]
    merged = [_marked(r, held[r.id]) if r.id in held else r for r in records]
    # 003 art. 43: a record its source says was revoked is withdrawn from that day.
    merged = [
        replace(r, withdrawn=True)
        if not r.withdrawn and r.withdrawn_on is not None and r.withdrawn_on <= today
        else r
        for r in merged
    ]
    for kind, began in lists(merged, today).items():
        listed[kind] = min(listed.get(kind, began), began)
    state = SubjectState(
        code.value,
        subject_kind(code, merged),
        serious_dishonesty_since=listed.get(ListKind.SERIOUS_DISHONESTY),
    )
    return state, merged


def lists(records: Iterable[CreditRecord], today: date) -> dict[ListKind, date]:
    """The lists the subject is on today, each with the day its earliest current entry began.

    An entry counts from its decision (or event) until it is removed; one
    withdrawn (its decision revoked) or repaired away (003 art. 44) never counts.
    """
    on: dict[ListKind, date] = {}
    for record in records:
        kind = record.item.listing
        if kind is None or record.withdrawn or record.repaired:
            continue
        if record.ended_on is not None and record.ended_on <= today:
            continue
        began = record.decided_on or record.occurred_on or date.min
        on[kind] = min(on.get(kind, began), began)
    return on


def subject_kind(code: SubjectCode, records: Iterable[CreditRecord]) -> SubjectKind:
    """A person by the code; an organisation's kind as its registration says."""
    if code.is_person:
        return SubjectKind.NATURAL_PERSON
    registered = (r.subject_kind for r in records if r.item.registration and r.subject_kind)
    kind = next(registered, code.default_kind)
    # A registration row cannot turn an organisation's code into a person.
    return code.default_kind if kind is SubjectKind.NATURAL_PERSON else kind


def _corrected(record: CreditRecord, marks: list[RecordMark]) -> CreditRecord:
    """``record`` with the fields upheld objections corrected (004 art. 52), in order."""
    fields = {f.key: f for f in record.item.fields}
    details = {d.key: d for d in record.details}
    corrections = list(record.corrections)
    for mark in sorted(marks, key=lambda m: m.since):
        for key, value in (mark.detail or {}).items():
            field = fields.get(key)
            if field is None:
                continue  # the catalogue no longer has the field: nothing to show it in
            corrected = typed_value(field.type, value)
            before = details.get(key)
            details[key] = Detail(
                key, field.label, field.type, corrected, field.sensitive_financial
            )
            previous = None if before is None else before.value
            on = mark.since.astimezone(CHINA).date()
            corrections.append(Correction(key, field.label, field.type, previous, corrected, on))
    order = [f.key for f in record.item.fields]
    ordered = tuple(details[k] for k in order if k in details)
    return replace(record, details=ordered, corrections=tuple(corrections))


def _marked(record: CreditRecord, marks: dict[Mark, datetime]) -> CreditRecord:
    withdrawal = marks.get(Mark.WITHDRAWAL)
    return replace(
        record,
        under_objection=Mark.OBJECTION in marks,
        objected_at=marks.get(Mark.OBJECTION),
        repaired=Mark.REPAIR in marks,
        repaired_on=_china_day(marks.get(Mark.REPAIR)),
        shielded=Mark.SHIELD in marks,
        shielded_on=_china_day(marks.get(Mark.SHIELD)),
        # Withdrawn by an upheld objection (the source's own date is judged in merge).
        withdrawn=record.withdrawn or withdrawal is not None,
        withdrawn_on=record.withdrawn_on or _china_day(withdrawal),
        withdrawal_reason=record.withdrawal_reason
        or (None if withdrawal is None else "异议经核查成立，信息撤销（003 art. 43）"),
        repair_pending=Mark.REPAIR_PENDING in marks,
    )


def _china_day(since: datetime | None) -> date | None:
    return None if since is None else since.astimezone(CHINA).date()
