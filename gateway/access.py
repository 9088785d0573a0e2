"""Turn a request's credentials into a :class:`Viewer`, once, before execution.

Headers read:
- ``Authorization: Bearer <JWT>``: who is asking; none means anonymous, a bad
  one is UNAUTHENTICATED (never silently anonymous).
- ``X-Consent-Token`` (repeatable, or comma-separated) and ``X-Query-Purpose``:
  a grantee's consents and the purpose it queries for (003 art. 20).
- ``X-Duty-Matter``: the listed duty matter a government unit invokes
  (001 art. 27); it must be one the unit's token allows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from gateway.auth.identity import Identity
from gateway.auth.verifier import TokenVerifier, Unauthenticated
from gateway.config.loader import GatewayConfig
from gateway.consent import verify as verify_consents
from gateway.errors import ErrorCode
from gateway.policy import consent_unusable
from gateway.store.consents import Consents
from gateway.viewer import ANONYMOUS, ConsentGrant, DutyGrant, Viewer, ViewerKind


class AccessRefused(Exception):
    """The request cannot go ahead at all; ``status`` is the HTTP status to answer with."""

    def __init__(self, code: ErrorCode, message: str, status: int) -> None:
        self.code = code
        self.message = message
        self.status = status
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class Access:
    """The viewer of one request and what the gateway has to tell it up front."""

    viewer: Viewer
    notices: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Credentials:
    """The credential headers of one request, already split."""

    bearer: str | None
    consent_tokens: Sequence[str]
    purpose: str | None
    duty_matter: str | None

    @classmethod
    def from_headers(
        cls,
        authorization: str | None,
        consent: Sequence[str],
        purpose: str | None,
        duty: str | None,
    ) -> Credentials:
        bearer = None
        if authorization is not None:
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise AccessRefused(
                    ErrorCode.UNAUTHENTICATED, "Use 'Authorization: Bearer <token>'.", 401
                )
            bearer = token.strip()
        tokens = [t.strip() for value in consent for t in value.split(",") if t.strip()]
        return cls(bearer, tokens, _clean(purpose), _clean(duty))


async def resolve(
    credentials: Credentials,
    *,
    config: GatewayConfig,
    verifier: TokenVerifier,
    consents: Consents,
    now: datetime,
) -> Access:
    if credentials.bearer is None:
        if credentials.consent_tokens or credentials.duty_matter:
            raise AccessRefused(
                ErrorCode.UNAUTHENTICATED,
                "Consent tokens and duty matters need the caller's own bearer token.",
                401,
            )
        return Access(ANONYMOUS)
    try:
        identity = await verifier.verify(credentials.bearer)
    except Unauthenticated as exc:
        raise AccessRefused(
            ErrorCode.UNAUTHENTICATED, f"Bearer token rejected: {exc.reason}.", 401
        ) from exc
    if identity.kind is ViewerKind.GOV_UNIT:
        return Access(_gov_unit(identity, credentials, config))
    if identity.kind is ViewerKind.INSTITUTION and credentials.consent_tokens:
        presented = await verify_consents(
            credentials.consent_tokens, store=consents, settings=config.consent
        )
        grants: dict[str, list[ConsentGrant]] = {}
        for _, grant in presented.grants:
            grants.setdefault(grant.subject_code, []).append(grant)
        viewer = _viewer(
            identity,
            consents={code: tuple(held) for code, held in grants.items()},
            purpose=credentials.purpose,
        )
        # Say why a consent presented cannot be used (the policy decides that).
        unusable = [
            f"consent token {index}: {problem}"
            for index, grant in presented.grants
            if (problem := consent_unusable(viewer, grant, now))
        ]
        return Access(viewer, presented.problems + unusable)
    notices = []
    if credentials.consent_tokens:
        notices.append("consent tokens are for institutions; they were ignored")
    viewer = _viewer(identity)
    if identity.kind is ViewerKind.PROVIDER:
        unit = config.provider_units.get(identity.code or "")
        viewer = replace(viewer, sources=unit.sources if unit else frozenset())
    return Access(viewer, notices)


def _gov_unit(identity: Identity, credentials: Credentials, config: GatewayConfig) -> Viewer:
    code = credentials.duty_matter
    if code is None:
        return _viewer(identity)
    matter = config.duty_matters.get(code)
    if matter is None:
        raise AccessRefused(
            ErrorCode.BAD_USER_INPUT,
            f"Unknown duty matter {code!r}; see config/duty_matters.toml.",
            400,
        )
    if code not in identity.duties:
        raise AccessRefused(
            ErrorCode.FORBIDDEN,
            f"Unit {identity.code} may not invoke duty matter {code} (001 art. 27).",
            403,
        )
    return _viewer(identity, duty=DutyGrant(matter.code, matter.name, matter.categories))


def _viewer(
    identity: Identity,
    *,
    consents: Mapping[str, tuple[ConsentGrant, ...]] | None = None,
    duty: DutyGrant | None = None,
    purpose: str | None = None,
) -> Viewer:
    return Viewer(identity.kind, identity.code, identity.name, dict(consents or {}), duty, purpose)


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None
