"""Several kinds of source at once, end to end: fan-out, failure, retry, breaker, cache.

The market bureau is the project's own simulator on a real loopback port; its
knobs make it slow, failing, hanging or garbled, and its counters say how many
calls the gateway really made.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import aiohttp
import pytest
from sqlalchemy import event

from demo.bureau_sim import Knobs, running
from demo.examples import ADVERSE_COMPANY, CLEAN_COMPANY
from gateway.config.loader import GatewayConfig
from gateway.config.sources import SourceSpec
from service.app import create_app
from tests import viewers
from tests.conftest import NOW
from tests.server import Client, serve

ITEMS = (
    '{ subject(code: "%s") { records { totalCount edges { node { item { code } '
    "provenance title } } } } }"
)
MARKET = {"MARKET_RATING", "COMMERCIAL_DEFAULT", "CONTRACT_PERFORMANCE"}


def _query(code: str = ADVERSE_COMPANY.code) -> str:
    return ITEMS % code


def _bureau(config: GatewayConfig, **resilience: Any) -> GatewayConfig:
    """``config`` with the bureau source's resilience settings changed."""

    def changed(spec: SourceSpec) -> SourceSpec:
        if spec.kind != "bureau":
            return spec
        return replace(spec, resilience=replace(spec.resilience, **resilience))

    return replace(config, sources=tuple(changed(s) for s in config.sources))


async def _knobs(bureau_url: str, **knobs: float) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{bureau_url}/_knobs", json=knobs) as response,
    ):
        assert response.status == 200, await response.text()


async def _stats(bureau_url: str) -> dict[str, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{bureau_url}/_stats") as response,
    ):
        stats: dict[str, Any] = await response.json()
    return stats


async def _reset(bureau_url: str) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.delete(f"{bureau_url}/_stats") as response,
    ):
        assert response.status in (200, 204), await response.text()


async def _calls(bureau_url: str) -> int:
    """Requests the bureau has answered."""
    return sum((await _stats(bureau_url))["statuses"].values())


async def _asked(bureau_url: str) -> int:
    """Requests the bureau has received, answered or still hanging."""
    return sum((await _stats(bureau_url))["requests"].values())


def _items(body: dict[str, Any]) -> set[str]:
    edges = body["data"]["subject"]["records"]["edges"]
    return {e["node"]["item"]["code"] for e in edges}


