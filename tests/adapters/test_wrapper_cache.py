"""CachingSource: hits, misses, one call per batch, TTL, size, invalidation."""

from __future__ import annotations

import asyncio

import pytest

from adapters.errors import SourceUnavailable
from adapters.protocol import FetchRequest, SearchRequest
from adapters.wrappers.cache import CacheStats, CachingSource
from gateway.domain import SubjectKind
from tests.adapters.test_wrapper_fakes import Clock, FakeSource, record

RECORDS = {
    "A": [record("A"), record("A", "item.b")],
    "B": [record("B")],
    "C": [record("C")],
}


def caching(
    fake: FakeSource, *, ttl_s: float = 60.0, maxsize: int = 100
) -> tuple[CachingSource, Clock]:
    clock = Clock()
    return CachingSource(fake, ttl_s, maxsize, timer=clock), clock


async def test_hits_misses_and_hit_ratio() -> None:
    fake = FakeSource(RECORDS)
    source, _ = caching(fake)

    first = await source.fetch(FetchRequest(("A",)))
    second = await source.fetch(FetchRequest(("A",)))

    assert first == second == {"A": tuple(RECORDS["A"])}
    assert len(fake.fetches) == 1
    assert source.stats == CacheStats(hits=1, misses=1, size=1, maxsize=100, hit_ratio=0.5)


async def test_entries_are_read_with_details_and_serve_a_query_without() -> None:
    # An entry is shared by every query: what one shows no details of, the next may.
    fake = FakeSource(RECORDS)
    source, _ = caching(fake)

    lean = await source.fetch(FetchRequest(("A",), details=False))
    full = await source.fetch(FetchRequest(("A",)))

    assert [r.details for r in fake.fetches] == [True]
    assert lean == full


async def test_hit_ratio_is_zero_before_any_lookup() -> None:
    source, _ = caching(FakeSource())

    assert source.stats.hit_ratio == 0.0


async def test_a_batch_asks_the_source_once_for_all_its_misses() -> None:
    fake = FakeSource(RECORDS)
    source, _ = caching(fake)
    await source.fetch(FetchRequest(("B",)))

    answer = await source.fetch(FetchRequest(("A", "B", "C", "A")))

    assert [r.codes for r in fake.fetches] == [("B",), ("A", "C")]
    assert list(answer) == ["A", "B", "C"]
    assert answer["C"] == (record("C"),)
    assert source.stats.hits == 1


async def test_empty_answers_are_cached_too() -> None:
    fake = FakeSource(RECORDS)
    source, _ = caching(fake)

    await source.fetch(FetchRequest(("NOBODY",)))
    answer = await source.fetch(FetchRequest(("NOBODY",)))

    assert answer == {"NOBODY": ()}
    assert len(fake.fetches) == 1


async def test_entries_expire_after_ttl() -> None:
    fake = FakeSource(RECORDS)
    source, clock = caching(fake, ttl_s=30.0)
    await source.fetch(FetchRequest(("A",)))

    clock.advance(29.0)
    await source.fetch(FetchRequest(("A",)))
    assert len(fake.fetches) == 1

    clock.advance(1.0)
    assert source.stats.size == 0
    await source.fetch(FetchRequest(("A",)))
    assert len(fake.fetches) == 2


async def test_size_is_bounded_least_recently_used_first() -> None:
    fake = FakeSource(RECORDS)
    source, _ = caching(fake, maxsize=2)

    await source.fetch(FetchRequest(("A", "B")))
    await source.fetch(FetchRequest(("A",)))  # A is now more recent than B
    await source.fetch(FetchRequest(("C",)))

    assert source.stats.size == 2
    await source.fetch(FetchRequest(("A", "B")))
    assert fake.fetches[-1].codes == ("B",)


async def test_invalidate_drops_every_entry_for_those_codes() -> None:
    fake = FakeSource(RECORDS)
    source, _ = caching(fake)
    await source.fetch(FetchRequest(("A", "B")))
    await source.fetch(FetchRequest(("A",), frozenset({"item.b"})))

    source.invalidate(["A"])

    assert source.stats.size == 1
    await source.fetch(FetchRequest(("A", "B")))
    await source.fetch(FetchRequest(("A",), frozenset({"item.b"})))
    assert [r.codes for r in fake.fetches[2:]] == [("A",), ("A",)]


async def test_a_fetch_that_spans_an_invalidation_is_returned_but_not_kept() -> None:
    fake, gate = FakeSource(RECORDS), asyncio.Event()
    source, _ = caching(fake)
    fake.gate = gate
    pending = asyncio.create_task(source.fetch(FetchRequest(("A",))))
    await asyncio.sleep(0)

    source.invalidate(["A"])  # e.g. the subject just made a self-declaration
    gate.set()

    assert await pending == {"A": tuple(RECORDS["A"])}
    assert source.stats.size == 0


async def test_a_failed_fetch_caches_nothing() -> None:
    fake = FakeSource(RECORDS, errors=[SourceUnavailable("fake", "down")])
    source, _ = caching(fake)

    with pytest.raises(SourceUnavailable):
        await source.fetch(FetchRequest(("A", "B")))

    assert source.stats.size == 0
    assert await source.fetch(FetchRequest(("A", "B"))) == {
        "A": tuple(RECORDS["A"]),
        "B": tuple(RECORDS["B"]),
    }
    assert len(fake.fetches) == 2


async def test_the_items_filter_is_part_of_the_key() -> None:
    fake = FakeSource(RECORDS)
    source, _ = caching(fake)
    only_b = frozenset({"item.b"})

    narrow = await source.fetch(FetchRequest(("A",), only_b))
    wide = await source.fetch(FetchRequest(("A",)))
    again = await source.fetch(FetchRequest(("A",), only_b))

    assert narrow == again == {"A": (record("A", "item.b"),)}
    assert wide == {"A": tuple(RECORDS["A"])}
    assert [r.items for r in fake.fetches] == [only_b, None]


async def test_search_is_not_cached() -> None:
    fake = FakeSource(RECORDS)
    source, _ = caching(fake)
    ask = SearchRequest("A", frozenset(SubjectKind), 10)

    await source.search(ask)
    await source.search(ask)

    assert len(fake.searches) == 2
    assert source.stats.size == 0
