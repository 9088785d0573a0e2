"""entries() through the whole wrapper stack: timed out, retried, broken, measured,
never cached (adapters/wrappers/stack.py)."""

from __future__ import annotations

import asyncio

import pytest

from adapters.errors import SourceTimeout, SourceUnavailable
from adapters.protocol import EntriesRequest, Source
from adapters.wrappers.breaker import BreakerSource
from adapters.wrappers.metrics import MeasuredSource
from adapters.wrappers.stack import find, wrap
from tests.adapters.test_wrapper_fakes import FakeSource, record
from tests.adapters.test_wrapper_stack import FULL

LIST = EntriesRequest(frozenset({"item.a"}), limit=10)


def measured(source: Source) -> MeasuredSource:
    metrics = find(source, MeasuredSource)
    assert metrics is not None
    return metrics


async def test_entries_are_not_cached() -> None:
    fake = FakeSource({"A": [record("A")]})
    source = wrap(fake, FULL)  # FULL has a cache
    assert list(await source.entries(LIST)) == [record("A")]
    fake.records["B"] = [record("B")]  # a new entry shows on the next page asked for

    assert list(await source.entries(LIST)) == [record("A"), record("B")]
    assert len(fake.browses) == 2


async def test_a_hung_attempt_times_out_and_is_retried() -> None:
    fake = FakeSource({"A": [record("A")]})
    fake.gate = asyncio.Event()  # never set: the attempt that waits on it hangs
    source = wrap(fake, FULL)

    call = asyncio.create_task(source.entries(LIST))
    await asyncio.sleep(0)
    assert len(fake.browses) == 1
    fake.gate = None

    assert list(await call) == [record("A")]
    assert len(fake.browses) == 2


async def test_attempts_that_all_time_out_raise_the_timeout() -> None:
    fake = FakeSource()
    fake.gate = asyncio.Event()
    source = wrap(fake, FULL)

    with pytest.raises(SourceTimeout):
        await source.entries(LIST)
    assert len(fake.browses) == 3  # one attempt and two retries


async def test_failures_open_the_breaker_for_every_method() -> None:
    fake = FakeSource({"A": [record("A")]})
    fake.always = SourceUnavailable("fake", "down")
    source = wrap(fake, FULL)  # breaker_failures=1

    with pytest.raises(SourceUnavailable, match="down"):
        await source.entries(LIST)
    breaker = find(source, BreakerSource)
    assert breaker is not None
    assert breaker.state == "open"
    calls = fake.calls

    with pytest.raises(SourceUnavailable, match="circuit open"):
        await source.entries(LIST)
    assert fake.calls == calls


async def test_entries_are_measured_apart_from_fetches() -> None:
    fake = FakeSource({"A": [record("A")]})
    fake.errors = [SourceUnavailable("fake", "down")] * 3
    source = wrap(fake, FULL)

    with pytest.raises(SourceUnavailable):
        await source.entries(LIST)
    metrics = measured(source)
    assert metrics.browses.calls == 1
    assert metrics.browses.failures == {"SOURCE_UNAVAILABLE": 1}
    assert metrics.fetches.calls == 0
    assert measured(source).snapshot()["entries"]["calls"] == 1
