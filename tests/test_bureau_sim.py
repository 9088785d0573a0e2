"""The bureau simulator: deterministic data, its knobs, its key and its counters."""

from __future__ import annotations

import argparse
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from demo.bureau_sim import DEMO_API_KEY, Knobs, running
from demo.bureau_sim.cli import add_arguments, knobs_from_args, run_from_args
from demo.bureau_sim.faults import TokenBucket
from demo.examples import (
    ADVERSE_COMPANY,
    CLEAN_COMPANY,
    EXAMPLES,
    GOVERNMENT_BODY,
    PERSON,
    SOLE_PROPRIETORSHIP,
)
from tests.codes import org_code, person_code

KEY = {"X-Api-Key": DEMO_API_KEY}
BATCH = "/v1/records:batchGet"


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    timeout = aiohttp.ClientTimeout(total=5)
    async with running(Knobs(seed=3)) as url, aiohttp.ClientSession(url, timeout=timeout) as s:
        yield s


async def _batch(http: aiohttp.ClientSession, codes: list[str]) -> dict[str, list[Any]]:
    async with http.post(BATCH, json={"codes": codes}, headers=KEY) as response:
        assert response.status == 200
        body = await response.json()
    return {r["code"]: r["records"] for r in body["results"]}


async def _knobs(http: aiohttp.ClientSession, **changes: object) -> dict[str, Any]:
    async with http.post("/_knobs", json=changes) as response:
        body: dict[str, Any] = await response.json()
        assert response.status == 200, body
        return body


async def _stats(http: aiohttp.ClientSession) -> dict[str, Any]:
    async with http.get("/_stats") as response:
        body: dict[str, Any] = await response.json()
        return body


def _types(records: list[Any]) -> list[str]:
    return sorted(r["record_type"] for r in records)


async def test_the_examples_have_their_hand_written_records(
    http: aiohttp.ClientSession,
) -> None:
    answer = await _batch(http, [e.code for e in EXAMPLES])
    adverse = answer[ADVERSE_COMPANY.code]
    assert _types(adverse) == ["CREDIT_RATING", "PAYMENT_DEFAULT", "PAYMENT_DEFAULT"]
    assert adverse[0]["rating"]["grade"] == "B"
    unpaid = adverse[1]
    assert unpaid["settled_on"] is None
    assert unpaid["default"]["overdue"] == {"amount": 356800.0, "currency": "CNY", "days": 264}
    clean = answer[CLEAN_COMPANY.code]
    assert _types(clean) == ["CONTRACT_PERFORMANCE", "CREDIT_RATING"]
    assert clean[0]["rating"]["grade"] == "AAA"
    assert clean[1]["performance"]["rate"] == 100.0
    assert _types(answer[PERSON.code]) == ["CREDIT_RATING"]
    assert _types(answer[SOLE_PROPRIETORSHIP.code]) == ["CONTRACT_PERFORMANCE", "CREDIT_RATING"]
    assert answer[GOVERNMENT_BODY.code] == []


async def test_any_valid_code_gets_the_same_records_every_time(
    http: aiohttp.ClientSession,
) -> None:
    orgs = [org_code(5000 + i) for i in range(40)]
    persons = [person_code(i) for i in range(20)]
    first = await _batch(http, [*orgs, *persons, "not-a-code"])
    async with running(Knobs(seed=99)) as url, aiohttp.ClientSession(url) as other:
        again = await _batch(other, [*orgs, *persons, "not-a-code"])
    assert first == again  # the data does not depend on the seed or the run
    assert first["not-a-code"] == []
    assert {len(first[c]) for c in orgs} == {0, 1, 2, 3}
    assert {t for c in orgs for t in _types(first[c])} == {
        "CONTRACT_PERFORMANCE",
        "CREDIT_RATING",
        "PAYMENT_DEFAULT",
    }
    assert {t for c in persons for t in _types(first[c])} == {"CREDIT_RATING"}


async def test_per_subject_answers_match_the_batch(http: aiohttp.ClientSession) -> None:
    code = org_code(5003)
    batch = await _batch(http, [code])
    async with http.get(f"/v1/subjects/{code}/records", headers=KEY) as response:
        assert await response.json() == {"code": code, "records": batch[code]}


async def test_the_api_key_is_required(http: aiohttp.ClientSession) -> None:
    wrong = {"X-Api-Key": "guess"}
    async with http.post(BATCH, json={"codes": [PERSON.code]}) as response:
        assert response.status == 401
    async with http.get(f"/v1/subjects/{PERSON.code}/records", headers=wrong) as response:
        assert response.status == 401
    async with http.get("/healthz") as response:
        assert response.status == 200
    custom = running(Knobs(), api_key="k2", key_header="Authorization")
    async with custom as url, aiohttp.ClientSession(url) as other:
        headers = {"Authorization": "k2"}
        async with other.post(BATCH, json={"codes": []}, headers=headers) as response:
            assert await response.json() == {"results": []}


