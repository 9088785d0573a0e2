"""RetryingSource: which failures are retried, how long it waits, what it raises."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from adapters.errors import (
    SourceError,
    SourceRejected,
    SourceTimeout,
    SourceUnavailable,
    SourceUnsupported,
)
from adapters.protocol import FetchRequest, SearchRequest
from adapters.wrappers.retry import RetryingSource
from gateway.domain import SubjectKind
from tests.adapters.test_wrapper_fakes import FakeSource, record

ASK = FetchRequest(("A",))


class Sleeps:
    """Records the delays instead of sleeping."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def retrying(
    fake: FakeSource,
    retries: int = 3,
    *,
    base_s: float = 0.1,
    max_s: float = 1.0,
    rolls: Iterable[float] = (),
) -> tuple[RetryingSource, Sleeps]:
    """A RetryingSource over ``fake`` whose rng returns ``rolls`` (then 1.0)."""
    sleeps, queue = Sleeps(), list(rolls)
    source = RetryingSource(
        fake, retries, base_s, max_s, sleep=sleeps, rng=lambda: queue.pop(0) if queue else 1.0
    )
    return source, sleeps


def unavailable(retry_after: float | None = None) -> SourceUnavailable:
    return SourceUnavailable("fake", "down", retry_after=retry_after)


async def test_succeeds_after_transient_failures_and_counts_attempts() -> None:
    fake = FakeSource({"A": [record("A")]}, errors=[unavailable(), SourceTimeout("fake", "slow")])
    source, sleeps = retrying(fake)

    answer = await source.fetch(ASK)

    assert answer == {"A": [record("A")]}
    assert len(fake.fetches) == 3
    assert len(sleeps.delays) == 2


async def test_search_is_retried_too() -> None:
    fake = FakeSource({"A1": []}, errors=[unavailable()])
    source, _ = retrying(fake)

    hits = await source.search(SearchRequest("A", frozenset(SubjectKind), 10))

    assert [hit.code for hit in hits] == ["A1"]
    assert len(fake.searches) == 2


@pytest.mark.parametrize(
    "error", [SourceRejected("fake", "bad body"), SourceUnsupported("fake", "no search")]
)
async def test_errors_that_are_not_transient_are_raised_at_once(error: SourceError) -> None:
    fake = FakeSource(errors=[error])
    source, sleeps = retrying(fake)

    with pytest.raises(type(error)) as raised:
        await source.fetch(ASK)

    assert raised.value is error
    assert len(fake.fetches) == 1
    assert sleeps.delays == []


async def test_exceptions_that_are_not_source_errors_are_not_retried() -> None:
    fake = FakeSource(errors=[RuntimeError("bug")])
    source, _ = retrying(fake)

    with pytest.raises(RuntimeError):
        await source.fetch(ASK)

    assert len(fake.fetches) == 1


async def test_when_retries_run_out_the_last_error_is_raised() -> None:
    errors = [unavailable(), unavailable(), unavailable()]
    fake = FakeSource(errors=errors)
    source, sleeps = retrying(fake, retries=2)

    with pytest.raises(SourceUnavailable) as raised:
        await source.fetch(ASK)

    assert raised.value is errors[2]
    assert len(fake.fetches) == 3
    assert len(sleeps.delays) == 2


async def test_backoff_doubles_up_to_max_s() -> None:
    fake = FakeSource(errors=[unavailable() for _ in range(5)])
    source, sleeps = retrying(fake, retries=5, base_s=0.1, max_s=0.5)  # rng() == 1.0: no jitter

    await source.fetch(ASK)

    assert sleeps.delays == pytest.approx([0.1, 0.2, 0.4, 0.5, 0.5])


async def test_backoff_is_jittered_between_zero_and_the_backoff() -> None:
    fake = FakeSource(errors=[unavailable() for _ in range(3)])
    source, sleeps = retrying(fake, base_s=0.1, max_s=1.0, rolls=[0.0, 0.5, 0.25])

    await source.fetch(ASK)

    assert sleeps.delays == pytest.approx([0.0, 0.1, 0.1])


async def test_real_jitter_stays_within_bounds() -> None:
    fake = FakeSource(errors=[unavailable() for _ in range(5)])
    sleeps = Sleeps()
    source = RetryingSource(fake, 5, 0.1, 0.3, sleep=sleeps)  # the real random.random

    await source.fetch(ASK)

    bounds = [0.1, 0.2, 0.3, 0.3, 0.3]
    assert all(0.0 <= d <= b for d, b in zip(sleeps.delays, bounds, strict=True))


async def test_retry_after_is_waited_at_least() -> None:
    fake = FakeSource(errors=[unavailable(retry_after=3.0), unavailable(retry_after=0.01)])
    source, sleeps = retrying(fake, base_s=0.1, max_s=1.0)

    await source.fetch(ASK)

    # 3 s beats the 0.1 s backoff (and max_s: the source said so); 0.2 s beats 0.01 s.
    assert sleeps.delays == pytest.approx([3.0, 0.2])


async def test_a_retry_after_beyond_the_cap_gives_up_at_once() -> None:
    error = unavailable(retry_after=3600.0)
    fake = FakeSource(errors=[error])
    source, sleeps = retrying(fake)

    with pytest.raises(SourceUnavailable) as raised:
        await source.fetch(ASK)

    assert raised.value is error
    assert sleeps.delays == []
    assert source.cap_s == 10.0


async def test_real_sleep_is_used_by_default() -> None:
    fake = FakeSource({"A": []}, errors=[unavailable()])
    source = RetryingSource(fake, 1, 0.001, 0.001)

    assert await source.fetch(ASK) == {"A": []}
