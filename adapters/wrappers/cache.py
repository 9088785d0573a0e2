"""Keep a source's records per subject for a while, so repeated lookups stay local.

Source data only (raw records per code, before catalogue and policy), never a
viewer's answer (DESIGN.md section 6). cachetools is not thread-safe; used from
one asyncio event loop, where no two statements run at once, it needs no lock.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from cachetools import TTLCache

from adapters.protocol import FetchRequest, Source
from adapters.wrappers.base import Wrapper
from gateway.domain import RawRecord

Clock = Callable[[], float]
Key = tuple[str, frozenset[str] | None]  # (subject code, the request's items filter)


@dataclass(frozen=True, slots=True)
class CacheStats:
    """Counts since start, per subject code asked for; for /metrics."""

    hits: int
    misses: int
    size: int
    maxsize: int
    hit_ratio: float


class CachingSource(Wrapper):
    """Wraps ``inner`` so ``fetch`` answers from a bounded TTL cache where it can.

    A batch's misses go to ``inner`` in one FetchRequest (a batch still costs
    one call) and are all stored, empty answers too; a failed fetch stores
    nothing; ``search`` and ``entries`` are not cached (a list's pages change
    as entries come and go, and would fill the cache with one-off keys). Two
    fetches of one missing code at once may both reach the source: a spare
    call, in exchange for no locks.
    """

    def __init__(
        self, inner: Source, ttl_s: float, maxsize: int, *, timer: Clock = time.monotonic
    ) -> None:
        super().__init__(inner)
        self._cache: TTLCache[Key, tuple[RawRecord, ...]] = TTLCache(maxsize, ttl_s, timer=timer)
        self._hits = self._misses = 0
        self._generation = 0  # bumped by invalidate()

    async def fetch(self, request: FetchRequest) -> Mapping[str, Sequence[RawRecord]]:
        items = request.items
        codes = tuple(dict.fromkeys(request.codes))  # each code once, in order
        found = {c: r for c in codes if (r := self._cache.get((c, items))) is not None}
        missing = tuple(c for c in codes if c not in found)
        self._hits, self._misses = self._hits + len(found), self._misses + len(missing)
        if missing:
            generation = self._generation
            # With details, whatever this request shows: an entry serves every query.
            fetched = await self.inner.fetch(FetchRequest(missing, items, details=True))
            for code in missing:
                found[code] = tuple(fetched.get(code, ()))
                # Data fetched across an invalidate() may predate its write: don't keep it.
                if generation == self._generation:
                    self._cache[(code, items)] = found[code]
        return {code: found[code] for code in codes}

    def invalidate(self, codes: Iterable[str]) -> None:
        """Drop every entry (any items filter) for ``codes``: after the gateway's own writes."""
        doomed = set(codes)
        self._generation += 1
        # A scan, because keys carry the items filter; writes are rare.
        for key in [k for k in self._cache if k[0] in doomed]:
            self._cache.pop(key, None)

    @property
    def stats(self) -> CacheStats:
        self._cache.expire()
        hits, misses, cache = self._hits, self._misses, self._cache
        ratio = hits / (hits + misses) if hits + misses else 0.0
        return CacheStats(hits, misses, len(cache), int(cache.maxsize), ratio)
