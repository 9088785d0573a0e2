"""The bureau adapter's contract, against the real simulator (and tiny fixed servers)
on ephemeral 127.0.0.1 ports: no patched clients."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from adapters.bureau.config import BureauMode, BureauSourceConfig
from adapters.bureau.failures import retry_after
from adapters.bureau.source import BureauSource
from adapters.errors import SourceRejected, SourceTimeout, SourceUnavailable
from adapters.kinds import KINDS
from adapters.protocol import FetchRequest, SearchRequest
from adapters.wrappers.timeout import TimeoutSource
from demo.bureau_sim import Knobs, running
from demo.examples import ADVERSE_COMPANY, CLEAN_COMPANY, PERSON
from gateway.config.loader import PROJECT_ROOT
from gateway.config.reader import Problems, Table
from gateway.config.sources import parse_sources
from gateway.domain import SubjectKind
from tests.codes import org_code


def _shipped() -> BureauSourceConfig:
    """The shipped `market_bureau` mapping, so the tests prove it fits the simulator."""
    problems = Problems()
    root = Table.load(PROJECT_ROOT / "config" / "sources.toml", problems)
    spec = next(s for s in parse_sources(root, "", KINDS) if s.name == "market_bureau")
    assert isinstance(spec.config, BureauSourceConfig)
    return spec.config


SHIPPED = _shipped()


@dataclass
class Bureau:
    """The simulator under test and a client for its knobs and counters."""

    url: str
    http: aiohttp.ClientSession

    async def knobs(self, **changes: float) -> None:
        async with self.http.post("/_knobs", json=changes) as response:
            assert response.status == 200, await response.text()

    async def stats(self) -> dict[str, Any]:
        async with self.http.get("/_stats") as response:
            result: dict[str, Any] = await response.json()
            return result


@pytest.fixture
async def bureau() -> AsyncIterator[Bureau]:
    async with running(Knobs(seed=7)) as url, aiohttp.ClientSession(url) as http:
        yield Bureau(url, http)


@asynccontextmanager
async def opened(url: str, **changes: Any) -> AsyncIterator[BureauSource]:
    source = BureauSource(replace(SHIPPED, base_url=url, **changes))
    try:
        yield source
    finally:
        await source.aclose()


@asynccontextmanager
async def fixed(
    body: bytes, status: int = 200, headers: Mapping[str, str] | None = None
) -> AsyncIterator[str]:
    """A server answering every request with the same response."""

    async def answer(request: web.Request) -> web.Response:
        return web.Response(body=body, status=status, headers=headers)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


async def test_records_map_through_config(bureau: Bureau) -> None:
    async with opened(bureau.url) as source:
        answer = await source.fetch(FetchRequest((ADVERSE_COMPANY.code, CLEAN_COMPANY.code)))
    adverse = {r.record_id: r for r in answer[ADVERSE_COMPANY.code]}
    assert sorted(r.item for r in adverse.values()) == [
        "COMMERCIAL_DEFAULT",
        "COMMERCIAL_DEFAULT",
        "MARKET_RATING",
    ]
    unpaid = adverse[f"PD-{ADVERSE_COMPANY.code}-01"]
    assert unpaid.source == "market_bureau"
    assert unpaid.title == "商业账款逾期未付"
    assert (unpaid.occurred_on, unpaid.decided_on, unpaid.ended_on) == (
        date(2026, 2, 10),
        date(2026, 4, 11),
        None,
    )
    assert unpaid.details["creditor"] == "杭州远拓供应链管理有限公司"  # a nested path
    assert unpaid.details["overdue_amount"] == 356_800.0
    assert isinstance(unpaid.details["overdue_days"], int)
    rating = adverse[f"RT-{ADVERSE_COMPANY.code}-01"]
    assert rating.details["grade"] == "B"
    assert rating.ended_on == date(2027, 4, 19)
    (performance,) = [r for r in answer[CLEAN_COMPANY.code] if r.item == "CONTRACT_PERFORMANCE"]
    assert performance.details["performance_rate"] == 100.0
    assert performance.details["contracts_performed"] == 318


async def test_items_limit_the_answer_and_unserved_items_cost_no_call(bureau: Bureau) -> None:
    async with opened(bureau.url) as source:
        ratings = await source.fetch(
            FetchRequest((ADVERSE_COMPANY.code,), frozenset({"MARKET_RATING"}))
        )
        other = await source.fetch(FetchRequest((PERSON.code,), frozenset({"ADM_PENALTY"})))
    assert [r.item for r in ratings[ADVERSE_COMPANY.code]] == ["MARKET_RATING"]
    assert other == {PERSON.code: []}
    assert (await bureau.stats())["requests"] == {"batch": 1}


async def test_batch_mode_is_one_call_whatever_the_batch_size(bureau: Bureau) -> None:
    codes = tuple(org_code(1000 + i) for i in range(60))
    async with opened(bureau.url) as source:
        answer = await source.fetch(FetchRequest(codes))
    stats = await bureau.stats()
    assert stats["requests"] == {"batch": 1}
    assert stats["codes"] == 60
    assert len(answer) == 60
    assert sum(len(v) for v in answer.values()) > 0


async def test_batches_over_max_batch_go_in_concurrent_chunks(bureau: Bureau) -> None:
    await bureau.knobs(latency_ms=80)
    codes = tuple(org_code(2000 + i) for i in range(10))
    async with opened(bureau.url, max_batch=4, max_concurrency=8) as source:
        answer = await source.fetch(FetchRequest(codes))
    stats = await bureau.stats()
    assert set(answer) == set(codes)
    assert stats["requests"] == {"batch": 3}  # 4 + 4 + 2
    assert stats["codes"] == 10
    assert stats["max_in_flight"] == 3  # sent at once, not one after another


async def test_per_subject_mode_keeps_max_concurrency_in_flight(bureau: Bureau) -> None:
    await bureau.knobs(latency_ms=40)
    codes = tuple(org_code(3000 + i) for i in range(10))
    mode = BureauMode.PER_SUBJECT
    async with opened(bureau.url, mode=mode, max_concurrency=3) as source:
        answer = await source.fetch(FetchRequest((*codes, PERSON.code)))
    stats = await bureau.stats()
    assert stats["requests"] == {"subject": 11}
    assert stats["max_in_flight"] == 3
    assert [r.item for r in answer[PERSON.code]] == ["MARKET_RATING"]


async def test_server_error_is_unavailable_with_retry_after(bureau: Bureau) -> None:
    await bureau.knobs(error_rate=1)
    async with opened(bureau.url) as source:
        with pytest.raises(SourceUnavailable) as failure:
            await source.fetch(FetchRequest((CLEAN_COMPANY.code,)))
    assert failure.value.retry_after == 1.0
    assert failure.value.transient
    assert failure.value.source == "market_bureau"


async def test_rate_limit_is_unavailable_with_retry_after(bureau: Bureau) -> None:
    await bureau.knobs(rate_limit_per_s=0.5)
    async with opened(bureau.url) as source:
        await source.fetch(FetchRequest((CLEAN_COMPANY.code,)))
        with pytest.raises(SourceUnavailable) as failure:
            await source.fetch(FetchRequest((CLEAN_COMPANY.code,)))
    assert failure.value.retry_after == 2.0
    assert "429" in failure.value.detail
    assert (await bureau.stats())["statuses"] == {"200": 1, "429": 1}


async def test_a_hanging_bureau_times_out_through_the_wrapper(bureau: Bureau) -> None:
    await bureau.knobs(timeout_rate=1)
    async with opened(bureau.url) as source:
        started = time.monotonic()
        with pytest.raises(SourceTimeout):
            await TimeoutSource(source, 0.3).fetch(FetchRequest((CLEAN_COMPANY.code,)))
    assert time.monotonic() - started < 2


async def test_malformed_bodies_are_rejected_without_quoting_them(bureau: Bureau) -> None:
    await bureau.knobs(malformed_rate=1, seed=1)  # seed 1: all four kinds within 8 requests
    details = set()
    async with opened(bureau.url) as source:
        for _ in range(8):
            with pytest.raises(SourceRejected) as failure:
                await source.fetch(FetchRequest((ADVERSE_COMPANY.code,)))
            assert not failure.value.transient
            for upstream in ("<html>", "Bad Gateway", "记录不完整", "remark", '"status"'):
                assert upstream not in str(failure.value)
            details.add(failure.value.detail)
    # truncated and garbage bodies, JSON of the wrong shape, records without their type
    assert details == {
        "the body is not JSON",
        "the answer has no 'results' list",
        f"a record of {ADVERSE_COMPANY.code} has no 'record_type'",
    }


async def test_a_wrong_key_is_rejected(bureau: Bureau) -> None:
    async with opened(bureau.url, api_key="not-the-key") as source:
        with pytest.raises(SourceRejected) as failure:
            await source.fetch(FetchRequest((PERSON.code,)))
    assert failure.value.detail == "HTTP 401"


async def test_the_key_can_come_from_the_environment(bureau: Bureau) -> None:
    config = replace(SHIPPED, base_url=bureau.url, api_key=None, api_key_env="BUREAU_KEY")
    present = BureauSource(config, environ={"BUREAU_KEY": "demo-bureau-key"})
    missing = BureauSource(config, environ={})
    try:
        answer = await present.fetch(FetchRequest((PERSON.code,)))
        assert len(answer[PERSON.code]) == 1
        with pytest.raises(SourceRejected, match=r"\$BUREAU_KEY is not set"):
            await missing.fetch(FetchRequest((PERSON.code,)))
    finally:
        await present.aclose()
        await missing.aclose()
    assert (await bureau.stats())["requests"] == {"batch": 1}


async def test_the_session_is_made_on_first_use_and_closed_by_aclose(bureau: Bureau) -> None:
    source = BureauSource(replace(SHIPPED, base_url=bureau.url))
    assert not source.is_open
    assert await source.search(SearchRequest("杭州", frozenset(SubjectKind), 10)) == []
    assert not source.capabilities().searchable
    assert not source.is_open
    await source.fetch(FetchRequest((PERSON.code,)))
    assert source.is_open
    await source.aclose()
    assert not source.is_open
    with pytest.raises(SourceUnavailable):
        await source.fetch(FetchRequest((PERSON.code,)))
    assert (await bureau.stats())["requests"] == {"batch": 1}


def _batch(*results: object) -> bytes:
    import orjson

    return orjson.dumps({"results": list(results)})


async def test_records_for_codes_not_asked_and_unmapped_types_are_ignored() -> None:
    asked, other = org_code(11), org_code(12)
    body = _batch(
        {"code": other, "records": [{"record_type": "CREDIT_RATING", "record_id": "x"}]},
        {"code": asked.lower(), "records": [{"record_type": "LAWSUIT", "record_id": "y"}]},
    )
    async with fixed(body) as url, opened(url) as source:
        assert await source.fetch(FetchRequest((asked,))) == {asked: []}


@pytest.mark.parametrize(
    "body",
    [
        b"[1, 2, 3]",
        b'{"results": {"code": "x"}}',
        _batch({"records": []}),
        _batch({"code": org_code(11), "records": "none"}),
        _batch({"code": org_code(11), "records": ["RT-1"]}),
        _batch({"code": org_code(11), "records": [{"record_id": "RT-1"}]}),
        _batch({"code": org_code(11), "records": [{"record_type": "CREDIT_RATING"}]}),
        _batch(
            {"code": org_code(11), "records": [{"record_type": "CREDIT_RATING", "record_id": {}}]}
        ),
    ],
)
async def test_json_of_the_wrong_shape_is_rejected(body: bytes) -> None:
    async with fixed(body) as url, opened(url) as source:
        with pytest.raises(SourceRejected):
            await source.fetch(FetchRequest((org_code(11),)))


@pytest.mark.parametrize(
    ("status", "error", "wait"),
    [
        (404, SourceRejected, None),
        (400, SourceRejected, None),
        (500, SourceUnavailable, None),
        (502, SourceUnavailable, 30.0),
        (429, SourceUnavailable, 30.0),
    ],
)
async def test_statuses_translate_at_the_boundary(
    status: int, error: type[Exception], wait: float | None
) -> None:
    headers = {"Retry-After": "30"} if wait else {}
    async with fixed(b"upstream secret", status, headers) as url, opened(url) as source:
        with pytest.raises(error) as failure:
            await source.fetch(FetchRequest((org_code(11),)))
    assert getattr(failure.value, "retry_after", None) == wait
    assert "upstream secret" not in str(failure.value)


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2026, 11, 1, 8, 0, 0, tzinfo=UTC)
    assert retry_after("120", now) == 120.0
    assert retry_after("Sun, 01 Nov 2026 08:00:45 GMT", now) == 45.0
    assert retry_after("Sat, 31 Oct 2026 08:00:00 GMT", now) == 0.0  # already past
    assert retry_after("soon", now) is None
    assert retry_after(None, now) is None


async def test_per_subject_answers_may_omit_their_code() -> None:
    body = b'{"records": [{"record_type": "CREDIT_RATING", "record_id": "R1", "title": "t"}]}'
    async with fixed(body) as url, opened(url, mode=BureauMode.PER_SUBJECT) as source:
        answer = await asyncio.wait_for(source.fetch(FetchRequest((PERSON.code,))), 5)
    assert [r.record_id for r in answer[PERSON.code]] == ["R1"]
