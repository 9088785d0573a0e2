"""MeasuredSource: calls, failures by code, latency per method."""

from __future__ import annotations

import asyncio

import pytest

from adapters.errors import SourceRejected, SourceTimeout
from adapters.protocol import EntriesRequest, FetchRequest, SearchRequest
from adapters.wrappers.metrics import MeasuredSource
from gateway.domain import SubjectKind
from tests.adapters.test_wrapper_fakes import FakeSource

ASK = FetchRequest(("A",))


class Ticks:
    """A timer that moves ``step`` seconds each time it is read."""

    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


async def test_counts_calls_failures_by_code_and_latency_per_method() -> None:
    fake = FakeSource(
        errors=[SourceTimeout("fake", "slow"), SourceTimeout("fake", "slow"), RuntimeError("bug")]
    )
    source = MeasuredSource(fake, timer=Ticks(0.5))
    for _ in range(3):
        with pytest.raises((SourceTimeout, RuntimeError)):
            await source.fetch(ASK)
    await source.fetch(ASK)
    fake.errors = [SourceRejected("fake", "bad body")]
    with pytest.raises(SourceRejected):
        await source.search(SearchRequest("A", frozenset(SubjectKind), 10))
    await source.entries(EntriesRequest(frozenset({"item.a"}), 10))
    await source.entries(EntriesRequest(frozenset({"item.a"}), 10))

    assert source.snapshot() == {
        "fetch": {
            "calls": 4,
            "failures": {"SOURCE_TIMEOUT": 2, "INTERNAL": 1},
            "total_s": pytest.approx(2.0),
            "last_s": pytest.approx(0.5),
        },
        "search": {
            "calls": 1,
            "failures": {"SOURCE_REJECTED": 1},
            "total_s": pytest.approx(0.5),
            "last_s": pytest.approx(0.5),
        },
        "entries": {
            "calls": 2,
            "failures": {},
            "total_s": pytest.approx(1.0),
            "last_s": pytest.approx(0.5),
        },
    }


async def test_a_cancelled_call_counts_as_cancelled() -> None:
    fake = FakeSource()
    fake.gate = asyncio.Event()
    source = MeasuredSource(fake)
    call = asyncio.create_task(source.fetch(ASK))
    await asyncio.sleep(0)

    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call

    assert source.fetches.failures == {"CANCELLED": 1}
    assert source.fetches.last_s >= 0.0


async def test_real_timer_measures_something() -> None:
    source = MeasuredSource(FakeSource({"A": []}))

    await source.fetch(ASK)

    assert source.fetches.calls == 1
    assert source.fetches.total_s == source.fetches.last_s > 0.0
