"""Development tokens: minted ones verify, and bad requests say why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gateway.auth import Identity, MintError, TokenVerifier, mint
from gateway.viewer import ViewerKind
from tests.auth.tokens import ORG, PERSON, refused, settings
from tests.codes import person_code

SETTINGS = settings()
VERIFIER = TokenVerifier(SETTINGS)


async def test_minted_tokens_verify_for_every_kind() -> None:
    cases = [
        (
            mint(SETTINGS, "subject", PERSON, name="张三"),
            Identity(ViewerKind.SUBJECT, PERSON, "张三"),
        ),
        (mint(SETTINGS, "institution", "BANK-1"), Identity(ViewerKind.INSTITUTION, "BANK-1")),
        (
            mint(SETTINGS, "gov_unit", "UNIT-1", duties=["PROCUREMENT"]),
            Identity(ViewerKind.GOV_UNIT, "UNIT-1", duties=frozenset({"PROCUREMENT"})),
        ),
        (mint(SETTINGS, "provider", "COURT-1"), Identity(ViewerKind.PROVIDER, "COURT-1")),
    ]
    for token, identity in cases:
        assert await VERIFIER.verify(token) == identity


async def test_minted_subject_code_is_normalised() -> None:
    code = next(c for c in (person_code(n) for n in range(100)) if c.endswith("X"))
    assert (await VERIFIER.verify(mint(SETTINGS, "subject", code.lower()))).code == code


async def test_ttl_and_now_set_the_expiry() -> None:
    past = datetime.now(UTC) - timedelta(hours=2)
    assert await refused(VERIFIER, mint(SETTINGS, "subject", ORG, now=past)) == "token has expired"
    token = mint(SETTINGS, "subject", ORG, now=past, ttl_s=3 * 3600)
    assert await VERIFIER.verify(token)


async def test_other_settings_do_not_accept_it() -> None:
    token = mint(settings(audience="elsewhere"), "subject", ORG)
    assert await refused(VERIFIER, token) == "token audience is not accepted"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "robot"}, "token kind is not recognised"),
        ({"code": ""}, "token has no subject"),
        ({"code": "not-a-code"}, "not a valid credit code"),
        ({"kind": "institution", "duties": ["D"]}, "only for gov_unit"),
        ({"kind": "gov_unit", "duties": "PROCUREMENT"}, "not one string"),
        ({"ttl_s": 0}, "ttl_s must be at least 1"),
        ({"now": datetime(2026, 1, 1)}, "timezone-aware"),
    ],
)
def test_bad_requests_say_why(kwargs: dict[str, object], message: str) -> None:
    args = {"kind": "subject", "code": ORG} | kwargs
    with pytest.raises(MintError, match=message):
        mint(SETTINGS, **args)  # type: ignore[arg-type]


def test_needs_a_dev_secret_and_hs256() -> None:
    with pytest.raises(MintError, match="CREDIT_GATEWAY_DEV_SECRET"):
        mint(settings(dev_secret=None), "subject", ORG)
    with pytest.raises(MintError, match="HS256 is not in"):
        mint(settings(algorithms=("RS256",)), "subject", ORG)
    assert mint(SETTINGS, "subject", ORG)
