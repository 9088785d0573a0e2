"""Bearer-token verification: a JWT in, an :class:`Identity` out, or :class:`Unauthenticated`.

The key for a token is chosen by the gateway, never by the token: the header's
`alg` must be in the configured allow-list, HS256 is checked only against the
dev secret, and RS256/ES256 only against public keys of the matching type, so
a public key can never be used as an HMAC secret (RFC 8725 sections 2.1, 3.1).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import aiohttp
import jwt
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from jwt.exceptions import InvalidSubjectError

from gateway.auth.identity import Identity, InvalidClaims, identity_from_claims
from gateway.auth.jwks import JwksCache, SigningKey
from gateway.auth.settings import HMAC_ALGORITHM, SUPPORTED_ALGORITHMS, AuthSettings, key_algorithm

REQUIRED_CLAIMS = ["exp", "iat", "sub", "iss", "aud"]
# Real tokens are well under 2 KiB; refuse to base64-decode megabytes per request.
MAX_TOKEN_CHARS = 8192

_REASONS: tuple[tuple[type[jwt.PyJWTError], str], ...] = (
    (jwt.ExpiredSignatureError, "token has expired"),
    (jwt.ImmatureSignatureError, "token is not valid yet"),
    (jwt.InvalidIssuerError, "token issuer is not accepted"),
    (jwt.InvalidAudienceError, "token audience is not accepted"),
    (jwt.InvalidAlgorithmError, "token algorithm is not allowed"),
    (InvalidSubjectError, "token subject must be a string"),
)


class Unauthenticated(Exception):
    """A presented token that does not prove who the caller is.

    ``reason`` is short and safe to show the client (``UNAUTHENTICATED``); it
    never holds a key, a secret or library internals. A bad token is never
    treated as anonymous: the caller asked to be someone and could not prove it.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TokenVerifier:
    """Verifies bearer tokens against the configured secret, PEM keys and JWKS.

    State (the JWKS cache and its HTTP session) is made lazily and closed by
    :meth:`aclose`, so build one in the Starlette lifespan and close it there.
    """

    def __init__(
        self,
        settings: AuthSettings,
        session_factory: Callable[[], aiohttp.ClientSession] | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        # Intersect with what we support, even for settings not made by parse_auth.
        self._algorithms = frozenset(settings.algorithms) & frozenset(SUPPORTED_ALGORITHMS)
        self._static = tuple(_pem_key(text) for text in settings.public_keys)
        self._jwks = (
            JwksCache(settings.jwks_url, settings.jwks_cache_s, session_factory, clock)
            if settings.jwks_url
            else None
        )

    async def verify(self, token: str) -> Identity:
        """The caller ``token`` proves, or :class:`Unauthenticated` saying why not."""
        algorithm, kid = _header(token)
        keys = await self._keys(algorithm, kid)
        claims = self._decode(token, algorithm, keys)
        try:
            return identity_from_claims(claims)
        except InvalidClaims as exc:
            raise Unauthenticated(exc.reason) from exc

    async def aclose(self) -> None:
        if self._jwks is not None:
            await self._jwks.aclose()

    async def _keys(self, algorithm: str, kid: str | None) -> list[Any]:
        if algorithm not in self._algorithms:
            raise Unauthenticated("token algorithm is not allowed")
        if algorithm == HMAC_ALGORITHM:
            if not self._settings.dev_secret:
                raise Unauthenticated("token algorithm is not allowed")
            return [self._settings.dev_secret.encode("utf-8")]
        keys = [k.key for k in self._static if k.fits(algorithm)]
        if self._jwks is not None:
            keys.extend(k.key for k in await self._jwks.lookup(kid) if k.fits(algorithm))
        if keys:
            return keys
        if self._jwks is not None and self._jwks.failing:
            raise Unauthenticated("cannot verify tokens right now; try again shortly")
        raise Unauthenticated("token signing key is unknown")

    def _decode(self, token: str, algorithm: str, keys: list[Any]) -> dict[str, Any]:
        settings = self._settings
        for key in keys:
            try:
                return jwt.decode(
                    token,
                    key,
                    # Exactly the one algorithm this key was chosen for.
                    algorithms=[algorithm],
                    issuer=settings.issuer,
                    audience=settings.audience,
                    leeway=settings.leeway_s,
                    options={"require": REQUIRED_CLAIMS},
                )
            except jwt.InvalidSignatureError:
                continue  # several keys may fit (no kid, or PEM keys and a JWKS)
            except jwt.MissingRequiredClaimError as exc:
                raise Unauthenticated(f"token lacks the {exc.claim!r} claim") from exc
            except jwt.PyJWTError as exc:
                raise Unauthenticated(_reason(exc)) from exc
        raise Unauthenticated("token signature is invalid")


def _header(token: str) -> tuple[str, str | None]:
    if len(token) > MAX_TOKEN_CHARS:
        raise Unauthenticated("token is malformed")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise Unauthenticated("token is malformed") from None
    algorithm, kid = header.get("alg"), header.get("kid")
    if not isinstance(algorithm, str) or not (kid is None or isinstance(kid, str)):
        raise Unauthenticated("token is malformed")
    return algorithm, kid


def _reason(exc: jwt.PyJWTError) -> str:
    for kind, reason in _REASONS:
        if isinstance(exc, kind):
            return reason
    return "token is malformed"


def _pem_key(text: str) -> SigningKey:
    key = load_pem_public_key(text.encode("ascii"))
    algorithm = key_algorithm(key)
    if algorithm is None:
        raise ValueError("only RSA and EC P-256 public keys can verify tokens")
    return SigningKey(key, algorithm)
