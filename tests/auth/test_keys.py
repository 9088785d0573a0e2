"""RS256 and ES256 tokens checked against PEM public keys from config.

The key is chosen by the gateway, never by the token: an HS256 token "signed"
with a public key is the algorithm-confusion attack (RFC 8725 section 2.1).
"""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from gateway.auth import TokenVerifier
from gateway.viewer import ViewerKind
from tests.auth.tokens import (
    claims,
    ec_private,
    hand_signed,
    public_pem,
    refused,
    settings,
    sign,
)


def _verifier(
    *keys: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, **changes: object
) -> TokenVerifier:
    algorithms = changes.pop("algorithms", ("RS256", "ES256"))
    return TokenVerifier(
        settings(
            algorithms=algorithms,
            dev_secret=changes.pop("dev_secret", None),
            public_keys=tuple(public_pem(k) for k in keys),
        )
    )


async def test_rs256_with_the_configured_key(
    rsa_key: rsa.RSAPrivateKey, rsa_key2: rsa.RSAPrivateKey
) -> None:
    verifier = _verifier(rsa_key)
    other = sign(claims(), rsa_key2, algorithm="RS256")
    assert await refused(verifier, other) == "token signature is invalid"
    identity = await verifier.verify(sign(claims(), rsa_key, algorithm="RS256"))
    assert identity.kind is ViewerKind.SUBJECT


async def test_es256_with_the_configured_key(
    ec_key: ec.EllipticCurvePrivateKey, ec_key2: ec.EllipticCurvePrivateKey
) -> None:
    verifier = _verifier(ec_key)
    other = sign(claims(), ec_key2, algorithm="ES256")
    assert await refused(verifier, other) == "token signature is invalid"
    assert await verifier.verify(sign(claims(), ec_key, algorithm="ES256"))


async def test_any_of_several_keys_verifies(
    rsa_key: rsa.RSAPrivateKey, rsa_key2: rsa.RSAPrivateKey, ec_key: ec.EllipticCurvePrivateKey
) -> None:
    # During a rotation the old and the new key are both configured.
    verifier = _verifier(rsa_key, rsa_key2, ec_key)
    for key, algorithm in ((rsa_key, "RS256"), (rsa_key2, "RS256"), (ec_key, "ES256")):
        assert await verifier.verify(sign(claims(), key, algorithm=algorithm))


async def test_algorithm_must_match_the_key_type(
    rsa_key: rsa.RSAPrivateKey, ec_key: ec.EllipticCurvePrivateKey
) -> None:
    only_rsa = _verifier(rsa_key, algorithms=("RS256",))
    es256 = sign(claims(), ec_key, algorithm="ES256")
    assert await refused(only_rsa, es256) == "token algorithm is not allowed"
    # ES256 allowed, but the only EC key is missing: no key fits.
    no_ec_key = _verifier(rsa_key)
    assert await refused(no_ec_key, es256) == "token signing key is unknown"
    assert await _verifier(rsa_key, ec_key).verify(es256)


async def test_es256_needs_a_p256_key() -> None:
    p384 = ec_private(ec.SECP384R1())
    with pytest.raises(ValueError, match="P-256"):
        _verifier(p384)


async def test_public_key_as_hmac_secret_is_refused(rsa_key: rsa.RSAPrivateKey) -> None:
    pem = public_pem(rsa_key).encode()
    forged = hand_signed({"alg": "HS256", "typ": "JWT"}, claims(), pem)
    rs256_only = _verifier(rsa_key, algorithms=("RS256",))
    assert await refused(rs256_only, forged) == "token algorithm is not allowed"
    # With HS256 also allowed, HS256 is checked against the dev secret alone.
    mixed = _verifier(rsa_key, algorithms=("HS256", "RS256"), dev_secret="x" * 32)
    assert await refused(mixed, forged) == "token signature is invalid"
    assert await mixed.verify(sign(claims(), "x" * 32))
    assert await mixed.verify(sign(claims(), rsa_key, algorithm="RS256"))


async def test_token_claims_are_checked_whatever_the_key(rsa_key: rsa.RSAPrivateKey) -> None:
    verifier = _verifier(rsa_key)
    token = sign(claims(iss="elsewhere"), rsa_key, algorithm="RS256")
    assert await refused(verifier, token) == "token issuer is not accepted"
    token = sign(claims(kind="robot"), rsa_key, algorithm="RS256")
    assert await refused(verifier, token) == "token kind is not recognised"
