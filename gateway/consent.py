"""Consent tokens (书面授权): granted by the subject, presented by the grantee.

The token is a signed reference to a consent in the store; the store is the
truth for scope, validity and revocation, and is read on every request, so
a revocation holds on the very next request on every gateway process.
A consent is usable only by its grantee and only for its stated purpose
(003 art. 20); without one, non-public information stays closed (002 art. 21).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

import jwt

from gateway.config.reader import Table
from gateway.store.consents import Consents, StoredConsent
from gateway.viewer import ConsentGrant

DEV_SECRET = "credit-gateway-development-consent-secret-change-me"


@dataclass(frozen=True, slots=True)
class ConsentSettings:
    secret: str
    issuer: str = "credit-gateway"
    max_validity_days: int = 366


def parse_consent(table: Table) -> ConsentSettings:
    table.unknown_keys({"secret", "issuer", "max_validity_days"})
    secret = os.environ.get("CREDIT_GATEWAY_CONSENT_SECRET") or table.opt_string("secret")
    settings = ConsentSettings(
        secret=secret or DEV_SECRET,
        issuer=table.opt_string("issuer") or "credit-gateway",
        max_validity_days=table.integer("max_validity_days", 366),
    )
    if len(settings.secret) < 32:
        table.problem("secret", "must be at least 32 characters")
    return settings


def sign(settings: ConsentSettings, consent: StoredConsent) -> str:
    claims = {
        "typ": "consent",
        "iss": settings.issuer,
        "jti": consent.id,
        "sub": consent.subject_code,
        "grantee": consent.grantee_code,
        "purpose": consent.purpose,
        "nbf": int(consent.valid_from.timestamp()),
        "exp": int(consent.valid_until.timestamp()),
    }
    return jwt.encode(claims, settings.secret, algorithm="HS256")


@dataclass(frozen=True, slots=True)
class Presented:
    """What came of the consent tokens presented with one request."""

    grants: dict[str, tuple[ConsentGrant, ...]]
    problems: list[str]


async def verify(
    tokens: Sequence[str],
    *,
    grantee: str,
    purpose: str | None,
    store: Consents,
    settings: ConsentSettings,
    now: datetime,
) -> Presented:
    """Check each token; usable ones become grants, the rest are explained."""
    problems: list[str] = []
    claimed: list[tuple[int, dict[str, object]]] = []
    for index, token in enumerate(tokens):
        claims, problem = _decode(token, settings, now)
        if problem is None and claims is not None:
            problem = _fit(claims, grantee, purpose)
        if problem:
            problems.append(f"consent token {index + 1}: {problem}")
        elif claims is not None:
            claimed.append((index, claims))
    stored = await store.get_many(str(c["jti"]) for _, c in claimed)
    grants: dict[str, list[ConsentGrant]] = {}
    for index, claims in claimed:
        consent = stored.get(str(claims["jti"]))
        problem = _current(consent, now)
        if problem or consent is None:
            problems.append(f"consent token {index + 1}: {problem}")
            continue
        grants.setdefault(consent.subject_code, []).append(_grant(consent))
    return Presented({k: tuple(v) for k, v in grants.items()}, problems)


def _decode(
    token: str, settings: ConsentSettings, now: datetime
) -> tuple[dict[str, object] | None, str | None]:
    claims = _verified_claims(token, settings.secret, settings.issuer)
    if claims is None or claims.get("typ") != "consent":
        return None, "is not a consent token issued by this gateway"
    exp, nbf = claims["exp"], claims["nbf"]
    if not isinstance(exp, int | float) or not isinstance(nbf, int | float):
        return None, "is not a consent token issued by this gateway"
    moment = now.timestamp()
    if moment >= exp:
        return None, "has expired"
    if moment < nbf:
        return None, "is not valid yet"
    return claims, None


@lru_cache(maxsize=4096)
def _verified_claims(token: str, secret: str, issuer: str) -> dict[str, object] | None:
    """The token's claims if its signature and issuer hold.

    A pure function of its arguments, cached, so a bank's batch need not verify
    100 signatures on every request. Validity is checked against the gateway's
    own clock, and revocation against the store, on every request.
    """
    try:
        claims: dict[str, object] = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            issuer=issuer,
            options={
                "require": ["jti", "sub", "exp", "nbf"],
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
            },
        )
    except jwt.PyJWTError:
        return None
    return claims


def _fit(claims: dict[str, object], grantee: str, purpose: str | None) -> str | None:
    if claims.get("grantee") != grantee:
        return "was granted to another institution (003 art. 20)"
    if purpose is None:
        return "state the query purpose in the X-Query-Purpose header (003 art. 20)"
    if claims.get("purpose") != purpose:
        return f"was granted for purpose {claims.get('purpose')}, not {purpose} (003 art. 20)"
    return None


def _current(consent: StoredConsent | None, now: datetime) -> str | None:
    if consent is None:
        return "is unknown to this gateway"
    if consent.revoked:
        return "has been revoked by the subject"
    if not consent.valid_from <= now.astimezone(UTC) <= consent.valid_until:
        return "is outside its validity window"
    return None


def _grant(consent: StoredConsent) -> ConsentGrant:
    return ConsentGrant(
        consent_id=consent.id,
        subject_code=consent.subject_code,
        grantee_code=consent.grantee_code,
        purpose=consent.purpose,
        items=consent.items,
        valid_from=consent.valid_from,
        valid_until=consent.valid_until,
        sensitive_financial=consent.sensitive_financial,
    )
