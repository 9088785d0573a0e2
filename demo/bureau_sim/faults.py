"""The simulator's random choices and its rate limit, driven by :class:`Knobs`."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

import orjson

from demo.bureau_sim.knobs import Knobs


class TokenBucket:
    """``rate`` requests a second on average, bursts of up to ``max(1, rate)``."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.capacity = max(1.0, rate)
        self.tokens = self.capacity
        self.clock = clock
        self.stamp = clock()

    def take(self) -> float | None:
        """None when a request may pass, else the seconds until one may."""
        if self.rate <= 0:
            return None
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return None
        return (1 - self.tokens) / self.rate


class Faults:
    """What goes wrong with the next request, repeatably for a given seed."""

    def __init__(self, knobs: Knobs) -> None:
        self.knobs = knobs
        self.rng = random.Random(knobs.seed)
        self.bucket = TokenBucket(knobs.rate_limit_per_s)

    def set(self, knobs: Knobs, *, reseed: bool) -> None:
        """Turn the knobs; ``reseed`` restarts the random sequence from ``knobs.seed``."""
        if reseed:
            self.rng = random.Random(knobs.seed)
        if knobs.rate_limit_per_s != self.knobs.rate_limit_per_s:
            self.bucket = TokenBucket(knobs.rate_limit_per_s)
        self.knobs = knobs

    def latency_s(self) -> float:
        jitter = self.rng.uniform(0, self.knobs.jitter_ms) if self.knobs.jitter_ms else 0.0
        return (self.knobs.latency_ms + jitter) / 1000

    def error(self) -> bool:
        return self._roll(self.knobs.error_rate)

    def hang(self) -> bool:
        return self._roll(self.knobs.timeout_rate)

    def malformed(self) -> bool:
        return self._roll(self.knobs.malformed_rate)

    def _roll(self, rate: float) -> bool:
        # No draw for a knob that is off, so turning one on does not reshuffle the others.
        return rate > 0 and self.rng.random() < rate


def malformed_body(answer: dict[str, Any], rng: random.Random) -> bytes:
    """A 200 body the API never promised: truncated, garbage, wrong shape or incomplete."""
    good = orjson.dumps(answer)
    results = answer.get("results", [answer])
    incomplete = [{"code": r["code"], "records": [{"remark": "记录不完整"}]} for r in results]
    return rng.choice(
        (
            good[: len(good) // 2],
            b"<html><body><h1>502 Bad Gateway</h1></body></html>",
            b'{"status": "ok", "data": null}',
            orjson.dumps({"results": incomplete} if "results" in answer else incomplete[0]),
        )
    )
