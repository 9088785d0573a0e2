"""A JSON Web Key Set fetched with aiohttp and cached (RFC 7517 section 5).

PyJWT's own `PyJWKClient` blocks the event loop on urllib, so the set is
fetched here. Only public RSA and EC P-256 signing keys are kept: a
symmetric (`oct`) key in a public document would let anyone sign tokens.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import jwt
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from gateway.auth.settings import key_algorithm

logger = logging.getLogger(__name__)

# An unknown `kid` (or a failed fetch) triggers at most one fetch per this many
# seconds, so a flood of tokens with made-up kids cannot hammer the JWKS host.
MIN_REFETCH_S = 30.0
FETCH_TIMEOUT_S = 5.0


@dataclass(frozen=True, slots=True)
class SigningKey:
    """A public key and the one algorithm it may verify."""

    key: Any
    algorithm: str

    def fits(self, algorithm: str) -> bool:
        return self.algorithm == algorithm


class JwksCache:
    """The keys at one JWKS URL, refreshed every ``cache_s`` seconds.

    When a fetch fails, the last good keys stay in use (an outage of the key
    host should not sign everybody out) and the next attempt waits
    ``MIN_REFETCH_S``.
    """

    def __init__(
        self,
        url: str,
        cache_s: int,
        session_factory: Callable[[], aiohttp.ClientSession] | None,
        clock: Callable[[], float],
    ) -> None:
        self._url, self._cache_s, self._clock = url, cache_s, clock
        self._factory = session_factory or aiohttp.ClientSession
        self._session: aiohttp.ClientSession | None = None
        self._keys: tuple[tuple[str | None, SigningKey], ...] = ()
        self._fetched_at: float | None = None  # last success
        self._tried_at: float | None = None  # last attempt, success or not
        self._failing = False
        # One fetch at a time: a burst of requests on a cold cache makes one request.
        self._lock = asyncio.Lock()

    @property
    def failing(self) -> bool:
        """Whether the last fetch failed (the keys, if any, are the last good ones)."""
        return self._failing

    async def lookup(self, kid: str | None) -> list[SigningKey]:
        """The keys named ``kid``, or every key when the token names none."""
        if self._due(kid):
            async with self._lock:
                if self._due(kid):  # another request may have fetched while we waited
                    await self._fetch()
        return [key for key_id, key in self._keys if kid is None or key_id == kid]

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _due(self, kid: str | None) -> bool:
        now = self._clock()
        may_retry = self._tried_at is None or now - self._tried_at >= MIN_REFETCH_S
        expired = self._fetched_at is None or now - self._fetched_at >= self._cache_s
        if expired and (may_retry or not self._failing):
            return True
        # A new kid usually means the issuer rotated its keys: look again, but rarely.
        return kid is not None and may_retry and all(kid != key_id for key_id, _ in self._keys)

    async def _fetch(self) -> None:
        self._tried_at = self._clock()
        try:
            keys = parse_jwks(await self._download())
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            self._failing = True
            logger.warning("cannot fetch JWKS from %s: %s", self._url, exc)
            return
        self._keys, self._fetched_at, self._failing = keys, self._tried_at, False

    async def _download(self) -> object:
        if self._session is None:
            self._session = self._factory()
        timeout = aiohttp.ClientTimeout(total=FETCH_TIMEOUT_S)
        # No redirects: the configured URL is the one trusted to name the keys.
        async with self._session.get(self._url, timeout=timeout, allow_redirects=False) as reply:
            if reply.status != 200:
                raise ValueError(f"HTTP status {reply.status}")
            # content_type=None: servers use application/json or application/jwk-set+json.
            return await reply.json(content_type=None)


def parse_jwks(document: object) -> tuple[tuple[str | None, SigningKey], ...]:
    """The usable signing keys of a JWKS document with their `kid`; others are skipped."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("not a JWKS document")
    keys: list[tuple[str | None, SigningKey]] = []
    for entry in document["keys"]:
        key = _signing_key(entry)
        if key is not None and isinstance(entry.get("kid"), str | None):
            keys.append((entry.get("kid"), key))
    return tuple(keys)


_LOADERS: dict[object, Callable[[dict[str, Any]], Any]] = {
    "RSA": RSAAlgorithm.from_jwk,
    "EC": ECAlgorithm.from_jwk,
}


def _signing_key(entry: object) -> SigningKey | None:
    if not isinstance(entry, dict) or entry.get("use", "sig") != "sig" or "d" in entry:
        return None  # not a public signing key ("d" marks a private one)
    loader = _LOADERS.get(entry.get("kty"))
    if loader is None:
        return None
    try:
        key = loader(entry)
    except (jwt.PyJWTError, ValueError, TypeError):
        logger.warning("skipping a malformed JWK (kid %r)", entry.get("kid"))
        return None
    algorithm = key_algorithm(key)
    if algorithm is None or entry.get("alg", algorithm) != algorithm:
        return None  # a key declared for another algorithm is not used for this one
    return SigningKey(key, algorithm)
