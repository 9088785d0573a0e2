"""A fake market credit bureau over HTTP, for demos and tests (issue 4, item 2).

Endpoints (data endpoints need the API key header, 401 otherwise):

- ``POST /v1/records:batchGet`` ``{"codes": [...]}`` ->
  ``{"results": [{"code": ..., "records": [...]}]}``
- ``GET /v1/subjects/{code}/records`` -> ``{"code": ..., "records": [...]}``
- ``GET /healthz``; ``GET|POST /_knobs`` (read or turn the knobs);
  ``GET|DELETE /_stats`` (read or reset the counters).

Nothing here is part of the gateway; it only speaks the API a bureau might.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from aiohttp import web

from demo.bureau_sim.faults import Faults, malformed_body
from demo.bureau_sim.knobs import Knobs
from demo.bureau_sim.stats import Stats
from demo.bureau_sim.subjects import records_for

DEMO_API_KEY = "demo-bureau-key"
DEFAULT_KEY_HEADER = "X-Api-Key"
MAX_CODES = 1000  # codes per batch request
HANG_S = 30.0  # a "timeout" hangs this long at most, so nothing leaks forever


class Simulator:
    """The state behind one simulator app: key, knobs, counters."""

    def __init__(self, knobs: Knobs, api_key: str, key_header: str) -> None:
        self.api_key = api_key
        self.key_header = key_header
        self.faults = Faults(knobs)
        self.stats = Stats()
        self.stopping = asyncio.Event()  # set at shutdown: hanging requests end

    async def hang(self) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(HANG_S):
                await self.stopping.wait()


SIMULATOR = web.AppKey("simulator", Simulator)
Payload = dict[str, Any]


def create_simulator(
    knobs: Knobs, *, api_key: str = DEMO_API_KEY, key_header: str = DEFAULT_KEY_HEADER
) -> web.Application:
    """The simulator as an aiohttp application; nothing opens until it is served."""
    app = web.Application(middlewares=[_count, _key])
    app[SIMULATOR] = Simulator(knobs, api_key, key_header)
    app.on_shutdown.append(_stop)
    app.router.add_post("/v1/records:batchGet", _batch, name="batch")
    app.router.add_get("/v1/subjects/{code}/records", _subject, name="subject")
    app.router.add_get("/healthz", _healthz, name="healthz")
    app.router.add_get("/_knobs", _get_knobs, name="_knobs")
    app.router.add_post("/_knobs", _set_knobs, name="_set_knobs")
    app.router.add_get("/_stats", _get_stats, name="_stats")
    app.router.add_delete("/_stats", _reset_stats, name="_reset_stats")
    return app


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def _count(request: web.Request, handler: Handler) -> web.StreamResponse:
    name = request.match_info.route.name
    if name is None or name.startswith("_"):
        return await handler(request)  # the simulator's own controls are not counted
    stats = request.app[SIMULATOR].stats
    stats.requests[name] += 1
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        stats.statuses[exc.status] += 1
        raise
    stats.statuses[response.status] += 1
    return response


@web.middleware
async def _key(request: web.Request, handler: Handler) -> web.StreamResponse:
    sim = request.app[SIMULATOR]
    data = request.match_info.route.name in _DATA_ROUTES
    if data and request.headers.get(sim.key_header) != sim.api_key:
        return _json({"error": f"missing or wrong {sim.key_header}"}, status=401)
    return await handler(request)


_DATA_ROUTES = {"batch", "subject"}


async def _stop(app: web.Application) -> None:
    app[SIMULATOR].stopping.set()


async def _batch(request: web.Request) -> web.StreamResponse:
    body = await request.read()
    try:
        codes = _codes(orjson.loads(body))
    except (orjson.JSONDecodeError, ValueError) as exc:
        return _json({"error": f"bad request: {exc}"}, status=400)

    def payload() -> Payload:
        return {"results": [{"code": c, "records": records_for(c)} for c in codes]}

    return await _serve(request, len(codes), payload)


async def _subject(request: web.Request) -> web.StreamResponse:
    code = request.match_info["code"]
    return await _serve(request, 1, lambda: {"code": code, "records": records_for(code)})


async def _serve(request: web.Request, codes: int, payload: Callable[[], Payload]) -> web.Response:
    """A data answer, after whatever the knobs inflict."""
    sim = request.app[SIMULATOR]
    wait = sim.faults.bucket.take()
    if wait is not None:
        headers = {"Retry-After": str(max(1, math.ceil(wait)))}
        return _json({"error": "rate limited"}, status=429, headers=headers)
    sim.stats.codes += codes
    with sim.stats.flight():
        await asyncio.sleep(sim.faults.latency_s())
        if sim.faults.error():
            return _json({"error": "unavailable"}, status=503, headers={"Retry-After": "1"})
        if sim.faults.hang():
            await sim.hang()
            return _json({"error": "gave up"}, status=503, headers={"Retry-After": "1"})
        answer = payload()
        if sim.faults.malformed():
            return web.Response(body=malformed_body(answer, sim.faults.rng), content_type=_JSON)
        return _json(answer)


def _codes(body: object) -> list[str]:
    codes = body.get("codes") if isinstance(body, dict) else None
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        raise ValueError('expected {"codes": ["...", ...]}')
    if len(codes) > MAX_CODES:
        raise ValueError(f"at most {MAX_CODES} codes per request")
    return codes


async def _healthz(request: web.Request) -> web.StreamResponse:
    return _json({"status": "ok"})


async def _get_knobs(request: web.Request) -> web.StreamResponse:
    return _json(request.app[SIMULATOR].faults.knobs.as_json())


async def _set_knobs(request: web.Request) -> web.StreamResponse:
    """Turn some knobs (JSON object of knob -> value); a ``seed`` restarts the randomness."""
    faults = request.app[SIMULATOR].faults
    try:
        changes = orjson.loads(await request.read())
        if not isinstance(changes, dict):
            raise ValueError("expected a JSON object of knob -> value")
        faults.set(faults.knobs.updated(changes), reseed="seed" in changes)
    except (orjson.JSONDecodeError, ValueError) as exc:
        return _json({"error": str(exc)}, status=400)
    return _json(faults.knobs.as_json())


async def _get_stats(request: web.Request) -> web.StreamResponse:
    return _json(request.app[SIMULATOR].stats.as_json())


async def _reset_stats(request: web.Request) -> web.StreamResponse:
    request.app[SIMULATOR].stats.reset()
    return _json(request.app[SIMULATOR].stats.as_json())


_JSON = "application/json"


def _json(
    payload: object, *, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.Response(
        body=orjson.dumps(payload), status=status, headers=headers, content_type=_JSON
    )
