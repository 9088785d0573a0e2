"""Keys generated once per run, a fake clock, and a real JWKS server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from tests.auth.tokens import ec_private, rsa_private


@pytest.fixture(scope="session")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa_private()


@pytest.fixture(scope="session")
def rsa_key2() -> rsa.RSAPrivateKey:
    return rsa_private()


@pytest.fixture(scope="session")
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec_private()


@pytest.fixture(scope="session")
def ec_key2() -> ec.EllipticCurvePrivateKey:
    return ec_private()


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


class JwksServer:
    """Serves ``keys`` as a JWKS and counts the requests it receives."""

    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.status = 200
        self.body: str | None = None  # when set, served instead of the keys
        self.requests = 0
        self.url = ""
        self.redirect_url = ""

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.requests += 1
        if self.status != 200:
            return web.Response(status=self.status, text="upstream trouble")
        if self.body is not None:
            return web.Response(text=self.body, content_type="application/json")
        return web.json_response({"keys": self.keys}, content_type="application/jwk-set+json")

    async def redirect(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(self.url)


@pytest.fixture
async def jwks_server() -> AsyncIterator[JwksServer]:
    server = JwksServer()
    app = web.Application()
    app.router.add_get("/jwks.json", server.handle)
    app.router.add_get("/moved", server.redirect)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    server.url = f"http://127.0.0.1:{port}/jwks.json"
    server.redirect_url = f"http://127.0.0.1:{port}/moved"
    try:
        yield server
    finally:
        await runner.cleanup()
