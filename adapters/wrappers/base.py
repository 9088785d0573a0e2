"""What every wrapper shares: it is a Source that hands each call to ``inner``.

A wrapper overrides :meth:`Wrapper.around` to add its behaviour to every call
(a timeout, a retry loop, a circuit breaker), or a method itself when the
methods need different handling (the cache keeps only ``fetch``; the metrics
count each method apart).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TypeVar

from adapters.protocol import Capabilities, EntriesRequest, FetchRequest, SearchRequest, Source
from gateway.domain import RawRecord, SubjectHit

T = TypeVar("T")


class Wrapper:
    """A source that passes every call to ``inner`` through :meth:`around`."""

    def __init__(self, inner: Source) -> None:
        self.inner = inner

    @property
    def name(self) -> str:
        return self.inner.name

    def capabilities(self) -> Capabilities:
        return self.inner.capabilities()

    async def fetch(self, request: FetchRequest) -> Mapping[str, Sequence[RawRecord]]:
        return await self.around(lambda: self.inner.fetch(request))

    async def search(self, request: SearchRequest) -> Sequence[SubjectHit]:
        return await self.around(lambda: self.inner.search(request))

    async def entries(self, request: EntriesRequest) -> Sequence[RawRecord]:
        return await self.around(lambda: self.inner.entries(request))

    async def aclose(self) -> None:
        await self.inner.aclose()

    async def around(self, call: Callable[[], Awaitable[T]]) -> T:
        """Make ``call``; wrappers add their behaviour here."""
        return await call()
