"""Bad input and failing sources, end to end over HTTP.

Every error has a stable ``extensions.code``; a failing source costs only its
own records, and nothing else is lost.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from gateway.config.settings import Limits
from service.app import create_app
from tests.adapters import sql_fixture as fx
from tests.gateway_config import fixture_source, gateway_config
from tests.server import Client, serve

RECORDS = "{ code name records { totalCount edges { node { id item { code } } } } }"


@pytest.fixture
async def provider_url(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'provider.db'}"
    engine = create_async_engine(url)
    await fx.populate(engine)
    await engine.dispose()
    return url


@pytest.fixture
async def client(provider_url: str, tmp_path: Path) -> AsyncIterator[Client]:
    missing = f"sqlite+aiosqlite:///file:{tmp_path / 'gone.db'}?mode=ro&uri=true"
    config = gateway_config(
        [fixture_source(provider_url), fixture_source(missing, "court")],
        limits=Limits(max_batch=3, max_depth=6),
    )
    async with serve(create_app(config)) as client:
        yield client


async def test_unreachable_source_gives_partial_data_and_names_it(client: Client) -> None:
    body = await client.query(f'{{ subject(code: "{fx.ACME}") {RECORDS} }}')
    subject = body["data"]["subject"]
    assert subject["name"] == fx.NAMES[fx.ACME]
    assert {e["node"]["id"] for e in subject["records"]["edges"]} == {
        "provider:qy_djxx:1",
        "provider:xzcf_xx:11",
    }
    [error] = body["errors"]
    assert error["extensions"] == {"code": "SOURCE_UNAVAILABLE", "source": "court"}
    assert "court" in error["message"]
    assert "sqlite" not in error["message"].lower()
    assert "gone.db" not in error["message"]


async def test_wrong_check_digit_says_which(client: Client) -> None:
    body = await client.query('{ subject(code: "91350100M000100Y42") { code } }')
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "wrong check digit" in error["message"]
    assert body["data"] == {"subject": None}


async def test_wrong_length_says_which(client: Client) -> None:
    body = await client.query('{ subject(code: "9135010") { code } }')
    assert "it has 7 characters" in body["errors"][0]["message"]


async def test_batch_over_the_limit_names_the_limit(client: Client) -> None:
    codes = [fx.ACME, fx.BETA, fx.GAMMA_LP, fx.PERSON]
    body = await client.query(
        "query($codes: [String!]!) { subjects(codes: $codes) { code } }", {"codes": codes}
    )
    [error] = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "codes", "limit": 3}
    assert "At most 3 subject codes per request" in error["message"]


async def test_the_batch_limit_counts_every_code_in_the_request(client: Client) -> None:
    """30 aliases of a 3-code batch do not make a 90-code request (001 art. 40)."""
    codes = [fx.ACME, fx.BETA, fx.GAMMA_LP]
    aliases = " ".join(f"a{i}: subjects(codes: $codes) {{ code }}" for i in range(30))
    body = await client.query(f"query($codes: [String!]!) {{ {aliases} }}", {"codes": codes})
    # `subjects` is a non-null list, so the refusal takes the whole answer with it.
    assert body["data"] is None
    refused = [e for e in body["errors"] if e["extensions"]["code"] == "BAD_USER_INPUT"]
    assert refused
    assert {e["extensions"]["limit"] for e in refused} == {3}
    alone = await client.query(
        "query($codes: [String!]!) { subjects(codes: $codes) { code } }", {"codes": codes}
    )
    assert [s["code"] for s in alone["data"]["subjects"]] == codes
    singles = " ".join(f's{i}: subject(code: "{fx.ACME}") {{ code }}' for i in range(4))
    body = await client.query(f"{{ {singles} }}")
    assert [body["data"][f"s{i}"] is None for i in range(4)] == [False, False, False, True]
    [error] = [e for e in body["errors"] if e["extensions"]["code"] == "BAD_USER_INPUT"]
    assert (error["path"], error["extensions"]["limit"]) == (["s3"], 3)


async def test_a_long_list_of_unknown_items_is_one_error(client: Client) -> None:
    query = 'query($i: [String!]) { subject(code: "%s") { records(items: $i) { totalCount } } }'
    items = [f"X{i}" for i in range(5000)] + ["PENALTY"]
    body = await client.query(query % fx.ACME, {"i": items})
    [error] = [e for e in body["errors"] if e["extensions"]["code"] == "BAD_USER_INPUT"]
    assert "and 4995 more" in error["message"]
    assert body["data"]["subject"]["records"]["totalCount"] == 1


async def test_one_bad_code_in_a_batch_loses_nothing_else(client: Client) -> None:
    body = await client.query(
        "query($codes: [String!]!) { subjects(codes: $codes) { code name } }",
        {"codes": [fx.ACME, "91350100M000100Y42", fx.BETA]},
    )
    assert [s and s["code"] for s in body["data"]["subjects"]] == [fx.ACME, None, fx.BETA]
    bad = [e for e in body["errors"] if e["extensions"]["code"] == "BAD_USER_INPUT"]
    assert len(bad) == 1
    assert bad[0]["path"] == ["subjects", 1]
    assert bad[0]["extensions"]["argument"] == "codes[1]"


async def test_malformed_query_is_a_validation_error_without_suggestions(client: Client) -> None:
    _status, body = await client.post('{ subject(code: "x") { nmae } }')
    [error] = body["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "Did you mean" not in error["message"]


async def test_bad_cursor_is_bad_input(client: Client) -> None:
    body = await client.query(
        f'{{ subject(code: "{fx.ACME}") {{ records(after: "bm9wZQ==") {{ totalCount }} }} }}'
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_operations_deeper_than_the_limit_are_refused(client: Client) -> None:
    deep = '{ subject(code: "%s") { records { edges { node { item { fields { key } } } } } } }'
    body = await client.query(deep % fx.ACME)
    [error] = body["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert error["message"] == "The operation nests fields 7 deep; the limit is 6."
    assert error["extensions"] == {
        "code": "GRAPHQL_VALIDATION_FAILED",
        "limit": "depth",
        "max": 6,
    }
    assert body.get("data") is None


async def test_introspection_can_be_switched_off(provider_url: str) -> None:
    config = gateway_config([fixture_source(provider_url)])
    config = replace(
        config,
        settings=replace(
            config.settings, server=replace(config.settings.server, introspection=False)
        ),
    )
    async with serve(create_app(config)) as client:
        body = await client.query("{ __schema { types { name } } }")
        ordinary = await client.query(f'{{ subject(code: "{fx.ACME}") {{ name }} }}')
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert ordinary["data"]["subject"]["name"] == fx.NAMES[fx.ACME]
