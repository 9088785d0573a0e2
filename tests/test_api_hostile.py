"""Whatever a client sends, the answer is JSON with coded errors, never a 5xx.

Property-based (hypothesis, bounded in count and time) over methods, headers,
bodies and documents, sent raw with http.client to a gateway on its own thread.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
import uvicorn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.kinds import load_config
from demo.examples import ADVERSE_COMPANY
from gateway.auth.minting import mint
from gateway.config.loader import PROJECT_ROOT, GatewayConfig
from service.app import create_app
from service.http.serving import uvicorn_options
from tests.conftest import NOW

# Words that only a leaked Python exception would put in a message.
PYTHON_WORDS = (
    "Traceback",
    "NoneType",
    "object has no attribute",
    "not supported between",
    "invalid literal",
    "Expecting value",
    "recursion",
    "Exception",
    "unexpected keyword",
    "codec can't",
)


@dataclass(frozen=True)
class Address:
    host: str
    port: int


@pytest.fixture
def threaded_gateway(demo_config: GatewayConfig) -> Iterator[Address]:
    """The gateway under uvicorn on its own thread and event loop."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(demo_config, clock=lambda: NOW)
    config = uvicorn.Config(
        app, log_level="critical", lifespan="on", **uvicorn_options(demo_config.settings.limits)
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the gateway did not start"
        time.sleep(0.02)
    yield Address("127.0.0.1", port)
    server.should_exit = True
    thread.join(10)
    sock.close()


def exchange(
    address: Address, method: str, path: str, headers: dict[str, str], body: bytes
) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection(address.host, address.port, timeout=20)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, response.getheader("content-type", ""), response.read()
    finally:
        connection.close()


SHIPPED_AUTH = load_config(PROJECT_ROOT / "config").auth
TOKENS = [
    "Bearer " + mint(SHIPPED_AUTH, "subject", ADVERSE_COMPANY.code),
    "Bearer " + mint(SHIPPED_AUTH, "institution", "91330000MA27XX0C6N", name="b"),
    "Bearer " + mint(SHIPPED_AUTH, "gov_unit", "11330100002489176N", duties=["PUBLIC_PROCUREMENT"]),
]


def check_answer(status: int, content_type: str, raw: bytes) -> dict[str, Any]:
    assert status < 500, (status, raw[:300])
    assert "json" in content_type, (status, content_type, raw[:300])
    payload = json.loads(raw)
    assert isinstance(payload, dict)
    errors = payload.get("errors", [])
    if status >= 400:
        assert errors, payload
        assert "data" not in payload
    for error in errors:
        assert isinstance(error.get("extensions", {}).get("code"), str), error
        assert error["extensions"]["code"] != "INTERNAL_SERVER_ERROR", error
        message = error["message"]
        assert "Did you mean" not in message, message
        assert not any(word in message for word in PYTHON_WORDS), message
    return payload


WORDS = st.sampled_from(
    [
        "{",
        "}",
        "(",
        ")",
        ":",
        "...",
        "$c",
        "$c: String!",
        "query",
        "mutation",
        "fragment",
        "on",
        "Query",
        "Subject",
        "subject",
        "subjects",
        "code",
        "name",
        "records",
        "edges",
        "node",
        "item",
        "first",
        "after",
        "codes",
        "__typename",
        "__schema",
        "types",
        "__type",
        "@skip(if: true)",
        "@include(if: $c)",
        "F",
        "...F",
        "a:",
        '"x"',
        f'"{ADVERSE_COMPANY.code}"',
        "[",
        "]",
        "1",
        "-1",
        "1e999",
        "null",
        "true",
        "=",
        "#",
        "\\u0000",
        "\udcff",
        "😀",
        "searchSubjects",
        "catalogue",
        "openness",
        "PUBLIK",
    ]
)
SIGNED_IN = st.sampled_from(
    [
        '{ me { queryLog(after: "%s") { edges { cursor } } } }',
        "{ me { queryLog(first: %s) { edges { cursor } } } }",
        '{ subject(code: "%s") { records(after: "x", first: 3) { totalCount } } }',
        'mutation { grantConsent(input: {grantee: "91330000MA27XX0C6N", purpose: "02", '
        'categories: [ADVERSE], validFrom: "%s", validUntil: "9999-12-31T00:00:00Z"}) { token } }',
        'mutation { revokeConsent(id: "%s") { status } }',
        'mutation { declare(input: {kind: COMMITMENT, title: "%s", content: "c"}) { id } }',
        '{ searchSubjects(name: "%s") { edges { cursor } } }',
    ]
)
ODD = st.sampled_from(
    ["", "bm9wZQ==", "9" * 30, "-1", "0", "9999-12-30T00:00:00Z", "x" * 300, "\u0000ab", "杭州"]
)
DOCUMENTS = st.lists(WORDS, max_size=40).map(" ".join) | st.builds(
    lambda template, odd: template % odd, SIGNED_IN, ODD
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
PAYLOADS = st.fixed_dictionaries(
    {},
    optional={
        "query": DOCUMENTS | JSON_VALUES,
        "operationName": st.none() | st.text(max_size=10) | JSON_VALUES,
        "variables": st.none()
        | st.dictionaries(st.sampled_from(["c", "x"]), JSON_VALUES)
        | JSON_VALUES,
        "extensions": st.none()
        | st.fixed_dictionaries(
            {},
            optional={
                "persistedQuery": JSON_VALUES,
                "consentTokens": JSON_VALUES,
            },
        )
        | JSON_VALUES,
    },
)
ENCODED = PAYLOADS.map(lambda p: json.dumps(p, ensure_ascii=False).encode("utf-8", "surrogatepass"))
BODIES = (
    ENCODED
    | ENCODED.flatmap(lambda b: st.integers(0, len(b)).map(lambda n: b[:n]))  # cut short
    | JSON_VALUES.map(lambda v: json.dumps(v).encode())
    | st.binary(max_size=200)
)
ACCEPTS = st.sampled_from(
    [
        "",
        "application/json",
        "application/graphql-response+json",
        "*/*",
        "text/html",
        "text/plain",
        "application/*",
        "application/json;q=0",
        "application/json;q=x, */*;q=0.1",
        "application/graphql-response+json, application/json;q=0.9",
        ";;;",
        "\u00e9",
    ]
)
CONTENT_TYPES = st.just("application/json") | st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/json; charset=latin1",
        "text/plain",
        "application/graphql",
        "multipart/form-data",
        "",
        "application/json;;",
    ]
)
HEADER_VALUES = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60)
CREDENTIALS = st.fixed_dictionaries(
    {},
    optional={
        "Authorization": st.sampled_from(["Bearer", "Bearer x.y.z", "Basic Zm9v", *TOKENS])
        | HEADER_VALUES,
        "X-Consent-Token": HEADER_VALUES,
        "X-Query-Purpose": HEADER_VALUES,
        "X-Duty-Matter": HEADER_VALUES,
        "Origin": st.sampled_from(["https://evil.example", "null"]),
        "Access-Control-Request-Method": st.sampled_from(["POST", "DELETE"]),
    },
)


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    method=st.sampled_from(["POST", "POST", "POST", "GET", "PUT", "OPTIONS", "DELETE"]),
    accept=ACCEPTS,
    content_type=CONTENT_TYPES,
    credentials=CREDENTIALS,
    body=BODIES,
    query=DOCUMENTS,
)
def test_every_answer_is_coded_json_and_never_a_5xx(
    threaded_gateway: Address,
    method: str,
    accept: str,
    content_type: str,
    credentials: dict[str, str],
    body: bytes,
    query: str,
) -> None:
    headers = {"Accept": accept, "Content-Type": content_type, **credentials}
    path = "/graphql"
    if method == "GET":
        path += "?" + urlencode({"query": query}, errors="surrogatepass")
        body = b""
    status, content_type_got, raw = exchange(threaded_gateway, method, path, headers, body)
    if accept == "text/html" and method == "GET" and "html" in content_type_got:
        return  # GraphiQL, for a browser
    check_answer(status, content_type_got, raw)


def test_still_serving_after_the_hostile_corpus(threaded_gateway: Address) -> None:
    hostile = [
        b'{"query": "{", "variables": {}}',
        b"\xff\xfe\xfd",
        b'"str"',
        b"null",
        b"[" * 5000 + b"]" * 5000,
        b'{"query": "' + b"{a" * 3000 + b"}" * 3000 + b'"}',
    ]
    for body in hostile:
        check_answer(
            *exchange(
                threaded_gateway, "POST", "/graphql", {"Content-Type": "application/json"}, body
            )
        )
    query = json.dumps({"query": f'{{ subject(code: "{ADVERSE_COMPANY.code}") {{ name }} }}'})
    status, content_type, raw = exchange(
        threaded_gateway, "POST", "/graphql", {"Content-Type": "application/json"}, query.encode()
    )
    payload = check_answer(status, content_type, raw)
    assert payload["data"]["subject"]["name"] == ADVERSE_COMPANY.name
