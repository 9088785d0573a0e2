"""Consent (书面授权) types and the subject's mutations to grant and revoke it."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import Enum
from typing import Annotated

import strawberry
from strawberry import Info

from gateway.codes import InvalidCode, parse_code
from gateway.consent import sign
from gateway.domain import Category
from gateway.errors import ErrorCode, bad_input, client_error
from gateway.policy import consentable, opened_by_category, outside_validity
from gateway.store.consents import StoredConsent, utc
from gateway.viewer import ViewerKind
from resolvers.context import Context


@strawberry.enum(description="Where a consent stands.")
class ConsentStatus(Enum):
    PENDING = strawberry.enum_value("PENDING", description="Its validity has not begun.")
    ACTIVE = strawberry.enum_value("ACTIVE", description="Usable by the grantee now.")
    EXPIRED = strawberry.enum_value("EXPIRED", description="Its validity has ended.")
    REVOKED = strawberry.enum_value("REVOKED", description="Revoked by the subject.")


@strawberry.type(description="书面授权: a subject's written consent for one grantee and purpose.")
class Consent:
    id: strawberry.ID = strawberry.field(description="Consent id (the token's jti).")
    subject_code: str = strawberry.field(description="The subject who granted it.")
    grantee_code: str = strawberry.field(description="The only institution that may use it.")
    purpose: str = strawberry.field(description="Agreed purpose code (config/purposes.toml).")
    items: list[str] = strawberry.field(description="Catalogue items it opens.")
    sensitive_financial: bool = strawberry.field(
        description="Whether it names a person's income, deposits, securities, insurance, "
        "real estate and tax amounts (003 art. 18)."
    )
    valid_from: datetime = strawberry.field(description="Start of validity.")
    valid_until: datetime = strawberry.field(description="End of validity.")
    created_at: datetime = strawberry.field(description="When it was granted.")
    revoked_at: datetime | None = strawberry.field(description="When it was revoked, if it was.")
    status: ConsentStatus = strawberry.field(description="Where it stands now.")


@strawberry.type(description="A granted consent and the token the grantee presents.")
class GrantedConsent:
    consent: Consent = strawberry.field(description="The stored consent.")
    token: str = strawberry.field(
        description="Give this to the grantee; it sends it as an X-Consent-Token header."
    )


@strawberry.input(description="What the subject consents to.")
class GrantConsentInput:
    grantee: str = strawberry.field(description="The institution's unified social credit code.")
    purpose: str = strawberry.field(description="Agreed purpose code, e.g. 02 (loan approval).")
    valid_until: datetime = strawberry.field(description="End of validity.")
    categories: list[Category] | None = strawberry.field(
        default=None,
        description="Categories it opens: every item of them that a consent can open, "
        "except those it must name in `items` (e.g. INTEGRITY_SCORE, 001 art. 28).",
    )
    items: list[str] | None = strawberry.field(
        default=None, description="Catalogue items it opens, in addition to `categories`."
    )
    valid_from: datetime | None = strawberry.field(
        default=None, description="Start of validity; now when omitted."
    )
    include_sensitive_financial: bool = strawberry.field(
        default=False,
        description="Also open a person's income, deposits, securities, insurance, real "
        "estate and tax amounts. Setting it confirms the subject was told that disclosing "
        "them may have adverse consequences (003 art. 18).",
    )


def consent_type(consent: StoredConsent, now: datetime) -> Consent:
    return Consent(
        id=strawberry.ID(consent.id),
        subject_code=consent.subject_code,
        grantee_code=consent.grantee_code,
        purpose=consent.purpose,
        items=sorted(consent.items),
        sensitive_financial=consent.sensitive_financial,
        valid_from=consent.valid_from,
        valid_until=consent.valid_until,
        created_at=consent.created_at,
        revoked_at=consent.revoked_at,
        status=_status(consent, now),
    )


def _status(consent: StoredConsent, now: datetime) -> ConsentStatus:
    if consent.revoked:
        return ConsentStatus.REVOKED
    outside = outside_validity(consent.valid_from, consent.valid_until, utc(now))
    if outside is None:
        return ConsentStatus.ACTIVE
    return ConsentStatus.PENDING if utc(now) < consent.valid_from else ConsentStatus.EXPIRED


def subject_code_of(info: Info[Context, None]) -> str:
    """The viewer's own code; only a subject manages its own information."""
    viewer = info.context.viewer
    if viewer.kind is not ViewerKind.SUBJECT or viewer.code is None:
        raise client_error(ErrorCode.FORBIDDEN, "Only a subject, signed in as itself, may do this.")
    return viewer.code


async def grant_consent(info: Info[Context, None], data: GrantConsentInput) -> GrantedConsent:
    context = info.context
    subject = subject_code_of(info)
    config = context.services.config
    if data.purpose not in config.purposes:
        raise bad_input(
            f"Unknown purpose {data.purpose!r}; one of {sorted(config.purposes)}.",
            argument="input.purpose",
        )
    try:
        grantee = parse_code(data.grantee)
    except InvalidCode as exc:
        raise bad_input(str(exc), argument="input.grantee") from exc
    items = _items(context, data)
    valid_from = utc(data.valid_from or context.now)
    valid_until = utc(data.valid_until)
    longest = timedelta(days=config.consent.max_validity_days)
    if not valid_from < valid_until or valid_until - valid_from > longest:
        raise bad_input(
            f"validUntil must be after validFrom and within {longest.days} days of it.",
            argument="input.validUntil",
        )
    consent = await context.services.store.consents.create(
        subject_code=subject,
        grantee_code=grantee.value,
        purpose=data.purpose,
        items=items,
        sensitive_financial=data.include_sensitive_financial,
        valid_from=valid_from,
        valid_until=valid_until,
        now=context.now,
    )
    return GrantedConsent(
        consent=consent_type(consent, context.now), token=sign(config.consent, consent)
    )


def _items(context: Context, data: GrantConsentInput) -> set[str]:
    catalogue = context.services.config.catalogue
    wanted = set(data.items or [])
    for code in wanted:
        item = catalogue.get(code)
        if item is None:
            raise bad_input(f"Unknown catalogue item {code!r}.", argument="input.items")
        refused = consentable(item)
        if refused is not None:
            raise bad_input(f"{refused}.", argument="input.items")
    categories = set(data.categories or [])
    # A consent_only item (the integrity score, 001 art. 28) is opened only by
    # a consent naming it: its category alone does not.
    wanted |= {i.code for i in catalogue if i.category in categories and opened_by_category(i)}
    if not wanted:
        raise bad_input("Name at least one category or item.", argument="input")
    return wanted


async def revoke_consent(
    info: Info[Context, None],
    consent_id: Annotated[strawberry.ID, strawberry.argument(description="Consent id.")],
) -> Consent:
    context = info.context
    subject = subject_code_of(info)
    consent = await context.services.store.consents.revoke(str(consent_id), subject, context.now)
    if consent is None:
        raise bad_input("You have no consent with that id.", argument="id")
    return consent_type(consent, context.now)