def _errors(body: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [
        (e["extensions"]["code"], e["extensions"].get("source")) for e in body.get("errors") or []
    ]


@asynccontextmanager
async def _gateway(config: GatewayConfig) -> AsyncIterator[Client]:
    async with serve(create_app(config, clock=lambda: NOW)) as client:
        yield client


async def test_market_records_arrive_marked_with_their_provenance(
    demo_config: GatewayConfig,
) -> None:
    async with _gateway(demo_config) as client:
        body = await client.query(_query(), headers=viewers.company(demo_config.auth))
    edges = body["data"]["subject"]["records"]["edges"]
    market = [e["node"] for e in edges if e["node"]["item"]["code"] in MARKET]
    assert market
    assert {m["provenance"] for m in market} == {"MARKET_CREDIT"}


async def test_three_slow_sources_are_asked_at_once(demo_config: GatewayConfig) -> None:
    # Three bureau sources on one simulator, which counts the requests it holds at
    # once: asked one after another, never more than one; at once, all three
    # while each waits out its 300 ms (no clock is read here).
    async with running(Knobs(latency_ms=300)) as url:
        bureau = next(s for s in demo_config.sources if s.kind == "bureau")
        slow = [
            replace(
                bureau,
                name=f"bureau_{i}",
                config=replace(bureau.config, name=f"bureau_{i}", base_url=url),
            )
            for i in range(3)
        ]
        others = [s for s in demo_config.sources if s.kind != "bureau"]
        config = _bureau(replace(demo_config, sources=tuple(others + slow)), cache_ttl_s=0)
        unit = viewers.gov(demo_config.auth)  # the public is never shown bureau items
        async with _gateway(config) as client:
            await client.query(_query(CLEAN_COMPANY.code), headers=unit)  # warm connections
            await _reset(url)
            body = await client.query(_query(), headers=unit)
        stats = await _stats(url)
    assert "errors" not in body
    assert sum(stats["statuses"].values()) == 3
    assert stats["max_in_flight"] == 3, "the sources were not asked concurrently"


async def test_a_failing_bureau_costs_only_its_own_records(
    demo_config: GatewayConfig, bureau_url: str
) -> None:
    await _knobs(bureau_url, error_rate=1.0)
    config = _bureau(demo_config, retries=0, cache_ttl_s=0)
    async with _gateway(config) as client:
        body = await client.query(_query(), headers=viewers.gov(demo_config.auth))
    assert _errors(body) == [("SOURCE_UNAVAILABLE", "market_bureau")]
    assert "market_bureau" in body["errors"][0]["message"]
    assert _items(body) == {
        "ADM_ENFORCEMENT",
        "ADM_PENALTY",
        "BUSINESS_ABNORMAL",
        "JUDGMENT_DEFAULTER",
        "REGISTRATION_ORG",
        "SERIOUS_DISHONESTY_LIST",
        "SOCIAL_INSURANCE_ARREARS",
        "TAX_ARREARS",
    }


async def test_an_anonymous_lookup_never_reaches_a_bureau_of_authorized_items(
    demo_config: GatewayConfig, bureau_url: str
) -> None:
    await _knobs(bureau_url, error_rate=1.0)
    config = _bureau(demo_config, retries=0, cache_ttl_s=0)
    async with _gateway(config) as client:
        body = await client.query(_query())
        assert await _calls(bureau_url) == 0
        assert "errors" not in body  # the public loses nothing it could ever see
        assert "REGISTRATION_ORG" in _items(body)
        await client.query(_query(), headers=viewers.gov(demo_config.auth))
        assert await _calls(bureau_url) == 1


async def test_a_hanging_bureau_times_out_and_the_rest_arrives(
    demo_config: GatewayConfig, bureau_url: str
) -> None:
    await _knobs(bureau_url, timeout_rate=1.0)
    config = _bureau(demo_config, retries=0, cache_ttl_s=0, timeout_s=0.3)
    async with _gateway(config) as client:
        started = time.perf_counter()
        body = await client.query(_query(), headers=viewers.gov(demo_config.auth))
        elapsed = time.perf_counter() - started
    assert _errors(body) == [("SOURCE_TIMEOUT", "market_bureau")]
    assert "REGISTRATION_ORG" in _items(body)
    assert elapsed < 5  # bounded by the source's timeout, not the 30 s hang


async def test_a_garbled_body_is_rejected_not_retried(
    demo_config: GatewayConfig, bureau_url: str
) -> None:
    await _knobs(bureau_url, malformed_rate=1.0)
    config = _bureau(demo_config, retries=2, cache_ttl_s=0)
    async with _gateway(config) as client:
        body = await client.query(_query(), headers=viewers.gov(demo_config.auth))
    assert _errors(body) == [("SOURCE_REJECTED", "market_bureau")]
    assert "REGISTRATION_ORG" in _items(body)
    assert await _calls(bureau_url) == 1


async def test_transient_failures_are_retried_then_the_breaker_opens(
    demo_config: GatewayConfig, bureau_url: str
) -> None:
    await _knobs(bureau_url, error_rate=1.0)
    config = _bureau(
        demo_config,
        retries=2,
        retry_base_s=0.001,
        retry_max_s=0.01,
        breaker_failures=2,
        breaker_reset_s=60,
        cache_ttl_s=0,
    )
    async with _gateway(config) as client:
        await client.query(_query(), headers=viewers.gov(demo_config.auth))
        assert await _calls(bureau_url) == 3  # one call and two retries
        await client.query(_query(), headers=viewers.gov(demo_config.auth))
        assert await _calls(bureau_url) == 6  # the second failed call opens the circuit
        body = await client.query(_query(), headers=viewers.gov(demo_config.auth))
        assert await _calls(bureau_url) == 6  # open: the bureau is not asked at all
    assert _errors(body) == [("SOURCE_UNAVAILABLE", "market_bureau")]
    assert "REGISTRATION_ORG" in _items(body)


async def test_a_recovering_bureau_closes_the_circuit(
    demo_config: GatewayConfig, bureau_url: str
) -> None:
    await _knobs(bureau_url, error_rate=1.0)
    config = _bureau(demo_config, retries=0, breaker_failures=1, breaker_reset_s=0.2, cache_ttl_s=0)
    async with _gateway(config) as client:
        assert _errors(await client.query(_query(), headers=viewers.gov(demo_config.auth)))
        await _knobs(bureau_url, error_rate=0.0)
        await asyncio.sleep(0.25)
        body = await client.query(_query(), headers=viewers.gov(demo_config.auth))
    assert "errors" not in body


DECLARE = """mutation($input: DeclareInput!) {
  declare(input: $input) { id provenance title item { code } details { key text } }
}"""


async def test_a_declaration_is_served_at_once_despite_the_cache(
    demo_config: GatewayConfig,
) -> None:
    company = viewers.company(demo_config.auth)
    async with _gateway(demo_config) as client:
        before = await client.query(_query())  # fills the declarations cache
        declared = await client.query(
            DECLARE,
            {
                "input": {
                    "kind": "COMMITMENT",
                    "title": "按时足额缴纳社会保险费承诺",
                    "content": "本单位承诺于2026年12月31日前结清欠缴的社会保险费",
                    "acceptingUnit": "11330106MB0123460E",
                    "commitmentType": "主动型",
                }
            },
            company,
        )
        after = await client.query(_query())
        metrics = await _metrics(client)
    record = declared["data"]["declare"]
    assert record["provenance"] == "SELF_DECLARED"
    assert record["item"]["code"] == "CREDIT_COMMITMENT"
    assert "CREDIT_COMMITMENT" not in _items(before)
    # Anonymous callers see an organisation's commitment, marked self-declared (001 art. 15).
    assert "CREDIT_COMMITMENT" in _items(after)
    assert metrics["declarations"]["cache"]["misses"] >= 2


async def _metrics(client: Client) -> dict[str, Any]:
    async with client.session.get(client.url.replace("/graphql", "/metrics")) as response:
        payload: dict[str, Any] = (await response.json())["sources"]
    return payload


async def test_a_cached_bureau_is_asked_once_for_repeated_lookups(
    demo_config: GatewayConfig, bureau_url: str
) -> None:
    async with _gateway(demo_config) as client:
        for _ in range(3):
            await client.query(_query(), headers=viewers.gov(demo_config.auth))
        metrics = await _metrics(client)
    assert await _calls(bureau_url) == 1
    cache = metrics["market_bureau"]["cache"]
    assert (cache["hits"], cache["misses"]) == (2, 1)
    assert cache["hit_ratio"] == 2 / 3


async def test_only_the_subject_declares_and_a_failed_write_is_not_retried(
    demo_config: GatewayConfig,
) -> None:
    body_input = {"input": {"kind": "DECLARATION", "title": "t", "content": "c"}}
    app = create_app(demo_config, clock=lambda: NOW)
    async with serve(app) as client:
        denied = await client.query(DECLARE, body_input, viewers.bank(demo_config.auth))
        assert _errors(denied) == [("FORBIDDEN", None)]
        engine = app.state.services.store.engine
        inserts: list[str] = []
        listener: Callable[..., None] = lambda *a: inserts.append(a[2])  # noqa: E731
        async with engine.begin() as connection:
            await connection.exec_driver_sql("DROP TABLE declarations")
        event.listen(engine.sync_engine, "before_cursor_execute", listener)
        failed = await client.query(DECLARE, body_input, viewers.company(demo_config.auth))
        event.remove(engine.sync_engine, "before_cursor_execute", listener)
    assert _errors(failed) == [("INTERNAL_SERVER_ERROR", None)]
    assert len([s for s in inserts if s.startswith("INSERT")]) == 1


async def test_one_deadline_bounds_every_source_call_with_its_retries(
    demo_config: GatewayConfig, bureau_url: str
) -> None:
    """With the bureau hanging and retries that would wait for it 3 x 1 s, the answer
    arrives by the request's deadline, the bureau a SOURCE_TIMEOUT, the rest intact."""
    await _knobs(bureau_url, timeout_rate=1.0)
    config = _bureau(demo_config, retries=2, retry_base_s=0.5, cache_ttl_s=0, timeout_s=1.0)
    limits = replace(config.settings.limits, deadline_ms=600)
    config = replace(config, settings=replace(config.settings, limits=limits))
    unit = viewers.gov(demo_config.auth)
    async with _gateway(config) as client:
        await client.query(_query(CLEAN_COMPANY.code))  # warm connections
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            body = await client.query(_query(), headers=unit)
            timings.append(time.perf_counter() - started)
            assert _errors(body) == [("SOURCE_TIMEOUT", "market_bureau")]
            assert {"REGISTRATION_ORG", "TAX_ARREARS"} <= _items(body)
    # Not a speed goal: without the deadline each request would take over 3 s.
    assert max(timings) < 0.6 + 0.5, timings


async def test_a_source_hanging_past_the_deadline_still_opens_its_breaker(
    demo_config: GatewayConfig, bureau_url: str
) -> None:
    """Attempts end by the deadline as the source's own timeouts, which the breaker counts."""
    config = _bureau(
        demo_config, retries=3, retry_base_s=0.05, cache_ttl_s=0, timeout_s=1.0, breaker_failures=2
    )
    limits = replace(config.settings.limits, deadline_ms=400)
    config = replace(config, settings=replace(config.settings, limits=limits))
    unit = viewers.gov(demo_config.auth)
    async with _gateway(config) as client:
        # Warm first (connections, caches): only the bureau is to miss the 400 ms. On
        # a loaded machine a cold store or database may need more than one request.
        for _ in range(5):
            if "errors" not in await client.query(_query(), headers=unit):
                break
        else:
            pytest.fail("the sources did not answer within 400 ms even when warm")
        await _knobs(bureau_url, timeout_rate=1.0)
        for _ in range(2):
            body = await client.query(_query(), headers=unit)
            assert _errors(body) == [("SOURCE_TIMEOUT", "market_bureau")]
        metrics = await _metrics(client)
        assert metrics["market_bureau"]["breaker"] == "open"
        asked = await _asked(bureau_url)
        body = await client.query(_query(), headers=unit)
        # The open breaker answers for the bureau without asking it.
        assert await _asked(bureau_url) == asked
    assert _errors(body) == [("SOURCE_UNAVAILABLE", "market_bureau")]
