"""Ask every source at once and merge what comes back (DESIGN.md section 6).

All sources are asked concurrently, once per batch; a failing source costs
only its own records: the others' arrive, and the failure is reported by name.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import TypeVar

from adapters.deadline import DEADLINE
from adapters.errors import SourceError, SourceTimeout, SourceUnavailable
from adapters.kinds import KINDS, Resources
from adapters.protocol import EntriesRequest, FetchRequest, SearchRequest, Source
from adapters.wrappers.breaker import BreakerSource
from adapters.wrappers.cache import CachingSource
from adapters.wrappers.metrics import MeasuredSource
from adapters.wrappers.stack import find, wrap
from gateway.config.sources import SourceSpec
from gateway.domain import RawRecord, SubjectHit
from gateway.records import CreditRecord, Normaliser

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(slots=True)
class FetchOutcome:
    """Normalised records per requested code, and the sources that failed."""

    records: dict[str, list[CreditRecord]]
    failures: list[SourceError] = field(default_factory=list)


@dataclass(slots=True)
class SearchOutcome:
    hits: list[SubjectHit]
    failures: list[SourceError] = field(default_factory=list)


@dataclass(slots=True)
class EntriesOutcome:
    """One page of a list's records across sources, in (subject_code, id) order.

    ``next_after`` is where the next page starts, None when no source has
    more: the last record's key, or past it when the page stops short of
    ``limit`` at the end of what a source sent (records the normaliser dropped).
    """

    records: list[CreditRecord]
    failures: list[SourceError] = field(default_factory=list)
    next_after: tuple[str, str] | None = None


class SourceSet:
    """Every configured source, wrapped, built once for the application's lifetime."""

    def __init__(
        self, specs: Sequence[SourceSpec], sources: Sequence[Source], normaliser: Normaliser
    ) -> None:
        self.specs = {spec.name: spec for spec in specs}
        self.sources = list(sources)
        self.normaliser = normaliser

    @classmethod
    def build(
        cls, specs: Sequence[SourceSpec], normaliser: Normaliser, resources: Resources
    ) -> SourceSet:
        """Every source of ``specs``, each inside the wrappers its settings ask for."""
        sources = [
            wrap(KINDS[spec.kind].create(spec.config, resources), spec.resilience) for spec in specs
        ]
        return cls(specs, sources, normaliser)

    def serves(self, name: str) -> frozenset[str]:
        """The items the source called ``name`` serves (none if there is no such source)."""
        source = next((s for s in self.sources if s.name == name), None)
        return frozenset() if source is None else source.capabilities().items

    def invalidate(self, codes: Sequence[str]) -> None:
        """Forget cached source data about ``codes`` (after the gateway's own writes)."""
        for source in self.sources:
            cache = find(source, CachingSource)
            if cache is not None:
                cache.invalidate(codes)

    def metrics(self) -> dict[str, dict[str, object]]:
        """Per source: calls, failures and latency, cache statistics, breaker state."""
        report: dict[str, dict[str, object]] = {}
        for source in self.sources:
            entry: dict[str, object] = {}
            measured = find(source, MeasuredSource)
            if measured is not None:
                entry["calls"] = measured.snapshot()
            cache = find(source, CachingSource)
            if cache is not None:
                entry["cache"] = asdict(cache.stats)
            breaker = find(source, BreakerSource)
            if breaker is not None:
                entry["breaker"] = breaker.state
            # Records dropped at normalisation: their item does not apply to the subject's kind.
            dropped = self.normaliser.dropped
            entry["dropped_by_kind"] = {
                item: n for (name, item), n in sorted(dropped.items()) if name == source.name
            }
            report[source.name] = entry
        return report

    async def fetch(
        self,
        codes: Sequence[str],
        items: frozenset[str] | None = None,
        *,
        details: bool = True,
        deadline: float | None = None,
    ) -> FetchOutcome:
        """Records of ``codes``, each source asked only for the ``items`` it serves.

        A source that serves none of ``items`` is not asked at all. Without
        ``details`` the records' details may be left out (the query shows none).
        ``deadline`` (``loop.time()``) bounds each source's call with all its
        retries and waits; a source still busy then is a SourceTimeout, the rest arrive.
        """
        asked = [
            (source, request)
            for source in self.sources
            if (request := _request(source, codes, items, details)) is not None
        ]
        answers = await asyncio.gather(
            *(_guard(source, partial(source.fetch, request), deadline) for source, request in asked)
        )
        outcome = FetchOutcome({code: [] for code in codes})
        for (source, _), answer in zip(asked, answers, strict=True):
            if isinstance(answer, SourceError):
                outcome.failures.append(answer)
                continue
            provenance = self.specs[source.name].provenance
            for code, raws in answer.items():
                bucket = outcome.records.get(code)
                if bucket is None:
                    continue
                for raw in raws:
                    record = self.normaliser.normalise(raw, provenance)
                    if record is not None:
                        bucket.append(record)
        return outcome

    async def search(
        self, request: SearchRequest, *, deadline: float | None = None
    ) -> SearchOutcome:
        asked = [s for s in self.sources if s.capabilities().searchable]
        answers = await asyncio.gather(
            *(_guard(s, partial(s.search, request), deadline) for s in asked)
        )
        outcome = SearchOutcome([])
        runs: list[list[SubjectHit]] = []
        for answer in answers:
            if isinstance(answer, SourceError):
                outcome.failures.append(answer)
            else:
                runs.append(list(answer))
        seen: set[str] = set()
        for hit in heapq.merge(*runs, key=lambda h: (h.name, h.code)):
            if hit.code not in seen:
                seen.add(hit.code)
                outcome.hits.append(hit)
        return outcome

    async def entries(
        self,
        items: frozenset[str],
        limit: int,
        after: tuple[str, str] | None = None,
        *,
        deadline: float | None = None,
    ) -> EntriesOutcome:
        """The first ``limit`` records of ``items`` of any subject after ``after``.

        ``after`` is (subject_code, record id) of the last record of the previous
        page; records sort by that pair, by code point. Every source browsing
        one of ``items`` is asked at once for as many; a source that sends
        ``limit`` may have more, so the page ends with its last record.
        """
        asked = [s for s in self.sources if s.capabilities().browsable & items]
        calls = [
            _guard(s, partial(s.entries, _entries_request(s, items, limit, after)), deadline)
            for s in asked
        ]
        outcome = EntriesOutcome([])
        records: list[CreditRecord] = []
        ends: list[tuple[str, str]] = []  # the last key of each source that may have more
        for source, answer in zip(asked, await asyncio.gather(*calls), strict=True):
            if isinstance(answer, SourceError):
                outcome.failures.append(answer)
                continue
            raws = list(answer)
            if limit > 0 and len(raws) >= limit:
                ends.append(max(_raw_key(raw) for raw in raws))
            provenance = self.specs[source.name].provenance
            records += [
                record
                for raw in raws
                if (record := self.normaliser.normalise(raw, provenance)) is not None
            ]
        end = min(ends, default=None)
        records.sort(key=_key)
        # Past ``end`` a source may hold records not asked for yet.
        shown = [r for r in records if end is None or _key(r) <= end][: max(limit, 0)]
        outcome.records = shown
        if len(shown) == limit and shown:
            outcome.next_after = _key(shown[-1])
        elif end is not None:
            outcome.next_after = end
        return outcome

    async def aclose(self) -> None:
        await asyncio.gather(*(s.aclose() for s in self.sources), return_exceptions=True)


