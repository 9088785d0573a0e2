"""HS256 bearer tokens: each kind of caller, and every way a token can be bad.

Each refusal is paired with the nearest token that is accepted, so a test
cannot pass by refusing everything.
"""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest

from gateway.auth import Identity, TokenVerifier
from gateway.viewer import ViewerKind
from tests.auth.tokens import (
    ORG,
    OTHER_SECRET,
    PERSON,
    SECRET,
    claims,
    hand_signed,
    refused,
    settings,
    sign,
    without,
)
from tests.codes import person_code

VERIFIER = TokenVerifier(settings())


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (claims("subject", ORG), Identity(ViewerKind.SUBJECT, ORG)),
        (claims("subject", PERSON, name="张三"), Identity(ViewerKind.SUBJECT, PERSON, "张三")),
        (
            claims("institution", "BANK-01", name="某银行"),
            Identity(ViewerKind.INSTITUTION, "BANK-01", "某银行"),
        ),
        (
            claims("gov_unit", "UNIT-7", duties=["PROCUREMENT", "HIRING"]),
            Identity(ViewerKind.GOV_UNIT, "UNIT-7", None, frozenset({"PROCUREMENT", "HIRING"})),
        ),
        (claims("gov_unit", "UNIT-8"), Identity(ViewerKind.GOV_UNIT, "UNIT-8")),
        (claims("provider", "COURT-1"), Identity(ViewerKind.PROVIDER, "COURT-1")),
    ],
    ids=[
        "subject-org",
        "subject-person",
        "institution",
        "gov-unit",
        "gov-unit-no-duties",
        "provider",
    ],
)
async def test_valid_token_gives_its_identity(payload: dict[str, Any], expected: Identity) -> None:
    assert await VERIFIER.verify(sign(payload)) == expected


async def test_subject_code_is_normalised_to_match_subject_codes() -> None:
    code = next(c for c in (person_code(n) for n in range(100)) if c.endswith("X"))
    identity = await VERIFIER.verify(sign(claims("subject", code.lower())))
    assert identity.code == code


async def test_expired_beyond_leeway_is_refused_within_leeway_accepted() -> None:
    now = int(time.time())
    late = sign(claims(iat=now - 600, exp=now - 60))
    assert await refused(VERIFIER, late) == "token has expired"
    just_expired = sign(claims(iat=now - 600, exp=now - 10))
    assert (await VERIFIER.verify(just_expired)).code == ORG
    # With no leeway configured, the same token is refused.
    assert await refused(TokenVerifier(settings(leeway_s=0)), just_expired) == "token has expired"


async def test_token_from_the_future_is_refused() -> None:
    now = int(time.time())
    early = sign(claims(iat=now + 600, exp=now + 1200))
    assert await refused(VERIFIER, early) == "token is not valid yet"
    not_before = sign(claims(nbf=now + 600))
    assert await refused(VERIFIER, not_before) == "token is not valid yet"
    assert await VERIFIER.verify(sign(claims(iat=now + 10, nbf=now + 10)))


async def test_wrong_secret_is_refused() -> None:
    assert await refused(VERIFIER, sign(claims(), OTHER_SECRET)) == "token signature is invalid"
    assert await VERIFIER.verify(sign(claims(), SECRET))


async def test_tampered_payload_is_refused() -> None:
    head, _, mac = sign(claims("subject", ORG)).split(".")
    _, body, _ = sign(claims("gov_unit", "UNIT-1", duties=["ALL"]), OTHER_SECRET).split(".")
    assert await refused(VERIFIER, f"{head}.{body}.{mac}") == "token signature is invalid"


async def test_wrong_issuer_is_refused() -> None:
    assert (
        await refused(VERIFIER, sign(claims(iss="someone-else"))) == "token issuer is not accepted"
    )
    # A prefix of the issuer is not the issuer (PyJWT < 2.10.1 matched substrings).
    assert await refused(VERIFIER, sign(claims(iss="credit"))) == "token issuer is not accepted"
    verifier = TokenVerifier(settings(issuer="someone-else"))
    assert await verifier.verify(sign(claims(iss="someone-else")))


async def test_wrong_audience_is_refused() -> None:
    assert (
        await refused(VERIFIER, sign(claims(aud="other-api"))) == "token audience is not accepted"
    )
    assert await refused(VERIFIER, sign(claims(aud=["a", "b"]))) == "token audience is not accepted"
    assert await VERIFIER.verify(sign(claims(aud=["other-api", "credit-gateway"])))


@pytest.mark.parametrize("claim", ["exp", "iat", "sub", "iss", "aud"])
async def test_each_required_claim_must_be_present(claim: str) -> None:
    reason = await refused(VERIFIER, sign(without(claims(), claim)))
    assert reason == f"token lacks the {claim!r} claim"
    assert await VERIFIER.verify(sign(claims()))


@pytest.mark.parametrize("alg", ["none", "None", "NONE"])
async def test_unsigned_token_is_refused(alg: str) -> None:
    unsigned = jwt.encode(claims(), "", algorithm="none")
    head = hand_signed({"alg": alg, "typ": "JWT"}, claims(), b"").split(".")[0]
    hand_made = f"{head}.{unsigned.split('.')[1]}."
    for token in (unsigned, hand_made):
        assert await refused(VERIFIER, token) == "token algorithm is not allowed"
    # Even when someone builds settings that list it, by hand.
    careless = TokenVerifier(settings(algorithms=("none", "HS256")))
    assert await refused(careless, unsigned) == "token algorithm is not allowed"
    assert await careless.verify(sign(claims()))


async def test_algorithm_outside_the_allow_list_is_refused() -> None:
    hs512 = sign(claims(), SECRET + SECRET, algorithm="HS512")
    assert await refused(VERIFIER, hs512) == "token algorithm is not allowed"
    no_secret = TokenVerifier(settings(dev_secret=None))
    assert await refused(no_secret, sign(claims())) == "token algorithm is not allowed"
    assert await VERIFIER.verify(sign(claims()))


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not-a-token",
        "a.b",
        "a.b.c",
        "..",
        "eyJ.eyJ.eyJ",
        "токен.токен.токен",
        "x" * 10_000,
        hand_signed({"alg": "HS256"}, ["a", "list"], SECRET.encode()),
        hand_signed({"alg": "HS256"}, "a string", SECRET.encode()),
        hand_signed({"alg": 256}, claims(), SECRET.encode()),
        hand_signed({"alg": "HS256", "kid": ["k"]}, claims(), SECRET.encode()),
        sign(claims()) + "x",
        sign(claims())[:-5],
    ],
    ids=lambda t: t[:12] or "empty",
)
async def test_malformed_token_is_refused(token: str) -> None:
    reason = await refused(VERIFIER, token)
    assert reason in {"token is malformed", "token signature is invalid"}


async def test_claim_types_are_checked() -> None:
    now = int(time.time())
    assert await refused(VERIFIER, sign(claims(exp="tomorrow"))) == "token is malformed"
    assert await refused(VERIFIER, sign(claims(iat=f"{now}x"))) == "token is malformed"
    assert await refused(VERIFIER, sign(claims(sub=123))) == "token subject must be a string"
    assert await refused(VERIFIER, sign(claims(name=["a"]))) == "token name must be a string"
    assert await VERIFIER.verify(sign(claims(name="a")))
