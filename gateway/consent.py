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
    """The consents behind the tokens presented with one request, by token position.

    Only authenticity is settled here (signed by this gateway, known to the
    store); whether a consent is usable by this viewer, for this purpose, now,
    is the policy's question (:func:`gateway.policy.consent_unusable`).
    """

    grants: list[tuple[int, ConsentGrant]]
    problems: list[str]


async def verify(tokens: Sequence[str], *, store: Consents, settings: ConsentSettings) -> Presented:
    """The consents the tokens name, read from the store; unreadable tokens explained."""
    problems: list[str] = []
    claimed: list[tuple[int, str]] = []
    for index, token in enumerate(tokens, start=1):
        # Real ones are some 340 characters; longer text is not verified (nor cached).
        long = len(token) > MAX_TOKEN_LENGTH
        claims = None if long else _verified_claims(token, settings.secret, settings.issuer)
        if claims is None or claims.get("typ") != "consent":
            problems.append(f"consent token {index}: is not a consent token issued by this gateway")
        else:
            claimed.append((index, str(claims["jti"])))
    stored = await store.get_many(jti for _, jti in claimed)
    grants: list[tuple[int, ConsentGrant]] = []
    for index, jti in claimed:
        consent = stored.get(jti)
        if consent is None:
            problems.append(f"consent token {index}: is unknown to this gateway")
        else:
            grants.append((index, _grant(consent)))
    return Presented(grants, problems)


MAX_TOKEN_LENGTH = 2048


@lru_cache(maxsize=4096)
def _verified_claims(token: str, secret: str, issuer: str) -> dict[str, object] | None:
    """The token's claims if its signature and issuer hold.

    A pure function of its arguments, cached, so a bank's batch need not verify
    100 signatures on every request. Validity and revocation come from the
    store, and the policy judges them on every request.
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
        revoked=consent.revoked,
    )
