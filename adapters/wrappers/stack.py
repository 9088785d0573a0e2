"""Put a source's resilience wrappers around it in one fixed order, like Starlette middleware.

Outermost first:

- metrics, so it sees every call a resolver makes, cache hits included;
- cache, so a hit touches nothing below it;
- breaker, so an open circuit fails fast before any retry or timeout, and a
  call retried to exhaustion counts as one failure, not several;
- retry, inside the breaker, so it never retries the breaker's own refusal;
- timeout, per attempt, so each retry gets the full ``timeout_s``;
- the adapter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from adapters.protocol import Source
from adapters.wrappers.breaker import BreakerSource
from adapters.wrappers.cache import CachingSource
from adapters.wrappers.metrics import MeasuredSource
from adapters.wrappers.retry import RetryingSource
from adapters.wrappers.timeout import TimeoutSource
from gateway.config.resilience import Resilience

W = TypeVar("W")
Layer = Callable[[Source], Source]


def layers(r: Resilience) -> list[Layer]:
    """The wrappers ``r`` asks for, outermost first."""
    stack: list[Layer] = [MeasuredSource]
    if r.cache_ttl_s > 0:
        stack.append(lambda s: CachingSource(s, r.cache_ttl_s, r.cache_size))
    stack.append(lambda s: BreakerSource(s, r.breaker_failures, r.breaker_reset_s))
    if r.retries > 0:
        stack.append(lambda s: RetryingSource(s, r.retries, r.retry_base_s, r.retry_max_s))
    stack.append(lambda s: TimeoutSource(s, r.timeout_s))
    return stack


def wrap(source: Source, resilience: Resilience) -> Source:
    """``source`` inside every wrapper ``resilience`` asks for."""
    for layer in reversed(layers(resilience)):
        source = layer(source)
    return source


def find(source: Source, kind: type[W]) -> W | None:
    """The first wrapper of type ``kind`` in ``source``'s stack (following ``.inner``), if any."""
    layer: object = source
    while layer is not None:
        if isinstance(layer, kind):
            return layer
        layer = getattr(layer, "inner", None)
    return None
