"""Revocation holds on the very next request on every gateway process (issue 3).

Two real gateways share one store: this test process and a `credit-gateway
serve` subprocess. A consent revoked through one stops working on the other.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from demo.examples import PERSON
from gateway.config.loader import PROJECT_ROOT, GatewayConfig
from service.app import create_app
from tests import viewers
from tests.server import Client, serve

FILE = (
    f'{{ subject(code: "{PERSON.code}") '
    "{ records { edges { node { item { code } } } } } }"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def second_gateway(store_url: str, demo_data: Path) -> Iterator[str]:
    port = _free_port()
    env = os.environ | {"CREDIT_GATEWAY_STORE_URL": store_url}
    command = [
        sys.executable,
        "-m",
        "service.cli",
        "--config",
        str(PROJECT_ROOT / "config"),
        "--data",
        str(demo_data),
        "serve",
        "--port",
        str(port),
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        process.terminate()
        process.wait(timeout=10)


async def _wait_until_up(url: str, session: aiohttp.ClientSession) -> None:
    for _ in range(200):
        try:
            async with session.get(url.replace("/graphql", "/healthz")) as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.05)
    raise AssertionError("the second gateway did not start within 10 s")


def _items(body: dict[str, object]) -> list[str]:
    data = body["data"]
    assert isinstance(data, dict)
    edges = data["subject"]["records"]["edges"]
    return sorted(e["node"]["item"]["code"] for e in edges)


async def test_revocation_is_seen_by_a_second_process(
    demo_config: GatewayConfig,
    store_url: str,
    second_gateway: str,
) -> None:
    settings = replace(demo_config.settings, store_url=store_url)
    config = replace(demo_config, settings=settings)
    auth = config.auth
    async with serve(create_app(config)) as first, aiohttp.ClientSession() as session:
        await _wait_until_up(second_gateway, session)
        second = Client(session, second_gateway)
        granted = await first.query(
            "mutation($input: GrantConsentInput!) { grantConsent(input: $input) "
            "{ token consent { id } } }",
            {
                "input": {
                    "grantee": viewers.BANK,
                    "purpose": "02",
                    "items": ["REGISTRATION_PERSON"],
                    "validUntil": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
                }
            },
            viewers.subject(auth),
        )
        token = granted["data"]["grantConsent"]["token"]
        bank = viewers.bank(auth, token)
        assert "REGISTRATION_PERSON" in _items(await second.query(FILE, headers=bank))

        await first.query(
            "mutation($id: ID!) { revokeConsent(id: $id) { status } }",
            {"id": granted["data"]["grantConsent"]["consent"]["id"]},
            viewers.subject(auth),
        )
        after = await second.query(FILE, headers=bank)
        assert _items(after) == ["JUDGMENT_DEFAULTER"]
        assert "revoked" in after["errors"][0]["message"]


async def test_an_objection_filed_on_one_process_annotates_the_record_on_the_other(
    demo_config: GatewayConfig,
    store_url: str,
    second_gateway: str,
) -> None:
    """000 art. 46: annotated from the moment it is filed, for every viewer, whichever
    gateway process the viewer reaches."""
    settings = replace(demo_config.settings, store_url=store_url)
    config = replace(demo_config, settings=settings)
    query = (
        f'{{ subject(code: "{PERSON.code}") '
        "{ records { edges { node { id underObjection } } } } }"
    )
    async with serve(create_app(config)) as first, aiohttp.ClientSession() as session:
        await _wait_until_up(second_gateway, session)
        second = Client(session, second_gateway)
        before = await second.query(query)  # the second process has read the marks
        (node,) = [e["node"] for e in before["data"]["subject"]["records"]["edges"]]
        assert node["underObjection"] is False
        filed = await first.query(
            "mutation($input: FileObjectionInput!) { fileObjection(input: $input) { status } }",
            {"input": {"recordId": node["id"], "reason": "已全部履行"}},
            viewers.subject(config.auth),
        )
        assert filed["data"]["fileObjection"]["status"] == "ANNOTATED", filed
        after = await second.query(query)
        (node,) = [e["node"] for e in after["data"]["subject"]["records"]["edges"]]
        assert node["underObjection"] is True
