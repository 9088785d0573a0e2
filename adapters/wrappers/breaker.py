"""Stop asking a source that keeps failing, and probe it again later.

Hand-written: purgatory lets every caller through when half-open (we want one
probe), has no injectable clock and routes calls through a message bus built for
Redis; aiobreaker is unmaintained (2021); pybreaker and circuitbreaker are sync-first.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Literal, TypeVar

from adapters.errors import SourceUnavailable, SourceUnsupported
from adapters.protocol import Source
from adapters.wrappers.base import Wrapper

T = TypeVar("T")
Clock = Callable[[], float]


class BreakerSource(Wrapper):
    """Wraps ``inner`` with a circuit breaker; ``state`` is for metrics.

    Closed: ``failures`` failed calls in a row open it. Open: calls raise
    SourceUnavailable (``retry_after`` = seconds left) without touching
    ``inner``. After ``reset_s``, half-open: one probe goes through, others
    fail fast; its success closes the circuit, its failure re-opens it.
    Every exception is a failure except SourceUnsupported (a request the
    source cannot serve says nothing of its health) and cancellation (the
    caller left; a cancelled probe frees the slot for the next caller).
    """

    def __init__(
        self, inner: Source, failures: int, reset_s: float, *, clock: Clock = time.monotonic
    ) -> None:
        super().__init__(inner)
        self.failures, self.reset_s, self._clock = failures, reset_s, clock
        self._failed = 0  # failed calls in a row while closed
        self._opened_at: float | None = None  # None while closed
        self._probing = False

    @property
    def state(self) -> Literal["closed", "open", "half_open"]:
        if self._opened_at is None:
            return "closed"
        return "open" if self._clock() - self._opened_at < self.reset_s else "half_open"

    async def around(self, call: Callable[[], Awaitable[T]]) -> T:
        probe = self._opened_at is not None  # past the checks below, this call is the probe
        if self._opened_at is not None:
            remaining = self._opened_at + self.reset_s - self._clock()
            if remaining > 0:
                raise SourceUnavailable(self.name, "circuit open", retry_after=remaining)
            if self._probing:
                raise SourceUnavailable(self.name, "circuit half-open; a probe is under way")
            self._probing = True
        try:
            result = await call()
        except SourceUnsupported:
            raise
        except Exception:
            # A call let in while closed that ends after the circuit opened
            # changes nothing: only the probe decides about an open circuit.
            if probe or self._opened_at is None:
                self._failed += 1
                if probe or self._failed >= self.failures:
                    self._failed, self._opened_at = 0, self._clock()
            raise
        finally:
            if probe:
                self._probing = False
        if probe or self._opened_at is None:
            self._failed, self._opened_at = 0, None
        return result
