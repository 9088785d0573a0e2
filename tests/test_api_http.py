"""GraphQL over HTTP end to end: media types, statuses, limits, CORS, persisted operations.

Every answer is JSON with a stable ``extensions.code``; none is a 5xx.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import replace
from typing import Any

import pytest

from demo.examples import ADVERSE_COMPANY
from gateway.config.loader import GatewayConfig
from gateway.config.settings import Documents
from service.app import create_app
from tests import viewers
from tests.conftest import NOW
from tests.server import Client, serve

GQL = "application/graphql-response+json"
NAME = f'{{ subject(code: "{ADVERSE_COMPANY.code}") {{ name }} }}'


async def send(
    client: Client,
    method: str = "POST",
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    *,
    path: str = "/graphql",
    params: Mapping[str, str] | None = None,
) -> tuple[int, Mapping[str, str], dict[str, Any]]:
    """One raw request; the answer must be JSON with a code on every error."""
    url = client.url.removesuffix("/graphql") + path
    async with client.session.request(
        method, url, data=body, headers=dict(headers or {}), params=params
    ) as response:
        raw = await response.read()
        content_type = response.headers.get("content-type", "")
        assert "json" in content_type, (response.status, content_type, raw[:200])
        payload = json.loads(raw)
        for error in payload.get("errors", []):
            assert isinstance(error["extensions"]["code"], str), error
            assert "Did you mean" not in error["message"]
        assert response.status < 500, payload
        return response.status, response.headers, payload


def post_json(
    payload: object, accept: str | None = None, **headers: str
) -> tuple[bytes, dict[str, str]]:
    sent = {"content-type": "application/json", **headers}
    if accept is not None:
        sent["accept"] = accept
    return json.dumps(payload).encode(), sent


def codes(payload: Mapping[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in payload.get("errors", [])]


# --- media types and statuses -------------------------------------------------


async def test_graphql_response_media_type_when_accepted(gateway: Client) -> None:
    body, headers = post_json({"query": NAME}, GQL)
    status, answer_headers, payload = await send(gateway, body=body, headers=headers)
    assert status == 200
    assert answer_headers["content-type"] == f"{GQL}; charset=utf-8"
    assert payload["data"]["subject"]["name"] == ADVERSE_COMPANY.name


async def test_legacy_json_when_asked_or_when_accept_is_missing(gateway: Client) -> None:
    for accept in (None, "application/json", "*/*", f"{GQL};q=0.5, application/json"):
        body, headers = post_json({"query": NAME}, accept)
        status, answer_headers, _ = await send(gateway, body=body, headers=headers)
        assert status == 200
        assert answer_headers["content-type"].startswith("application/json"), accept


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{", "GRAPHQL_PARSE_FAILED"),
        ("{ nosuchfield }", "GRAPHQL_VALIDATION_FAILED"),
        ('{ subject(cod: "x") { name } }', "GRAPHQL_VALIDATION_FAILED"),
    ],
)
async def test_request_errors_are_400_without_data_under_graphql_response_json(
    gateway: Client, query: str, code: str
) -> None:
    body, headers = post_json({"query": query}, GQL)
    status, _, payload = await send(gateway, body=body, headers=headers)
    assert (status, set(codes(payload))) == (400, {code})
    assert "data" not in payload
    body, headers = post_json({"query": query}, "application/json")
    status, _, payload = await send(gateway, body=body, headers=headers)
    assert (status, set(codes(payload))) == (200, {code})


async def test_variables_that_do_not_coerce_are_bad_user_input(gateway: Client) -> None:
    query = "query($code: String!) { subject(code: $code) { name } }"
    for variables in ({"code": None}, {"code": 7}, {}):
        body, headers = post_json({"query": query, "variables": variables}, GQL)
        status, _, payload = await send(gateway, body=body, headers=headers)
        assert (status, codes(payload)) == (400, ["BAD_USER_INPUT"]), variables
        assert "data" not in payload


async def test_no_suggestions_for_fields_arguments_types_or_enum_values(gateway: Client) -> None:
    for query in (
        '{ subject(code: "x") { nmae } }',
        '{ subject(cde: "x") { name } }',
        "query($c: Strin!) { subject(code: $c) { name } }",
        "{ catalogue(openness: PUBLIK) { code } }",
        '{ subject(code: "x") }',
    ):
        body, headers = post_json({"query": query})
        _, _, payload = await send(gateway, body=body, headers=headers)
        assert set(codes(payload)) == {"GRAPHQL_VALIDATION_FAILED"}, query
    body, headers = post_json(
        {
            "query": "query($o: Openness) { catalogue(openness: $o) { code } }",
            "variables": {"o": "PUBLIK"},
        }
    )
    _, _, payload = await send(gateway, body=body, headers=headers)
    assert codes(payload) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (b'{"query": "{ __typename }"', "application/json", 400, "BAD_REQUEST"),
        (b"\xff\xfe{}", "application/json", 400, "BAD_REQUEST"),
        (b'"str"', "application/json", 400, "BAD_REQUEST"),
        (b"null", "application/json", 400, "BAD_REQUEST"),
        (b"true", "application/json", 400, "BAD_REQUEST"),
        (b"[]", "application/json", 400, "BAD_REQUEST"),
        (b'[{"query": "{ __typename }"}]', "application/json", 400, "BAD_REQUEST"),
        (b"", "application/json", 400, "BAD_REQUEST"),
        (b'{"query": 1}', "application/json", 400, "BAD_REQUEST"),
        (b'{"query": "{ __typename }", "variables": "x"}', "application/json", 400, "BAD_REQUEST"),
        (b'{"query": "{ __typename }", "extensions": []}', "application/json", 400, "BAD_REQUEST"),
        (b'{"qeury": "{ __typename }"}', "application/json", 400, "BAD_REQUEST"),
        (b'{"query": "{ __typename }"}', "text/plain", 415, "UNSUPPORTED_MEDIA_TYPE"),
        (
            b'{"query": "{ __typename }"}',
            "application/json; charset=latin-1",
            415,
            "UNSUPPORTED_MEDIA_TYPE",
        ),
    ],
)
async def test_malformed_bodies_are_coded_4xx(
    gateway: Client, body: bytes, content_type: str, status: int, code: str
) -> None:
    for accept in ("application/json", GQL):
        got, _, payload = await send(
            gateway, body=body, headers={"content-type": content_type, "accept": accept}
        )
        assert (got, codes(payload)) == (status, [code])
        assert "data" not in payload


async def test_get_runs_queries_and_refuses_mutations(gateway: Client) -> None:
    status, _, payload = await send(gateway, "GET", headers={"accept": GQL}, params={"query": NAME})
    assert status == 200
    assert payload["data"]["subject"]["name"] == ADVERSE_COMPANY.name
    mutation = 'mutation { revokeConsent(id: "x") { status } }'
    status, headers, payload = await send(
        gateway, "GET", headers={"accept": GQL}, params={"query": mutation}
    )
    assert (status, codes(payload), headers["allow"]) == (405, ["METHOD_NOT_ALLOWED"], "POST")


async def test_subscriptions_are_refused_as_a_request_error(gateway: Client) -> None:
    body, headers = post_json({"query": "subscription { __typename }"}, GQL)
    status, _, payload = await send(gateway, body=body, headers=headers)
    assert (status, codes(payload)) == (400, ["GRAPHQL_VALIDATION_FAILED"])


async def test_a_request_that_never_ran_carries_no_consent_notices(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    bank = viewers.bank(demo_config.auth, "not-a-consent-token")
    body, headers = post_json({"query": "{ nosuchfield }"}, GQL, **bank)
    status, _, payload = await send(gateway, body=body, headers=headers)
    assert (status, codes(payload)) == (400, ["GRAPHQL_VALIDATION_FAILED"])
    assert "data" not in payload
    body, headers = post_json({"query": NAME}, GQL, **bank)
    status, _, payload = await send(gateway, body=body, headers=headers)
    assert (status, codes(payload)) == (200, ["CONSENT_REQUIRED"])  # it ran: now it is told


async def test_get_variables_are_json_text(gateway: Client) -> None:
    params = {
        "query": "query($c: String!) { subject(code: $c) { name } }",
        "variables": json.dumps({"c": ADVERSE_COMPANY.code}),
    }
    status, _, payload = await send(gateway, "GET", params=params)
    assert (status, payload["data"]["subject"]["name"]) == (200, ADVERSE_COMPANY.name)
    status, _, payload = await send(gateway, "GET", params={**params, "variables": "{"})
    assert (status, codes(payload)) == (400, ["BAD_REQUEST"])


async def test_other_methods_paths_and_accepts_are_coded(gateway: Client) -> None:
    status, headers, payload = await send(gateway, "PUT", body=b"{}")
    assert (status, codes(payload), headers["allow"]) == (405, ["METHOD_NOT_ALLOWED"], "GET, POST")
    status, _, payload = await send(gateway, "GET", path="/nowhere")
    assert (status, codes(payload)) == (404, ["NOT_FOUND"])
    status, _, payload = await send(gateway, "POST", path="/healthz")
    assert (status, codes(payload)) == (405, ["METHOD_NOT_ALLOWED"])
    body, headers = post_json({"query": NAME}, "text/csv")
    status, _, payload = await send(gateway, body=body, headers=headers)
    assert (status, codes(payload)) == (406, ["NOT_ACCEPTABLE"])


# --- size limits ----------------------------------------------------------------


async def test_a_document_over_its_limit_is_413_and_never_registered(gateway: Client) -> None:
    document = "{ __typename }" + " " * 70_000
    body, headers = post_json({"query": document, "extensions": persisted(document)}, GQL)
    status, _, payload = await send(gateway, body=body, headers=headers)
    assert (status, codes(payload)) == (413, ["PAYLOAD_TOO_LARGE"])
    body, headers = post_json({"extensions": persisted(document)}, GQL)
    status, _, payload = await send(gateway, body=body, headers=headers)
    assert codes(payload) == ["PERSISTED_QUERY_NOT_FOUND"]


async def test_only_the_publics_get_answers_may_be_cached(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    _, headers, _ = await send(gateway, "GET", params={"query": NAME})
    assert headers["cache-control"] == "public, max-age=30"
    assert "Authorization" in headers["vary"]
    unit = viewers.gov(demo_config.auth)
    _, headers, _ = await send(gateway, "GET", headers=unit, params={"query": NAME})
    assert headers["cache-control"] == "no-store"
    body, sent = post_json({"query": NAME})
    _, headers, _ = await send(gateway, body=body, headers=sent)
    assert headers["cache-control"] == "no-store"


async def test_a_body_over_the_limit_is_413_without_reading_it_whole(gateway: Client) -> None:
    huge = b'{"query": "' + b" " * 1_100_000 + b'{ __typename }"}'
    status, _, payload = await send(
        gateway, body=huge, headers={"content-type": "application/json"}
    )
    assert (status, codes(payload)) == (413, ["PAYLOAD_TOO_LARGE"])

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(20):
            yield b" " * 100_000

    async with gateway.session.post(
        gateway.url, data=chunks(), headers={"content-type": "application/json"}
    ) as response:
        assert response.status == 413
        assert codes(await response.json()) == ["PAYLOAD_TOO_LARGE"]


async def test_headers_over_the_limit_are_431(gateway: Client) -> None:
    body, headers = post_json({"query": NAME})
    many = {f"x-filler-{i}": "v" * 1000 for i in range(40)}
    status, _, payload = await send(gateway, body=body, headers={**headers, **many})
    assert (status, codes(payload)) == (431, ["HEADERS_TOO_LARGE"])
    few = {f"x-filler-{i}": "v" * 1000 for i in range(20)}
    status, _, _ = await send(gateway, body=body, headers={**headers, **few})
    assert status == 200


async def test_about_90_consent_tokens_fit_in_a_header(gateway: Client) -> None:
    """README: a consent token is ~340 bytes; 32 KiB of headers hold about 90."""
    token = "e" * 337  # the length of a real one
    body, headers = post_json({"query": NAME})
    for count, expected in ((90, 401), (100, 431)):
        consents = {"X-Consent-Token": ", ".join([token] * count)}
        status, _, _ = await send(gateway, body=body, headers={**headers, **consents})
        assert status == expected, count  # 401: not real tokens, but not too large either


# --- hostile documents ------------------------------------------------------------


def fragment_bomb(depth: int) -> str:
    """Each fragment spreads the next twice: 2^depth fields once expanded."""
    fragments = [
        f"fragment F{i} on Query {{ a{i}: __typename ...F{i + 1} ...F{i + 1} }}"
        for i in range(depth)
    ]
    fragments.append(f"fragment F{depth} on Query {{ __typename }}")
    return "{ ...F0 } " + " ".join(fragments)


def fragment_cycle(length: int) -> str:
    fragments = [
        f"fragment F{i} on Query {{ __typename ...F{(i + 1) % length} }}" for i in range(length)
    ]
    return "{ ...F0 } " + " ".join(fragments)


@pytest.fixture
async def roomy_gateway(demo_config: GatewayConfig) -> AsyncIterator[Client]:
    """A token limit high enough that hostile documents reach the operation limits."""
    limits = replace(demo_config.settings.limits, max_tokens=50_000)
    config = replace(demo_config, settings=replace(demo_config.settings, limits=limits))
    async with serve(create_app(config, clock=lambda: NOW)) as client:
        yield client


@pytest.mark.parametrize(
    ("document", "limit"),
    [
        (fragment_bomb(21), "fields"),
        (fragment_bomb(30), "fields"),
        (fragment_cycle(500), "fragment_cycle"),
    ],
    ids=["bomb-21", "bomb-30", "cycle-500"],
)
async def test_hostile_documents_are_refused_while_health_answers(
    roomy_gateway: Client, document: str, limit: str
) -> None:
    body, headers = post_json({"query": document})
    started = time.perf_counter()
    request = asyncio.create_task(send(roomy_gateway, body=body, headers=headers))
    health_status, _, _ = await send(roomy_gateway, "GET", path="/healthz")
    status, _, payload = await request
    elapsed = time.perf_counter() - started
    assert health_status == 200
    assert status == 200
    assert set(codes(payload)) == {"GRAPHQL_VALIDATION_FAILED"}
    limits = {error["extensions"]["limit"] for error in payload["errors"]}
    assert limit in limits
    # Not a speed goal (those live in `make bench`): exponential work would take minutes.
    assert elapsed < 5


async def test_token_limit_is_a_coded_parse_failure(gateway: Client) -> None:
    document = "{ " + " ".join("__typename" for _ in range(3000)) + " }"
    body, headers = post_json({"query": document}, GQL)
    status, _, payload = await send(gateway, body=body, headers=headers)
    assert (status, codes(payload)) == (400, ["GRAPHQL_PARSE_FAILED"])
    assert "2000 tokens" in payload["errors"][0]["message"]


async def test_bad_cursor_is_bad_user_input_not_an_internal_error(gateway: Client) -> None:
    for cursor in ("!!!", "bm9wZQ==", "", "A" * 500):
        query = '{ subject(code: "%s") { records(after: "%s") { totalCount } } }'
        body, headers = post_json({"query": query % (ADVERSE_COMPANY.code, cursor)})
        _, _, payload = await send(gateway, body=body, headers=headers)
        assert codes(payload) == ["BAD_USER_INPUT"], cursor


# --- CORS -----------------------------------------------------------------------


@pytest.fixture
async def portal_gateway(demo_config: GatewayConfig) -> AsyncIterator[Client]:
    server = replace(demo_config.settings.server, cors_origins=("https://portal.example",))
    config = replace(demo_config, settings=replace(demo_config.settings, server=server))
    async with serve(create_app(config, clock=lambda: NOW)) as client:
        yield client


async def test_cors_preflight_from_an_allowed_origin(portal_gateway: Client) -> None:
    url = portal_gateway.url
    preflight = {
        "origin": "https://portal.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type, x-consent-token",
    }
    async with portal_gateway.session.options(url, headers=preflight) as response:
        assert response.status == 200
        assert response.headers["access-control-allow-origin"] == "https://portal.example"
    body, headers = post_json({"query": NAME}, origin="https://portal.example")
    async with portal_gateway.session.post(url, data=body, headers=headers) as response:
        assert response.headers["access-control-allow-origin"] == "https://portal.example"
    status, _, payload = await send(
        portal_gateway, "OPTIONS", headers={**preflight, "origin": "https://evil.example"}
    )
    assert (status, codes(payload)) == (403, ["FORBIDDEN"])


async def test_no_cross_origin_calls_by_default(gateway: Client) -> None:
    preflight = {"origin": "https://portal.example", "access-control-request-method": "POST"}
    status, _, payload = await send(gateway, "OPTIONS", headers=preflight)
    assert (status, codes(payload)) == (403, ["FORBIDDEN"])


# --- persisted operations ----------------------------------------------------------


def persisted(document: str) -> dict[str, Any]:
    digest = hashlib.sha256(document.encode()).hexdigest()
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


async def test_apq_registers_then_runs_by_hash(gateway: Client) -> None:
    extensions = persisted(NAME)
    body, headers = post_json({"extensions": extensions}, GQL)
    status, _, payload = await send(gateway, body=body, headers=headers)
    assert (status, codes(payload), payload["errors"][0]["message"]) == (
        404,
        ["PERSISTED_QUERY_NOT_FOUND"],
        "PersistedQueryNotFound",
    )
    body, headers = post_json({"extensions": extensions})
    status, _, payload = await send(gateway, body=body, headers=headers)
    assert (status, codes(payload)) == (200, ["PERSISTED_QUERY_NOT_FOUND"])
    body, headers = post_json({"query": NAME, "extensions": extensions})
    status, _, payload = await send(gateway, body=body, headers=headers)
    assert payload["data"]["subject"]["name"] == ADVERSE_COMPANY.name
    body, headers = post_json({"extensions": extensions}, GQL)
    status, _, payload = await send(gateway, body=body, headers=headers)
    assert (status, payload["data"]["subject"]["name"]) == (200, ADVERSE_COMPANY.name)
    status, _, payload = await send(gateway, "GET", params={"extensions": json.dumps(extensions)})
    assert (status, payload["data"]["subject"]["name"]) == (200, ADVERSE_COMPANY.name)


async def test_apq_refuses_a_hash_that_is_not_the_query(gateway: Client) -> None:
    body, headers = post_json({"query": "{ __typename }", "extensions": persisted(NAME)})
    status, _, payload = await send(gateway, body=body, headers=headers)
    assert (status, codes(payload)) == (400, ["BAD_REQUEST"])
    bad = {"persistedQuery": {"version": 2, "sha256Hash": "0" * 64}}
    body, headers = post_json({"extensions": bad})
    status, _, payload = await send(gateway, body=body, headers=headers)
    assert (status, codes(payload)) == (400, ["BAD_REQUEST"])


@pytest.fixture
async def trusted_gateway(demo_config: GatewayConfig) -> AsyncIterator[Client]:
    digest = hashlib.sha256(NAME.encode()).hexdigest()
    documents = Documents(trusted_only=True)
    config = replace(
        demo_config,
        settings=replace(demo_config.settings, documents=documents),
        trusted_documents={digest: NAME},
    )
    async with serve(create_app(config, clock=lambda: NOW)) as client:
        yield client


async def test_trusted_documents_run_and_nothing_else(trusted_gateway: Client) -> None:
    body, headers = post_json({"extensions": persisted(NAME)}, GQL)
    status, _, payload = await send(trusted_gateway, body=body, headers=headers)
    assert (status, payload["data"]["subject"]["name"]) == (200, ADVERSE_COMPANY.name)
    body, headers = post_json({"query": NAME}, GQL)
    status, _, payload = await send(trusted_gateway, body=body, headers=headers)
    assert status == 200
    for query in ("{ __typename }", "{ __schema { types { name } } }"):
        body, headers = post_json({"query": query}, GQL)
        status, _, payload = await send(trusted_gateway, body=body, headers=headers)
        assert (status, codes(payload)) == (403, ["PERSISTED_QUERY_NOT_IN_LIST"])
        body, headers = post_json({"query": query, "extensions": persisted(query)}, GQL)
        status, _, payload = await send(trusted_gateway, body=body, headers=headers)
        assert (status, codes(payload)) == (403, ["PERSISTED_QUERY_NOT_IN_LIST"])
    body, headers = post_json({"extensions": persisted("{ __typename }")}, GQL)
    status, _, payload = await send(trusted_gateway, body=body, headers=headers)
    assert (status, codes(payload)) == (404, ["PERSISTED_QUERY_NOT_FOUND"])


async def test_responses_are_utf8_json_for_every_client(gateway: Client) -> None:
    async with gateway.session.post(
        gateway.url,
        data=json.dumps({"query": NAME}).encode(),
        headers={"content-type": "application/json; charset=utf-8"},
    ) as response:
        raw = await response.read()
    assert ADVERSE_COMPANY.name.encode("utf-8") in raw


async def test_odd_arguments_of_signed_in_callers_are_bad_input(
    gateway: Client, demo_config: GatewayConfig
) -> None:
    company = viewers.company(demo_config.auth)
    for query in (
        '{ me { queryLog(after: "bm9wZQ==") { edges { cursor } } } }',
        '{ me { queryLog(after: "OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5") { edges { cursor } } } }',
        '{ searchSubjects(name: "ab\\u0000") { edges { cursor } } }',
    ):
        body, headers = post_json({"query": query}, **company)
        status, _, payload = await send(gateway, body=body, headers=headers)
        assert (status, codes(payload)) == (200, ["BAD_USER_INPUT"]), query


async def test_trailing_slashes_head_and_unfinished_answers_are_not_shared(
    gateway: Client,
) -> None:
    status, _, payload = await send(gateway, "GET", path="/graphql/", params={"query": NAME})
    assert (status, codes(payload)) == (404, ["NOT_FOUND"])
    status, headers, payload = await send(gateway, "GET", params={"query": "{ nosuchfield }"})
    assert (status, headers["cache-control"]) == (200, "no-store")
    async with gateway.session.head(gateway.url, params={"query": NAME}) as response:
        assert response.status == 405  # it would run the operation for no answer
