"""Who a verified bearer token says the caller is.

The token only names the caller. What that caller may see is decided later,
per record, by `gateway.policy` (DESIGN.md section 3); consents arrive as
separate tokens and a unit's duty matter is chosen per request (001 art. 27).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gateway.codes import InvalidCode, parse_code
from gateway.viewer import ViewerKind

# The `kind` claim's values; ANONYMOUS has none, since anonymous callers carry no token.
CLAIM_KINDS: Mapping[str, ViewerKind] = {
    "subject": ViewerKind.SUBJECT,
    "institution": ViewerKind.INSTITUTION,
    "gov_unit": ViewerKind.GOV_UNIT,
    "provider": ViewerKind.PROVIDER,
    # 公共信用信息工作机构 / 社会信用主管部门: receives and decides objections (001 art. 34).
    "agency": ViewerKind.AGENCY,
}


class InvalidClaims(ValueError):
    """Claims that do not describe a caller; ``reason`` is safe to show the client."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Identity:
    """An authenticated caller: its kind, its code, and for a unit its duty matters.

    ``code`` is a subject's own unified social credit code or citizen ID
    number (normalised, so it compares equal to `Subject.code`), or an
    institution's or unit's code. ``duties`` are the duty-matter codes a
    government unit may invoke (001 art. 27); empty for every other kind.
    """

    kind: ViewerKind
    code: str
    name: str | None = None
    duties: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.kind is ViewerKind.ANONYMOUS:
            raise ValueError("an Identity is never anonymous: anonymous callers have no token")
        if self.duties and self.kind is not ViewerKind.GOV_UNIT:
            raise ValueError("only a government unit holds duty matters")


def identity_from_claims(claims: Mapping[str, object]) -> Identity:
    """The caller that verified ``claims`` describe, or :class:`InvalidClaims`."""
    raw_kind = claims.get("kind")
    kind = CLAIM_KINDS.get(raw_kind) if isinstance(raw_kind, str) else None
    if kind is None:
        raise InvalidClaims("token kind is not recognised")
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub.strip():
        raise InvalidClaims("token has no subject")
    name = claims.get("name")
    if name is not None and not isinstance(name, str):
        raise InvalidClaims("token name must be a string")
    code = _subject_code(sub) if kind is ViewerKind.SUBJECT else sub
    return Identity(kind, code, name, _duties(kind, claims.get("duties")))


def _subject_code(sub: str) -> str:
    # A subject sees its own non-public records by code (001 art. 14(3)), so the
    # code must be one that can match: validated and normalised (002 arts. 19-20).
    try:
        return parse_code(sub).value
    except InvalidCode:
        raise InvalidClaims("token subject is not a valid credit code or ID number") from None


def _duties(kind: ViewerKind, raw: object) -> frozenset[str]:
    if raw is None:
        return frozenset()
    if kind is not ViewerKind.GOV_UNIT:
        # Duty matters open internal information (001 art. 27); only units hold them.
        raise InvalidClaims("token duties are only for gov_unit tokens")
    if not isinstance(raw, list) or not all(isinstance(d, str) and d.strip() for d in raw):
        raise InvalidClaims("token duties must be a list of duty-matter codes")
    return frozenset(raw)
