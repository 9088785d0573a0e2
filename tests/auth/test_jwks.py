"""Keys from a JWKS URL, served by a real aiohttp server on 127.0.0.1.

Fetches are counted on the server, so caching, rotation and the refetch
rate limit are asserted by what actually went over the wire.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from gateway.auth import TokenVerifier, Unauthenticated
from gateway.auth.jwks import MIN_REFETCH_S, parse_jwks
from tests.auth.conftest import Clock, JwksServer
from tests.auth.tokens import claims, jwk, refused, settings, sign

UNAVAILABLE = "cannot verify tokens right now; try again shortly"


@asynccontextmanager
async def _verifier(
    url: str,
    clock: Clock,
    factory: Callable[[], aiohttp.ClientSession] | None = None,
    **changes: Any,
) -> AsyncIterator[TokenVerifier]:
    changes.setdefault("algorithms", ("RS256", "ES256"))
    changes.setdefault("dev_secret", None)
    verifier = TokenVerifier(settings(jwks_url=url, **changes), factory, clock=clock)
    try:
        yield verifier
    finally:
        await verifier.aclose()


def _rs256(key: rsa.RSAPrivateKey, kid: str | None, **extra: Any) -> str:
    header = {} if kid is None else {"kid": kid}
    return sign(claims(**extra), key, "RS256", **header)


async def test_token_verified_with_the_published_key(
    jwks_server: JwksServer, clock: Clock, rsa_key: rsa.RSAPrivateKey, rsa_key2: rsa.RSAPrivateKey
) -> None:
    jwks_server.keys = [jwk(rsa_key, "k1")]
    async with _verifier(jwks_server.url, clock) as verifier:
        impostor = _rs256(rsa_key2, "k1")  # right kid, wrong key
        assert await refused(verifier, impostor) == "token signature is invalid"
        assert await verifier.verify(_rs256(rsa_key, "k1"))
        assert await verifier.verify(_rs256(rsa_key, None))  # no kid: every key is tried
    assert jwks_server.requests == 1


async def test_es256_keys_are_published_too(
    jwks_server: JwksServer, clock: Clock, ec_key: ec.EllipticCurvePrivateKey
) -> None:
    jwks_server.keys = [jwk(ec_key, "ec1")]
    async with _verifier(jwks_server.url, clock) as verifier:
        assert await verifier.verify(sign(claims(), ec_key, "ES256", kid="ec1"))


async def test_keys_are_cached_then_refreshed(
    jwks_server: JwksServer, clock: Clock, rsa_key: rsa.RSAPrivateKey
) -> None:
    jwks_server.keys = [jwk(rsa_key, "k1")]
    async with _verifier(jwks_server.url, clock, jwks_cache_s=300) as verifier:
        for _ in range(7):
            await verifier.verify(_rs256(rsa_key, "k1"))
            clock.advance(59)
        assert jwks_server.requests == 2  # at 0 s, and at 354 s
        jwks_server.keys = []  # the key was withdrawn
        clock.advance(300)
        assert await refused(verifier, _rs256(rsa_key, "k1")) == "token signing key is unknown"
    assert jwks_server.requests == 3


async def test_rotation_is_picked_up_with_a_rate_limited_refetch(
    jwks_server: JwksServer, clock: Clock, rsa_key: rsa.RSAPrivateKey, rsa_key2: rsa.RSAPrivateKey
) -> None:
    jwks_server.keys = [jwk(rsa_key, "k1")]
    async with _verifier(jwks_server.url, clock) as verifier:
        await verifier.verify(_rs256(rsa_key, "k1"))
        jwks_server.keys = [jwk(rsa_key, "k1"), jwk(rsa_key2, "k2")]  # the issuer rotates
        clock.advance(MIN_REFETCH_S - 1)
        new = _rs256(rsa_key2, "k2")
        # Too soon after the last fetch to look again.
        assert await refused(verifier, new) == "token signing key is unknown"
        assert jwks_server.requests == 1
        clock.advance(1)
        assert await verifier.verify(new)
        assert jwks_server.requests == 2


async def test_a_flood_of_unknown_kids_fetches_once_per_window(
    jwks_server: JwksServer, clock: Clock, rsa_key: rsa.RSAPrivateKey
) -> None:
    jwks_server.keys = [jwk(rsa_key, "k1")]
    async with _verifier(jwks_server.url, clock) as verifier:
        await verifier.verify(_rs256(rsa_key, "k1"))
        clock.advance(MIN_REFETCH_S)
        bogus = [_rs256(rsa_key, f"bogus-{n}") for n in range(50)]
        results = await asyncio.gather(*(verifier.verify(t) for t in bogus), return_exceptions=True)
        assert all(isinstance(r, Unauthenticated) for r in results)
        for token in bogus:
            assert await refused(verifier, token) == "token signing key is unknown"
        assert jwks_server.requests == 2  # the first fetch, and one refetch for the flood
        clock.advance(MIN_REFETCH_S)
        await refused(verifier, bogus[0])
        assert jwks_server.requests == 3
        assert await verifier.verify(_rs256(rsa_key, "k1"))  # known keys never wait
    assert jwks_server.requests == 3


async def test_a_cold_burst_fetches_once(
    jwks_server: JwksServer, clock: Clock, rsa_key: rsa.RSAPrivateKey
) -> None:
    jwks_server.keys = [jwk(rsa_key, "k1")]
    async with _verifier(jwks_server.url, clock) as verifier:
        token = _rs256(rsa_key, "k1")
        identities = await asyncio.gather(*(verifier.verify(token) for _ in range(20)))
        assert len(identities) == 20
    assert jwks_server.requests == 1


async def test_fetch_failure_is_unauthenticated_and_not_retried_at_once(
    jwks_server: JwksServer, clock: Clock, rsa_key: rsa.RSAPrivateKey
) -> None:
    jwks_server.keys = [jwk(rsa_key, "k1")]
    jwks_server.status = 503
    async with _verifier(jwks_server.url, clock) as verifier:
        token = _rs256(rsa_key, "k1")
        for _ in range(10):
            assert await refused(verifier, token) == UNAVAILABLE
        assert jwks_server.requests == 1  # a host in trouble is not hammered
        jwks_server.status = 200
        clock.advance(MIN_REFETCH_S)
        assert await verifier.verify(token)
    assert jwks_server.requests == 2


async def test_last_good_keys_survive_a_failed_refresh(
    jwks_server: JwksServer, clock: Clock, rsa_key: rsa.RSAPrivateKey
) -> None:
    jwks_server.keys = [jwk(rsa_key, "k1")]
    async with _verifier(jwks_server.url, clock, jwks_cache_s=60) as verifier:
        token = _rs256(rsa_key, "k1")
        await verifier.verify(token)
        jwks_server.status = 500
        clock.advance(61)
        assert await verifier.verify(token)
        assert await refused(verifier, _rs256(rsa_key, "k9")) == UNAVAILABLE
    assert jwks_server.requests == 2


async def test_unusable_documents_are_failures(
    jwks_server: JwksServer, clock: Clock, rsa_key: rsa.RSAPrivateKey
) -> None:
    token = _rs256(rsa_key, "k1")
    for body in ("<html>", '{"keys": "k1"}', "[]", ""):
        jwks_server.body = body
        async with _verifier(jwks_server.url, clock) as verifier:
            assert await refused(verifier, token) == UNAVAILABLE
    jwks_server.body = None
    jwks_server.keys = [jwk(rsa_key, "k1")]
    async with _verifier(jwks_server.url, clock) as verifier:
        assert await verifier.verify(token)


async def test_unreachable_host_is_unauthenticated(
    clock: Clock, rsa_key: rsa.RSAPrivateKey
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with _verifier(f"http://127.0.0.1:{port}/jwks.json", clock) as verifier:
        assert await refused(verifier, _rs256(rsa_key, "k1")) == UNAVAILABLE


async def test_redirects_are_not_followed(
    jwks_server: JwksServer, clock: Clock, rsa_key: rsa.RSAPrivateKey
) -> None:
    jwks_server.keys = [jwk(rsa_key, "k1")]
    async with _verifier(jwks_server.redirect_url, clock) as verifier:
        assert await refused(verifier, _rs256(rsa_key, "k1")) == UNAVAILABLE
    assert jwks_server.requests == 0


async def test_symmetric_key_in_the_jwks_is_never_used(
    jwks_server: JwksServer, clock: Clock, rsa_key: rsa.RSAPrivateKey
) -> None:
    secret = "published-for-all-to-see-0123456789"
    oct_key = {"kty": "oct", "kid": "h1", "k": "cHVibGlzaGVkLWZvci1hbGwtdG8tc2VlLTAxMjM0NTY3ODk"}
    jwks_server.keys = [oct_key, jwk(rsa_key, "k1")]
    dev = "d" * 32
    async with _verifier(
        jwks_server.url, clock, algorithms=("HS256", "RS256"), dev_secret=dev
    ) as verifier:
        forged = sign(claims(), secret, "HS256", kid="h1")
        assert await refused(verifier, forged) == "token signature is invalid"
        assert await verifier.verify(sign(claims(), dev, "HS256"))


def test_only_public_signing_keys_are_kept(
    rsa_key: rsa.RSAPrivateKey, ec_key: ec.EllipticCurvePrivateKey
) -> None:
    p384 = jwk(ec_key, "p384") | {"crv": "P-384"}
    keys = parse_jwks(
        {
            "keys": [
                {"kty": "oct", "kid": "h", "k": "c2VjcmV0"},
                jwk(rsa_key, "private", d="AQAB"),
                jwk(rsa_key, "enc", use="enc"),
                jwk(rsa_key, "rs512", alg="RS512"),
                p384,
                {"kty": "RSA", "kid": "broken", "n": 5, "e": "AQAB"},
                "not a key",
                jwk(rsa_key, "rsa", alg="RS256"),
                jwk(ec_key, "ec"),
            ]
        }
    )
    assert [(kid, key.algorithm) for kid, key in keys] == [("rsa", "RS256"), ("ec", "ES256")]


async def test_the_session_comes_from_the_factory_and_is_closed(
    jwks_server: JwksServer, clock: Clock, rsa_key: rsa.RSAPrivateKey
) -> None:
    sessions: list[aiohttp.ClientSession] = []

    def factory() -> aiohttp.ClientSession:
        sessions.append(aiohttp.ClientSession())
        return sessions[-1]

    jwks_server.keys = [jwk(rsa_key, "k1")]
    async with _verifier(jwks_server.url, clock, factory) as verifier:
        assert sessions == []  # nothing opens before it is needed
        await verifier.verify(_rs256(rsa_key, "k1"))
        await verifier.verify(_rs256(rsa_key, "k1"))
        assert len(sessions) == 1
    assert sessions[0].closed
