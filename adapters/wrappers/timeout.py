"""Give up on a source that takes longer than its configured time."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

from adapters.errors import SourceTimeout
from adapters.protocol import Capabilities, FetchRequest, SearchRequest, Source
from gateway.domain import RawRecord, SubjectHit


class TimeoutSource:
    """Wraps ``inner`` so every call ends within ``seconds`` or raises SourceTimeout."""

    def __init__(self, inner: Source, seconds: float) -> None:
        self.inner = inner
        self.seconds = seconds

    @property
    def name(self) -> str:
        return self.inner.name

    def capabilities(self) -> Capabilities:
        return self.inner.capabilities()

    async def fetch(self, request: FetchRequest) -> Mapping[str, Sequence[RawRecord]]:
        try:
            async with asyncio.timeout(self.seconds):
                return await self.inner.fetch(request)
        except TimeoutError as exc:
            raise SourceTimeout(self.name, f"no answer within {self.seconds}s") from exc

    async def search(self, request: SearchRequest) -> Sequence[SubjectHit]:
        try:
            async with asyncio.timeout(self.seconds):
                return await self.inner.search(request)
        except TimeoutError as exc:
            raise SourceTimeout(self.name, f"no answer within {self.seconds}s") from exc

    async def aclose(self) -> None:
        await self.inner.aclose()
