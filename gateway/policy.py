"""Who sees what: the one pure function of DESIGN.md section 3.

``decide`` takes the viewer, the subject and one record and answers whether
the record may be disclosed, on which basis, and whether the disclosure must
be written to the query log. It does no I/O and reads no clock: ``today`` is
passed in, so the table-driven tests can pin every row.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time
from enum import StrEnum

from gateway.domain import Category, Openness, SubjectKind
from gateway.records import CreditRecord
from gateway.viewer import ConsentGrant, Viewer, ViewerKind


class Basis(StrEnum):
    """Why a record may be disclosed."""

    PUBLIC = "PUBLIC"
    SELF = "SELF"
    CONSENT = "CONSENT"
    DUTY = "DUTY"


class Denial(StrEnum):
    """The client-visible code of a refusal (STYLE.md rule 8)."""

    FORBIDDEN = "FORBIDDEN"
    CONSENT_REQUIRED = "CONSENT_REQUIRED"


@dataclass(frozen=True, slots=True)
class SubjectState:
    """What the policy needs to know about the subject itself."""

    code: str
    kind: SubjectKind
    on_serious_dishonesty_list: bool = False


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome for one record."""

    allowed: bool
    reason: str
    basis: Basis | None = None
    denial: Denial | None = None
    consent: ConsentGrant | None = None
    # Disclosure of non-public information to anyone but the subject is logged.
    logged: bool = False
    # A person's income, deposits, securities, insurance, real estate and tax
    # amounts are shown only under a consent naming them (003 art. 18).
    redact_sensitive: bool = False


def decide(viewer: Viewer, subject: SubjectState, record: CreditRecord, today: date) -> Decision:
    """Whether ``viewer`` may see ``record`` about ``subject`` on ``today``."""
    if viewer.is_subject(subject.code):
        # 001 art. 14(3), 003 art. 20: the subject sees everything about itself,
        # shielded, expired and repaired records included (marked as such).
        return Decision(True, "the subject's own information", Basis.SELF)
    withheld = _lifecycle(subject, record, today)
    if withheld:
        return Decision(False, withheld, denial=Denial.FORBIDDEN)
    decision = _by_openness(viewer, subject, record, today)
    if decision.allowed and subject.kind is SubjectKind.NATURAL_PERSON:
        consent = decision.consent
        redact = not (consent and consent.sensitive_financial)
        return replace(decision, redact_sensitive=redact)
    return decision


def _lifecycle(subject: SubjectState, record: CreditRecord, today: date) -> str | None:
    if record.repaired:
        return "repaired; no longer disclosed (003 art. 44, 004 art. 56)"
    if record.shielded:
        return "shielded at the subject's request (001 art. 35)"
    # 003 art. 35: the period runs on while the subject stays on the
    # serious-dishonesty list.
    expired = record.category is Category.ADVERSE and record.expired(today)
    if expired and not subject.on_serious_dishonesty_list:
        return "past its disclosure period (003 art. 35)"
    return None


def _by_openness(
    viewer: Viewer, subject: SubjectState, record: CreditRecord, today: date
) -> Decision:
    duty = _duty(viewer, record)
    consent = _consent(viewer, subject, record, today)
    if record.openness is Openness.INTERNAL:
        return duty or Decision(
            False,
            "internal to government units in a listed duty (001 art. 14)",
            denial=Denial.FORBIDDEN,
        )
    if record.openness is Openness.PUBLIC and _public_for(subject, record):
        return Decision(True, "public information (001 art. 14)", Basis.PUBLIC)
    if duty:
        return duty
    if consent:
        return consent
    return Decision(
        False,
        "needs the subject's written consent (002 art. 21, 003 art. 20, 000 art. 47)",
        denial=Denial.CONSENT_REQUIRED,
    )


def _public_for(subject: SubjectState, record: CreditRecord) -> bool:
    # 000 art. 47: a person's credit information is not public unless the
    # catalogue marks the item public for persons (e.g. court defaulter lists).
    return subject.kind is not SubjectKind.NATURAL_PERSON or record.item.public_for_persons


def _duty(viewer: Viewer, record: CreditRecord) -> Decision | None:
    duty = viewer.duty
    if viewer.kind is not ViewerKind.GOV_UNIT or duty is None:
        return None
    if record.category not in duty.categories:
        return None
    return Decision(True, f"duty matter {duty.matter_code} (001 art. 27)", Basis.DUTY, logged=True)


def _consent(
    viewer: Viewer, subject: SubjectState, record: CreditRecord, today: date
) -> Decision | None:
    if viewer.kind is not ViewerKind.INSTITUTION:
        return None
    moment = datetime.combine(today, time())
    for grant in viewer.consents_for(subject.code):
        # 003 art. 20: usable only by the grantee, within scope and validity.
        if grant.grantee_code != viewer.code or record.item.code not in grant.items:
            continue
        if grant.valid_from.date() <= moment.date() <= grant.valid_until.date():
            return Decision(
                True, f"consent {grant.consent_id}", Basis.CONSENT, consent=grant, logged=True
            )
    return None
