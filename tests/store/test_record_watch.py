"""The record watch in the store: a baseline per source, looks only forward."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from gateway.domain import ListKind
from gateway.source_events import SourceEvent
from gateway.store.store import Store
from tests.conftest import NOW
from tests.factories import item, record

TODAY = date(2026, 11, 23)


LISTING = replace(item("ABNORMAL"), listing=ListKind.BUSINESS_ABNORMAL)
T0 = NOW
T1 = NOW + timedelta(minutes=5)
T2 = NOW + timedelta(minutes=10)


def _entry(ended: date | None = None, source: str = "src") -> Any:
    return replace(record(LISTING, "S"), ended_on=ended, source=source, id=f"{source}:e1")


async def test_a_look_older_than_the_last_kept_changes_nothing(store: Store) -> None:
    watch = store.record_watch
    assert await watch.reconcile("S", [], {"src"}, T0, TODAY) == []  # baseline
    removed = _entry(ended=TODAY)
    # The fresh look (taken at T2) is kept first and tells of the removal ...
    assert await watch.reconcile("S", [_entry()], {"src"}, T0, TODAY) == [SourceEvent.LISTED]
    assert await watch.reconcile("S", [removed], {"src"}, T2, TODAY) == [SourceEvent.REMOVED]
    assert await watch.reconcile("S", [_entry()], {"src"}, T1, TODAY) == []
    # ... and a slower sweep's older look (taken at T1) tells nothing and moves nothing back.
    assert await watch.reconcile("S", [removed], {"src"}, T2 + timedelta(minutes=1), TODAY) == []


async def test_a_source_down_at_the_first_look_takes_note_when_it_answers(store: Store) -> None:
    watch = store.record_watch
    assert await watch.reconcile("S", [], {"other"}, T0, TODAY) == []  # src was down
    # src answers for the first time: its standing entry is noted, not told as new.
    assert await watch.reconcile("S", [_entry()], {"src", "other"}, T1, TODAY) == []
    # From then on its changes are told.
    told = await watch.reconcile("S", [_entry(ended=TODAY)], {"src", "other"}, T2, TODAY)
    assert told == [SourceEvent.REMOVED]
    # A source that did not answer this look: its records are not judged.
    again = await watch.reconcile("S", [_entry()], {"other"}, T2 + timedelta(minutes=1), TODAY)
    assert again == []


async def test_a_new_entry_after_the_baseline_is_told(store: Store) -> None:
    watch = store.record_watch
    assert await watch.reconcile("S", [], {"src"}, T0, TODAY) == []
    assert await watch.reconcile("S", [_entry()], {"src"}, T1, TODAY) == [SourceEvent.LISTED]
    assert await watch.reconcile("S", [_entry()], {"src"}, T2, TODAY) == []
