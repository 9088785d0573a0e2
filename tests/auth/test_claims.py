"""The claims that say who the caller is: kind, sub, name, duties."""

from __future__ import annotations

import pytest

from gateway.auth import Identity, TokenVerifier
from gateway.viewer import ViewerKind
from tests.auth.tokens import ORG, claims, refused, settings, sign, without

VERIFIER = TokenVerifier(settings())


@pytest.mark.parametrize(
    "kind", ["robot", "SUBJECT", "anonymous", "ANONYMOUS", "", None, 3, ["subject"]]
)
async def test_unknown_kind_is_refused(kind: object) -> None:
    assert await refused(VERIFIER, sign(claims(kind=kind))) == "token kind is not recognised"
    assert await VERIFIER.verify(sign(claims(kind="subject")))


async def test_missing_kind_is_refused() -> None:
    token = sign(without(claims(), "kind"))
    assert await refused(VERIFIER, token) == "token kind is not recognised"


@pytest.mark.parametrize("sub", ["", "   "])
async def test_blank_sub_is_refused(sub: str) -> None:
    assert await refused(VERIFIER, sign(claims("institution", sub))) == "token has no subject"
    assert await VERIFIER.verify(sign(claims("institution", "BANK-1")))


@pytest.mark.parametrize("sub", ["BANK-1", "91330106000000010", ORG[:-1] + "Z"])
async def test_subject_must_hold_a_valid_code(sub: str) -> None:
    # A subject reads its own non-public file by this code (001 art. 14(3)).
    reason = await refused(VERIFIER, sign(claims("subject", sub)))
    assert reason == "token subject is not a valid credit code or ID number"
    assert await VERIFIER.verify(sign(claims("subject", ORG)))


async def test_duties_belong_to_government_units_only() -> None:
    # Duty matters open internal information (001 art. 27).
    for kind in ("subject", "institution", "provider"):
        token = sign(claims(kind, ORG, duties=["PROCUREMENT"]))
        assert await refused(VERIFIER, token) == "token duties are only for gov_unit tokens"
    identity = await VERIFIER.verify(sign(claims("gov_unit", ORG, duties=["PROCUREMENT"])))
    assert identity.duties == frozenset({"PROCUREMENT"})


@pytest.mark.parametrize("duties", ["PROCUREMENT", [1], [""], {"a": 1}, [["PROCUREMENT"]]])
async def test_duties_must_be_a_list_of_codes(duties: object) -> None:
    token = sign(claims("gov_unit", "UNIT-1", duties=duties))
    assert await refused(VERIFIER, token) == "token duties must be a list of duty-matter codes"


def test_identity_is_never_anonymous() -> None:
    with pytest.raises(ValueError, match="never anonymous"):
        Identity(ViewerKind.ANONYMOUS, "x")
    with pytest.raises(ValueError, match="government unit"):
        Identity(ViewerKind.INSTITUTION, "x", duties=frozenset({"D"}))
    assert Identity(ViewerKind.GOV_UNIT, "x", duties=frozenset({"D"})).duties == {"D"}
