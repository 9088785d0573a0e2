"""The record-state stage: the gateway's marks and list memberships meet the records."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from gateway.codes import parse_code
from gateway.domain import Category, ListKind, Openness, SubjectKind
from gateway.record_state import lists, merge
from gateway.store.marks import Mark, RecordMark
from tests.factories import item, record

NOW = datetime(2026, 11, 23, 4, tzinfo=UTC)
TODAY = date(2026, 11, 23)
ORG = "91330106MA2H7K3Q0L"
PENALTY = item("PENALTY", Category.ADVERSE, Openness.PUBLIC)
LISTING = replace(
    item("LIST", Category.ADVERSE, Openness.PUBLIC), listing=ListKind.SERIOUS_DISHONESTY
)


def mark(
    kind: Mark, record_id: str, *, since: timedelta, until: timedelta | None = None
) -> RecordMark:
    return RecordMark(ORG, record_id, kind, NOW + since, None if until is None else NOW + until)


def test_marks_in_force_are_merged_into_their_records() -> None:
    penalty = record(PENALTY, ORG)
    other = replace(record(PENALTY, ORG), id="src:other")
    marks = [
        mark(Mark.OBJECTION, penalty.id, since=-timedelta(days=1)),
        mark(Mark.REPAIR, penalty.id, since=-timedelta(days=9), until=-timedelta(days=2)),
        mark(Mark.SHIELD, penalty.id, since=timedelta(days=1)),  # not yet
        mark(Mark.WITHDRAWAL, other.id, since=-timedelta(seconds=1)),
    ]
    _, (merged, merged_other) = merge(parse_code(ORG), [penalty, other], marks, NOW, TODAY)
    assert (merged.under_objection, merged.repaired, merged.shielded, merged.withdrawn) == (
        True,
        False,
        False,
        False,
    )
    assert merged_other.withdrawn
    assert not merged_other.under_objection


def test_a_current_list_entry_puts_the_subject_on_the_list() -> None:
    listed = record(LISTING, ORG)
    later = replace(listed, id="src:later", decided_on=date(2026, 1, 1))
    state, _ = merge(parse_code(ORG), [later, listed, record(PENALTY, ORG)], [], NOW, TODAY)
    assert state.on_serious_dishonesty_list
    assert state.serious_dishonesty_since == listed.decided_on  # the earliest current entry
    assert state.kind is SubjectKind.LEGAL_PERSON


def test_a_removed_or_withdrawn_entry_does_not() -> None:
    removed = replace(record(LISTING, ORG), ended_on=date(2026, 11, 23))
    assert lists([removed], TODAY) == {}
    assert lists([replace(removed, ended_on=date(2026, 11, 24))], TODAY) == {
        ListKind.SERIOUS_DISHONESTY: removed.decided_on
    }
    assert lists([replace(record(LISTING, ORG), repaired=True)], TODAY) == {}
    entry = record(LISTING, ORG)
    withdrawal = [mark(Mark.WITHDRAWAL, entry.id, since=-timedelta(days=1))]
    state, _ = merge(parse_code(ORG), [entry], withdrawal, NOW, TODAY)
    assert not state.on_serious_dishonesty_list


def test_a_person_is_a_person_whatever_a_registration_row_says() -> None:
    person = "330106198507152318"
    registration = replace(
        item("REG", Category.BASIC, Openness.AUTHORIZED, registration=True),
        subject_kinds=frozenset(SubjectKind),
    )
    row = replace(record(registration, person), subject_kind=SubjectKind.LEGAL_PERSON)
    state, _ = merge(parse_code(person), [row], [], NOW, TODAY)
    assert state.kind is SubjectKind.NATURAL_PERSON


def test_a_list_membership_the_gateway_holds_itself_counts_too() -> None:
    held = RecordMark(
        ORG,
        None,
        Mark.LISTING,
        NOW - timedelta(days=400),
        list_kind=ListKind.SERIOUS_DISHONESTY,
    )
    state, _ = merge(parse_code(ORG), [record(PENALTY, ORG)], [held], NOW, TODAY)
    assert state.serious_dishonesty_since == (NOW - timedelta(days=400)).date()
    ended = replace(held, until=NOW - timedelta(days=1))
    state, _ = merge(parse_code(ORG), [record(PENALTY, ORG)], [ended], NOW, TODAY)
    assert not state.on_serious_dishonesty_list


def test_a_revocation_the_source_reports_withdraws_the_record_from_its_day() -> None:
    """003 art. 43: withdrawn from the day the source gives, not before."""
    penalty = record(PENALTY, ORG)
    for day, withdrawn in ((TODAY, True), (TODAY + timedelta(days=1), False)):
        revoked = replace(penalty, withdrawn_on=day, withdrawal_reason="复议撤销")
        _, (merged,) = merge(parse_code(ORG), [revoked], [], NOW, TODAY)
        assert merged.withdrawn is withdrawn
