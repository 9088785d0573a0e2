"""Count what a source is asked and how it answers, for /metrics and the benchmarks."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from adapters.errors import SourceError
from adapters.protocol import EntriesRequest, FetchRequest, SearchRequest, Source
from adapters.wrappers.base import Wrapper
from gateway.domain import RawRecord, SubjectHit

T = TypeVar("T")


@dataclass(slots=True)
class MethodMetrics:
    """One method's counts; ``failures`` is keyed by SourceError code."""

    calls: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    total_s: float = 0.0
    last_s: float = 0.0

    def snapshot(self) -> dict[str, object]:
        return {
            "calls": self.calls,
            "failures": dict(self.failures),
            "total_s": self.total_s,
            "last_s": self.last_s,
        }


class MeasuredSource(Wrapper):
    """Wraps ``inner`` to count calls, failures by error code, and latency per method.

    Failures that are not SourceErrors count as ``INTERNAL``; a call cancelled
    by its caller (the client went away) as ``CANCELLED``. Latency includes
    failed calls: a timeout's seconds are seconds a request waited.
    """

    def __init__(self, inner: Source, *, timer: Callable[[], float] = time.perf_counter) -> None:
        super().__init__(inner)
        self._timer = timer
        self.fetches = MethodMetrics()
        self.searches = MethodMetrics()
        self.browses = MethodMetrics()  # entries(): a list's pages

    async def fetch(self, request: FetchRequest) -> Mapping[str, Sequence[RawRecord]]:
        return await self._measured(self.fetches, lambda: self.inner.fetch(request))

    async def search(self, request: SearchRequest) -> Sequence[SubjectHit]:
        return await self._measured(self.searches, lambda: self.inner.search(request))

    async def entries(self, request: EntriesRequest) -> Sequence[RawRecord]:
        return await self._measured(self.browses, lambda: self.inner.entries(request))

    def snapshot(self) -> dict[str, dict[str, object]]:
        """``{"fetch": {...}, "search": {...}, "entries": {...}}``, each with calls,
        failures, total_s, last_s."""
        return {
            "fetch": self.fetches.snapshot(),
            "search": self.searches.snapshot(),
            "entries": self.browses.snapshot(),
        }

    async def _measured(self, metrics: MethodMetrics, call: Callable[[], Awaitable[T]]) -> T:
        metrics.calls += 1
        started = self._timer()
        try:
            return await call()
        except BaseException as exc:
            metrics.failures[_code(exc)] += 1
            raise
        finally:
            metrics.last_s = self._timer() - started
            metrics.total_s += metrics.last_s


def _code(exc: BaseException) -> str:
    if isinstance(exc, SourceError):
        return exc.code
    return "CANCELLED" if isinstance(exc, asyncio.CancelledError) else "INTERNAL"
