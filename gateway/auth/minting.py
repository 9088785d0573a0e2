"""Development tokens, signed with the dev secret (`credit-gateway token`).

Production tokens come from an identity provider with its own keys; the
gateway only mints HS256 tokens for development, demos and tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import jwt

from gateway.auth.identity import InvalidClaims, identity_from_claims
from gateway.auth.settings import DEV_SECRET_ENV, HMAC_ALGORITHM, AuthSettings


class MintError(ValueError):
    """A token that cannot be minted with these settings or arguments."""


def mint(
    settings: AuthSettings,
    kind: str,
    code: str,
    *,
    name: str | None = None,
    duties: Sequence[str] = (),
    ttl_s: int = 3600,
    now: datetime | None = None,
) -> str:
    """A signed HS256 token for ``kind`` ("subject", "institution", "gov_unit", "provider").

    The claims pass the same checks the verifier applies, so a minted token is
    one the gateway accepts until it expires. Raises :class:`MintError`.
    """
    if not settings.dev_secret:
        raise MintError(
            f"cannot mint tokens: no dev secret ([auth] dev_secret or {DEV_SECRET_ENV})"
        )
    if HMAC_ALGORITHM not in settings.algorithms:
        raise MintError("cannot mint tokens: HS256 is not in [auth] algorithms")
    if ttl_s < 1:
        raise MintError("ttl_s must be at least 1 second")
    if isinstance(duties, str):
        raise MintError("duties must be a list of duty-matter codes, not one string")
    issued = now or datetime.now(UTC)
    if issued.tzinfo is None:
        raise MintError("now must be timezone-aware")
    claims = _claims(settings, kind, code, name, duties, int(issued.timestamp()), ttl_s)
    try:
        identity = identity_from_claims(claims)
    except InvalidClaims as exc:
        raise MintError(exc.reason) from exc
    claims["sub"] = identity.code  # normalised, e.g. a lower-case check letter x -> X
    return jwt.encode(claims, settings.dev_secret, algorithm=HMAC_ALGORITHM)


def _claims(
    settings: AuthSettings,
    kind: str,
    code: str,
    name: str | None,
    duties: Sequence[str],
    issued: int,
    ttl_s: int,
) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "iss": settings.issuer,
        "aud": settings.audience,
        "sub": code,
        "kind": kind,
        "iat": issued,
        "exp": issued + ttl_s,
    }
    if name is not None:
        claims["name"] = name
    if duties:
        claims["duties"] = list(duties)
    return claims
