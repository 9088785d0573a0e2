"""Keys, claims and tokens for the auth tests, built the way an issuer would."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from gateway.auth.settings import AuthSettings
from gateway.auth.verifier import TokenVerifier, Unauthenticated
from tests.codes import org_code, person_code

SECRET = "test-dev-secret-0123456789abcdefghij"
OTHER_SECRET = "another-secret-0123456789abcdefghijkl"
ORG = org_code(1)
PERSON = person_code(1)

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def settings(**changes: Any) -> AuthSettings:
    """Development settings (HS256 with ``SECRET``), changed as the test needs."""
    return replace(AuthSettings(dev_secret=SECRET), **changes)


def claims(kind: object = "subject", sub: object = ORG, **extra: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {"iss": "credit-gateway", "aud": "credit-gateway", "sub": sub, "kind": kind}
    return {**base, "iat": now, "exp": now + 600, **extra}


def without(payload: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k not in names}


def sign(
    payload: Mapping[str, Any], key: Any = SECRET, algorithm: str = "HS256", **header: Any
) -> str:
    return jwt.encode(dict(payload), key, algorithm=algorithm, headers=header or None)


def hand_signed(header: Mapping[str, Any], payload: object, secret: bytes) -> str:
    """An HS-signed token made by hand, for what PyJWT refuses to make.

    E.g. a token "signed" with an RSA public key PEM as the HMAC secret (the
    algorithm-confusion attack, RFC 8725 section 2.1).
    """
    head = _b64(json.dumps(dict(header)).encode())
    body = _b64(json.dumps(payload).encode())
    mac = hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(mac)}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def rsa_private() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def ec_private(curve: ec.EllipticCurve | None = None) -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(curve or ec.SECP256R1())


def public_pem(key: PrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def private_pem(key: PrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def jwk(key: PrivateKey, kid: str, **extra: Any) -> dict[str, Any]:
    """The public JWK of ``key``, as an issuer publishes it."""
    if isinstance(key, rsa.RSAPrivateKey):
        data = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    else:
        data = ECAlgorithm.to_jwk(key.public_key(), as_dict=True)
    return {**data, "kid": kid, "use": "sig", **extra}


async def refused(verifier: TokenVerifier, token: str) -> str:
    """The reason ``verifier`` gives for refusing ``token``; fails if it accepts it."""
    with pytest.raises(Unauthenticated) as refusal:
        await verifier.verify(token)
    reason = refusal.value.reason
    # Client-safe: never a secret, a key or a stack trace.
    for leak in (SECRET, "Traceback", "BEGIN", "Error"):
        assert leak not in reason
    return reason
