"""Ask a source again when a read failed in a way that asking again may help.

Reads only: ``fetch``, ``search`` and ``entries``, the whole Source protocol, are reads.
Writes (consents, objections, declarations) go to the gateway's own store, never
through a Source, and must never be retried: a write repeated after a timeout
may have happened twice.

Hand-written, not tenacity: the delay rule (full jitter and the error's
``retry_after``, which no tenacity wait strategy reads) and the predicate are
ours either way, leaving tenacity only the loop in ``around``; and its call
form ``await AsyncRetrying(...)(fn, arg)`` is typed ``Never``, hiding results from mypy.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from adapters.deadline import remaining
from adapters.errors import SourceError
from adapters.protocol import Source
from adapters.wrappers.base import Wrapper

T = TypeVar("T")

# No wait exceeds max(max_s, this), whatever a source asks: a client is waiting.
RETRY_AFTER_CAP_S = 10.0


class RetryingSource(Wrapper):
    """Wraps ``inner`` so transient failures of reads are retried ``retries`` times.

    Retry n (from 1) waits ``rng() * min(max_s, base_s * 2**(n-1))`` (full
    jitter: callers that failed together do not return together), or at least
    the error's ``retry_after``; if that is over ``cap_s`` we give up at once,
    as asking sooner than the source said would only fail again. Errors that
    are not transient (SourceRejected, SourceUnsupported) and non-SourceErrors
    are raised at once; when retries run out the last error is raised.
    """

    def __init__(
        self,
        inner: Source,
        retries: int,
        base_s: float,
        max_s: float,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: Callable[[], float] = random.random,
    ) -> None:
        super().__init__(inner)
        self.retries, self.base_s, self.max_s = retries, base_s, max_s
        self.cap_s = max(max_s, RETRY_AFTER_CAP_S)
        self._sleep, self._rng = sleep, rng

    async def around(self, call: Callable[[], Awaitable[T]]) -> T:
        attempt = 0
        while True:
            attempt += 1
            try:
                return await call()
            except SourceError as exc:
                # Retry n follows failed attempt n; there are ``retries`` of them.
                delay = self._delay(attempt, exc) if attempt <= self.retries else None
                left = remaining()
                # A retry that could not start before the request's deadline is none.
                if delay is None or (left is not None and delay >= left):
                    raise
            await self._sleep(delay)

    def _delay(self, retry: int, error: SourceError) -> float | None:
        """Seconds to wait before retry number ``retry``, or None to give up now."""
        if not error.transient or (error.retry_after or 0.0) > self.cap_s:
            return None
        backoff = self._rng() * min(self.max_s, self.base_s * 2.0 ** (retry - 1))
        return max(backoff, error.retry_after or 0.0)
