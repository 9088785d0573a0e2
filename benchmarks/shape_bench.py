"""The shapes measured: answers checked first, then interleaved rounds, medians, ratios.

Every implementation's answer to each shape is compared with the gateway's
(parsed, keys sorted) before anything is timed; one that differs is left out
with a summary of the differences, as is one whose requests fail while timed.
Then each round measures every implementation once in turn on each shape:
a warm-up, then ``seconds`` of load at a fixed concurrency from the load core,
reading the server's CPU time before and after. Reported: the median over the
rounds of requests per second and of CPU time per request.
"""

from __future__ import annotations

import asyncio
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson

from benchmarks import fastload
from benchmarks.cpu import cpu_seconds
from benchmarks.shape_servers import Implementation
from benchmarks.shapes import Shape

WARMUP_SHARE = 0.2  # of each measurement's seconds, at least half a second


@dataclass(frozen=True, slots=True)
class Measurement:
    rps: float
    cpu_ms: float  # server CPU time per request


@dataclass(slots=True)
class Row:
    implementation: Implementation
    problem: str | None = None
    runs: dict[str, list[Measurement]] = field(default_factory=dict)

    def median(self, shape: str) -> Measurement | None:
        runs = self.runs.get(shape)
        if not runs:
            return None
        rps = statistics.median(m.rps for m in runs)
        return Measurement(rps, statistics.median(m.cpu_ms for m in runs))


async def answer(url: str, payload: Mapping[str, Any]) -> Any:
    """The parsed answer; what is not JSON comes back as its status and first bytes."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=orjson.dumps(payload), headers=_JSON) as response,
    ):
        body = await response.read()
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return {"not JSON": f"{response.status} {body[:200]!r}"}


_JSON = {"content-type": "application/json"}


async def check(rows: Sequence[Row], shapes: Sequence[Shape]) -> None:
    """Leave out every implementation whose answers are not the gateway's."""
    gateway = next(r for r in rows if r.implementation.key == "gateway")
    assert gateway.implementation.url is not None
    expected = {}
    for shape in shapes:
        expected[shape.key] = await answer(gateway.implementation.url, shape.payload)
        if "errors" in expected[shape.key] or expected[shape.key].get("data") is None:
            raise SystemExit(f"the gateway failed {shape.key}: {str(expected[shape.key])[:500]}")
    for row in rows:
        url = row.implementation.url
        if row is gateway or url is None or row.problem:
            continue
        for shape in shapes:
            got = await answer(url, shape.payload)
            differences = diff(_normal(expected[shape.key]), _normal(got))
            if differences:
                row.problem = f"{shape.key} answers differ from the gateway's: {differences}"
                break


def _normal(value: Any) -> Any:
    return orjson.loads(orjson.dumps(value, option=orjson.OPT_SORT_KEYS))


def diff(expected: Any, got: Any) -> str:
    """A short summary of where ``got`` differs from ``expected``; empty when equal."""
    found: list[str] = []
    _differences(expected, got, "", found)
    shown = "; ".join(found[:3])
    return f"{shown} (and {len(found) - 3} more)" if len(found) > 3 else shown


def _differences(expected: Any, got: Any, path: str, found: list[str]) -> None:
    if isinstance(expected, dict) and isinstance(got, dict):
        for key in sorted(set(expected) | set(got)):
            missing = "<missing>"
            _differences(expected.get(key, missing), got.get(key, missing), f"{path}.{key}", found)
    elif isinstance(expected, list) and isinstance(got, list):
        if len(expected) != len(got):
            found.append(f"{path}: {len(got)} items, not {len(expected)}")
        for i, (e, g) in enumerate(zip(expected, got, strict=False)):
            _differences(e, g, f"{path}[{i}]", found)
    elif expected != got:
        found.append(f"{path or 'the answer'}: {_short(got)}, not {_short(expected)}")


def _short(value: Any) -> str:
    text = orjson.dumps(value).decode()
    return text if len(text) <= 60 else text[:57] + "..."


async def measure(
    rows: Sequence[Row], shapes: Sequence[Shape], seconds: float, rounds: int
) -> None:
    for number in range(1, rounds + 1):
        for row in rows:
            if row.problem or row.implementation.url is None:
                continue
            for shape in shapes:
                print(f"round {number}/{rounds}: {row.implementation.key} {shape.key}", flush=True)
                try:
                    measured = await _once(row.implementation, shape, seconds)
                except (OSError, TimeoutError) as exc:  # the server went away or hung
                    measured = f"{shape.key}: {type(exc).__name__}: {exc}"
                if isinstance(measured, str):
                    row.problem, row.runs = measured, {}  # none of its numbers stand
                    break
                row.runs.setdefault(shape.key, []).append(measured)


async def _once(impl: Implementation, shape: Shape, seconds: float) -> Measurement | str:
    assert impl.url is not None
    assert impl.pid is not None
    load = {"concurrency": shape.concurrency}
    await fastload.run(impl.url, shape.payload, seconds=max(0.5, seconds * WARMUP_SHARE), **load)
    before = cpu_seconds(impl.pid)
    result = await fastload.run(impl.url, shape.payload, seconds=seconds, **load)
    spent = cpu_seconds(impl.pid) - before
    if result.errors or not result.requests:
        # A failing server answers fast and flatters nothing.
        return f"{shape.key}: {result.errors} of {result.requests} requests failed while timed"
    return Measurement(result.rps, spent * 1000 / result.requests)


def run_rows(
    implementations: Sequence[Implementation], shapes: Sequence[Shape], seconds: float, rounds: int
) -> list[Row]:
    rows = [Row(i, i.skipped) for i in implementations]

    async def go() -> None:
        await check(rows, shapes)
        await measure(rows, shapes, seconds, rounds)

    asyncio.run(go())
    return rows
