"""BreakerSource: closed, open, half-open with one probe, and back."""

from __future__ import annotations

import asyncio

import pytest

from adapters.errors import SourceError, SourceRejected, SourceUnavailable, SourceUnsupported
from adapters.protocol import FetchRequest, SearchRequest
from adapters.wrappers.breaker import BreakerSource
from gateway.domain import SubjectKind
from tests.adapters.test_wrapper_fakes import Clock, FakeSource

ASK = FetchRequest(("A",))


def state(source: BreakerSource) -> str:
    # Read through a call: mypy would otherwise keep a property narrowed across awaits.
    return source.state


async def fail(source: BreakerSource, times: int) -> None:
    """Make ``times`` calls that the fake fails (the fake decides how)."""
    for _ in range(times):
        with pytest.raises((SourceError, RuntimeError)):
            await source.fetch(ASK)


def broken() -> FakeSource:
    fake = FakeSource()
    fake.always = SourceUnavailable("fake", "down")
    return fake


async def opened(fake: FakeSource, clock: Clock) -> BreakerSource:
    """A breaker over ``fake`` (failures=3, reset_s=10), opened by three failures."""
    source = BreakerSource(fake, 3, 10.0, clock=clock)
    fake.errors = [SourceUnavailable("fake", "down")] * 3
    await fail(source, 3)
    assert state(source) == "open"
    return source


async def test_opens_after_n_failures_then_fails_fast_without_the_source() -> None:
    fake, clock = broken(), Clock()
    source = BreakerSource(fake, 3, 10.0, clock=clock)

    await fail(source, 2)
    assert state(source) == "closed"
    await fail(source, 1)
    assert state(source) == "open"

    clock.advance(4.0)
    with pytest.raises(SourceUnavailable, match="circuit open") as raised:
        await source.fetch(ASK)
    with pytest.raises(SourceUnavailable, match="circuit open"):
        await source.search(SearchRequest("A", frozenset(SubjectKind), 10))
    assert raised.value.retry_after == pytest.approx(6.0)
    assert fake.calls == 3


async def test_a_success_resets_the_count_of_failures_in_a_row() -> None:
    fake = FakeSource(errors=[SourceUnavailable("fake", "down")] * 2)
    source = BreakerSource(fake, 3, 10.0, clock=Clock())

    await fail(source, 2)
    await source.fetch(ASK)
    fake.always = SourceRejected("fake", "bad body")  # not transient, still a failure
    await fail(source, 2)

    assert state(source) == "closed"
    await fail(source, 1)
    assert state(source) == "open"


async def test_exceptions_that_are_not_source_errors_count_too() -> None:
    fake = FakeSource(errors=[RuntimeError("bug")])
    source = BreakerSource(fake, 1, 10.0, clock=Clock())

    await fail(source, 1)

    assert state(source) == "open"


async def test_unsupported_requests_say_nothing_of_the_source_health() -> None:
    fake = FakeSource()
    fake.always = SourceUnsupported("fake", "no search")
    source = BreakerSource(fake, 1, 10.0, clock=Clock())

    await fail(source, 3)

    assert state(source) == "closed"
    assert fake.calls == 3


async def test_half_open_lets_exactly_one_probe_through() -> None:
    fake, clock = FakeSource({"A": []}), Clock()
    source = await opened(fake, clock)
    clock.advance(10.0)
    assert state(source) == "half_open"

    fake.gate = asyncio.Event()
    probe = asyncio.create_task(source.fetch(ASK))
    await asyncio.sleep(0)  # the probe is now waiting inside the fake
    with pytest.raises(SourceUnavailable, match="probe"):
        # Bounded, so a breaker that let this through fails the test instead of hanging it.
        await asyncio.wait_for(source.fetch(ASK), 1.0)
    fake.gate.set()

    assert await probe == {"A": []}
    assert len(fake.fetches) == 3 + 1
    assert state(source) == "closed"


async def test_a_failed_probe_reopens_for_another_reset_s() -> None:
    fake, clock = broken(), Clock()
    source = await opened(fake, clock)
    clock.advance(10.0)

    await fail(source, 1)

    assert state(source) == "open"
    with pytest.raises(SourceUnavailable, match="circuit open") as raised:
        await source.fetch(ASK)
    assert raised.value.retry_after == pytest.approx(10.0)
    assert len(fake.fetches) == 3 + 1


async def test_a_cancelled_probe_frees_the_slot_for_the_next_caller() -> None:
    fake, clock = FakeSource({"A": []}), Clock()
    source = await opened(fake, clock)
    clock.advance(10.0)
    fake.gate = asyncio.Event()
    probe = asyncio.create_task(source.fetch(ASK))
    await asyncio.sleep(0)

    probe.cancel()
    with pytest.raises(asyncio.CancelledError):
        await probe
    assert state(source) == "half_open"
    fake.gate.set()

    assert await source.fetch(ASK) == {"A": []}
    assert state(source) == "closed"


async def test_calls_in_flight_when_it_opens_do_not_close_it() -> None:
    fake, clock, gate = FakeSource({"A": []}), Clock(), asyncio.Event()
    source = BreakerSource(fake, 1, 10.0, clock=clock)
    fake.gate = gate
    slow = asyncio.create_task(source.fetch(ASK))  # let in while closed
    await asyncio.sleep(0)
    fake.gate, fake.errors = None, [SourceUnavailable("fake", "down")]
    await fail(source, 1)
    assert state(source) == "open"

    gate.set()

    assert await slow == {"A": []}
    assert state(source) == "open"
