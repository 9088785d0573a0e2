"""A bounded load generator: fixed concurrency, fixed duration, loopback only."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
import orjson


@dataclass(frozen=True, slots=True)
class Result:
    requests: int
    errors: int
    seconds: float
    latencies_ms: tuple[float, ...]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        return percentile(self.latencies_ms, p)

    @property
    def p50(self) -> float:
        return median(self.latencies_ms)


def percentile(latencies_ms: Sequence[float], p: float) -> float:
    """The ``p``-th percentile of ``latencies_ms`` (nearest rank); NaN for none."""
    if not latencies_ms:
        return float("nan")
    ordered = sorted(latencies_ms)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def median(latencies_ms: Sequence[float]) -> float:
    """The median of ``latencies_ms``; NaN for none."""
    return statistics.median(latencies_ms) if latencies_ms else float("nan")


async def run(
    url: str,
    payload: Mapping[str, Any],
    *,
    headers: Mapping[str, str] | None = None,
    concurrency: int = 8,
    seconds: float = 5.0,
    max_requests: int = 20_000,
    warmup: int = 20,
) -> Result:
    """POST ``payload`` to ``url`` from ``concurrency`` workers for ``seconds`` at most."""
    assert url.startswith("http://127.0.0.1:"), "load goes to this machine only"
    body = orjson.dumps(payload)
    merged = {"content-type": "application/json", **(headers or {})}
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        for _ in range(warmup):
            await _one(session, url, body, merged)
        latencies: list[float] = []
        errors = 0
        deadline = time.perf_counter() + seconds
        sent = 0

        async def worker() -> None:
            nonlocal errors, sent
            while time.perf_counter() < deadline and sent < max_requests:
                sent += 1
                started = time.perf_counter()
                ok = await _one(session, url, body, merged)
                latencies.append((time.perf_counter() - started) * 1000)
                errors += 0 if ok else 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return Result(len(latencies), errors, elapsed, tuple(latencies))


async def _one(
    session: aiohttp.ClientSession, url: str, body: bytes, headers: Mapping[str, str]
) -> bool:
    async with session.post(url, data=body, headers=headers) as response:
        payload = await response.read()
        return response.status == 200 and b'"errors"' not in payload