async def test_bad_batch_bodies_are_400(http: aiohttp.ClientSession) -> None:
    for body in ([PERSON.code], {"codes": [1]}, {"codes": ["x"] * 1001}):
        async with http.post(BATCH, json=body, headers=KEY) as response:
            assert response.status == 400


async def test_stats_count_requests_per_endpoint(http: aiohttp.ClientSession) -> None:
    await _batch(http, [PERSON.code, CLEAN_COMPANY.code])
    await _batch(http, [PERSON.code])
    async with http.get(f"/v1/subjects/{PERSON.code}/records") as response:
        assert response.status == 401
    async with http.get("/healthz"):
        pass
    stats = await _stats(http)
    assert stats["requests"] == {"batch": 2, "subject": 1, "healthz": 1}
    assert stats["statuses"] == {"200": 3, "401": 1}
    assert stats["codes"] == 3
    async with http.delete("/_stats") as response:
        assert (await response.json())["requests"] == {}


async def test_latency_and_jitter_slow_data_requests(http: aiohttp.ClientSession) -> None:
    await _knobs(http, latency_ms=150, jitter_ms=20)
    started = time.monotonic()
    await _batch(http, [PERSON.code])
    assert 0.15 <= time.monotonic() - started < 2


async def test_error_rate_answers_503_with_retry_after(http: aiohttp.ClientSession) -> None:
    await _knobs(http, error_rate=1)
    async with http.post(BATCH, json={"codes": [PERSON.code]}, headers=KEY) as response:
        assert response.status == 503
        assert response.headers["Retry-After"] == "1"


async def test_the_seed_makes_failures_repeatable(http: aiohttp.ClientSession) -> None:
    async def statuses() -> list[int]:
        await _knobs(http, error_rate=0.5, seed=42)  # a seed restarts the sequence
        result = []
        for _ in range(12):
            async with http.get(f"/v1/subjects/{PERSON.code}/records", headers=KEY) as r:
                result.append(r.status)
        return result

    first = await statuses()
    assert first == await statuses()
    assert set(first) == {200, 503}


async def test_timeout_rate_hangs_longer_than_the_client_waits(
    http: aiohttp.ClientSession,
) -> None:
    await _knobs(http, timeout_rate=1)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        async with http.post(
            BATCH,
            json={"codes": [PERSON.code]},
            headers=KEY,
            timeout=aiohttp.ClientTimeout(total=0.3),
        ):
            pass
    assert time.monotonic() - started < 2
    assert (await _stats(http))["in_flight"] == 1  # still hanging; ends at shutdown


async def test_malformed_rate_answers_200_with_a_broken_body(
    http: aiohttp.ClientSession,
) -> None:
    path = f"/v1/subjects/{PERSON.code}/records"
    async with http.get(path, headers=KEY) as response:
        good = await response.read()
    await _knobs(http, malformed_rate=1)
    bodies = set()
    for _ in range(10):
        async with http.get(path, headers=KEY) as response:
            assert response.status == 200
            bodies.add(await response.read())
    assert len(bodies) >= 3  # truncated, garbage, wrong shape, incomplete records
    assert good not in bodies


async def test_rate_limit_answers_429_with_retry_after(http: aiohttp.ClientSession) -> None:
    await _knobs(http, rate_limit_per_s=2)
    statuses, waits = [], []
    for _ in range(3):
        async with http.post(BATCH, json={"codes": []}, headers=KEY) as response:
            statuses.append(response.status)
            waits.append(response.headers.get("Retry-After"))
    assert statuses == [200, 200, 429]  # a burst of 2, then limited
    assert waits[2] == "1"


async def test_knobs_are_read_and_validated(http: aiohttp.ClientSession) -> None:
    assert (await _knobs(http, latency_ms=5))["latency_ms"] == 5.0
    async with http.get("/_knobs") as response:
        knobs = await response.json()
    assert knobs == {**Knobs(seed=3).as_json(), "latency_ms": 5.0}
    for bad in ({"error_rate": 2}, {"colour": 1}, {"seed": 1.5}, {"latency_ms": "x"}, [1]):
        async with http.post("/_knobs", json=bad) as response:
            assert response.status == 400
    with pytest.raises(ValueError, match="timeout_rate"):
        Knobs(timeout_rate=-0.1)


def test_the_token_bucket_refills_at_its_rate() -> None:
    now = [0.0]
    bucket = TokenBucket(1.0, clock=lambda: now[0])
    assert bucket.take() is None
    assert bucket.take() == pytest.approx(1.0)
    now[0] = 0.5
    assert bucket.take() == pytest.approx(0.5)
    now[0] = 1.0
    assert bucket.take() is None
    assert TokenBucket(0).take() is None  # 0: unlimited


def test_cli_flags_set_the_knobs() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(["--port", "9100", "--error-rate", "0.2", "--seed", "5"])
    assert (args.host, args.port, args.api_key) == ("127.0.0.1", 9100, DEMO_API_KEY)
    assert knobs_from_args(args) == Knobs(error_rate=0.2, seed=5)
    assert run_from_args(parser.parse_args(["--malformed-rate", "3"])) == 2
