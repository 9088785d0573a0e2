"""wrap(): the order of the wrappers, and what that order means for a call."""

from __future__ import annotations

import asyncio

import pytest

from adapters.errors import SourceTimeout, SourceUnavailable
from adapters.protocol import FetchRequest, Source
from adapters.wrappers.breaker import BreakerSource
from adapters.wrappers.cache import CachingSource
from adapters.wrappers.metrics import MeasuredSource
from adapters.wrappers.retry import RetryingSource
from adapters.wrappers.stack import find, wrap
from adapters.wrappers.timeout import TimeoutSource
from gateway.config.resilience import Resilience
from tests.adapters.test_wrapper_fakes import FakeSource, record

# Real sleeps here are at most a few milliseconds.
FULL = Resilience(
    timeout_s=0.005,
    retries=2,
    retry_base_s=0.001,
    retry_max_s=0.002,
    breaker_failures=1,
    breaker_reset_s=60.0,
    cache_ttl_s=60.0,
    cache_size=100,
)


def layers(source: Source) -> list[type]:
    kinds: list[type] = []
    layer: object = source
    while layer is not None:
        kinds.append(type(layer))
        layer = getattr(layer, "inner", None)
    return kinds


def test_wrappers_stack_outermost_first() -> None:
    source = wrap(FakeSource(), FULL)

    assert layers(source) == [
        MeasuredSource,
        CachingSource,
        BreakerSource,
        RetryingSource,
        TimeoutSource,
        FakeSource,
    ]


def test_cache_and_retry_are_left_out_when_not_configured() -> None:
    source = wrap(FakeSource(), Resilience(retries=0, cache_ttl_s=0.0))

    assert layers(source) == [MeasuredSource, BreakerSource, TimeoutSource, FakeSource]
    assert find(source, CachingSource) is None
    assert find(source, RetryingSource) is None


def test_find_follows_inner_to_the_wrapper_asked_for() -> None:
    fake = FakeSource()
    source = wrap(fake, FULL)

    breaker = find(source, BreakerSource)
    assert breaker is not None
    assert breaker.failures == 1
    assert find(source, MeasuredSource) is source
    assert find(source, FakeSource) is fake


async def test_a_cached_hit_touches_nothing_below_the_cache() -> None:
    fake = FakeSource({"A": [record("A")]})
    source = wrap(fake, FULL)
    await source.fetch(FetchRequest(("A",)))
    fake.always = SourceUnavailable("fake", "down")
    with pytest.raises(SourceUnavailable):
        await source.fetch(FetchRequest(("B",)))  # opens the breaker (failures=1)
    breaker = find(source, BreakerSource)
    assert breaker is not None
    assert breaker.state == "open"
    calls = fake.calls

    assert await source.fetch(FetchRequest(("A",))) == {"A": (record("A"),)}
    assert fake.calls == calls
    metrics = find(source, MeasuredSource)
    assert metrics is not None
    assert metrics.fetches.calls == 3


async def test_retries_run_inside_the_breaker_so_an_open_circuit_is_not_retried() -> None:
    fake = FakeSource()
    fake.always = SourceUnavailable("fake", "down")
    source = wrap(fake, FULL)

    with pytest.raises(SourceUnavailable, match="down"):
        await source.fetch(FetchRequest(("A",)))
    assert len(fake.fetches) == 3  # one attempt and two retries: one failure to the breaker

    with pytest.raises(SourceUnavailable, match="circuit open"):
        await source.fetch(FetchRequest(("A",)))
    assert len(fake.fetches) == 3


async def test_the_timeout_applies_to_each_attempt_so_a_hung_attempt_is_retried() -> None:
    fake = FakeSource({"A": []})
    fake.gate = asyncio.Event()  # never set: the attempt that waits on it hangs
    source = wrap(fake, FULL)

    call = asyncio.create_task(source.fetch(FetchRequest(("A",))))
    await asyncio.sleep(0)  # the first attempt is now waiting inside the fake
    assert len(fake.fetches) == 1
    fake.gate = None  # later attempts answer at once

    assert await call == {"A": ()}
    assert len(fake.fetches) == 2


async def test_attempts_that_all_time_out_raise_the_timeout() -> None:
    fake = FakeSource()
    fake.gate = asyncio.Event()
    source = wrap(fake, FULL)

    with pytest.raises(SourceTimeout):
        await source.fetch(FetchRequest(("A",)))

    assert len(fake.fetches) == 3