def _request(
    source: Source, codes: Sequence[str], items: frozenset[str] | None, details: bool
) -> FetchRequest | None:
    """What to ask ``source`` for, or None when it serves none of ``items``."""
    served = source.capabilities().items
    if items is None or served <= items:
        # Everything it has: one cache entry per subject, shared by every viewer.
        return FetchRequest(tuple(codes), details=details)
    wanted = served & items
    return FetchRequest(tuple(codes), wanted, details) if wanted else None


def _entries_request(
    source: Source, items: frozenset[str], limit: int, after: tuple[str, str] | None
) -> EntriesRequest:
    """What to ask ``source`` for: ``after`` (code, record id) in its own record ids.

    A record's id is ``f"{source}:{raw id}"``: of this source, the raw id; else
    this source's prefix sorts all its records of the code before the id (after
    them all: None) or after it ("" comes before every record id).
    """
    wanted = source.capabilities().browsable & items
    if after is None:
        return EntriesRequest(wanted, limit)
    code, record_id = after
    prefix = f"{source.name}:"
    if record_id.startswith(prefix):
        return EntriesRequest(wanted, limit, (code, record_id[len(prefix) :]))
    return EntriesRequest(wanted, limit, (code, None if prefix < record_id else ""))


def _key(record: CreditRecord) -> tuple[str, str]:
    return record.subject_code, record.id


def _raw_key(raw: RawRecord) -> tuple[str, str]:
    # As the normaliser names it (gateway.records): f"{source}:{record_id}".
    return raw.subject_code, f"{raw.source}:{raw.record_id}"


async def _guard(
    source: Source, call: Callable[[], Awaitable[T]], deadline: float | None = None
) -> T | SourceError:
    # ``call`` starts the source's call only here: a request cancelled before this
    # runs leaves no call behind that nothing awaits.
    if deadline is not None and deadline - asyncio.get_running_loop().time() <= 0.01:
        # Too late to start: not the source's failure, so it costs no breaker count.
        return SourceTimeout(source.name, "the request's deadline passed before it was asked")
    token = DEADLINE.set(deadline)
    try:
        if deadline is None:
            return await call()
        # The wrappers end their own attempts by the deadline; this is the backstop.
        async with asyncio.timeout_at(deadline + 0.02):
            return await call()
    except TimeoutError:
        return SourceTimeout(source.name, "the request's deadline passed")
    except SourceError as exc:
        return exc
    except Exception as exc:
        # An adapter bug must not take the other sources down with it.
        log.exception("source %s raised an untranslated error", source.name)
        return SourceUnavailable(source.name, type(exc).__name__)
    finally:
        DEADLINE.reset(token)
