"""Give up on a source that takes longer than its configured time."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from adapters.deadline import remaining
from adapters.errors import SourceTimeout
from adapters.protocol import Source
from adapters.wrappers.base import Wrapper

T = TypeVar("T")


class TimeoutSource(Wrapper):
    """Wraps ``inner`` so every call ends within ``seconds``, and by the request's
    deadline, or raises SourceTimeout."""

    def __init__(self, inner: Source, seconds: float) -> None:
        super().__init__(inner)
        self.seconds = seconds

    async def around(self, call: Callable[[], Awaitable[T]]) -> T:
        left = remaining()
        seconds = self.seconds if left is None else max(0.0, min(self.seconds, left))
        try:
            async with asyncio.timeout(seconds):
                return await call()
        except TimeoutError as exc:
            raise SourceTimeout(self.name, f"no answer within {seconds:.2f}s") from exc
