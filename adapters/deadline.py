"""The request's deadline, seen by every wrapper of a source call (one per request).

The fan-out sets it around each source's call; the timeout wrapper cuts an
attempt short at it and the retry wrapper waits for no retry that cannot start
before it. So a source still busy at the deadline fails as a SourceTimeout of
its own, which its circuit breaker counts, rather than being cancelled from
outside, which it would not.
"""

from __future__ import annotations

import asyncio
from contextvars import ContextVar

DEADLINE: ContextVar[float | None] = ContextVar("source_deadline", default=None)


def remaining() -> float | None:
    """Seconds left before the deadline (``loop.time()``), or None when there is none."""
    deadline = DEADLINE.get()
    return None if deadline is None else deadline - asyncio.get_running_loop().time()
