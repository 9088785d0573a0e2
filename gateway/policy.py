"""Who sees what: the one pure module of DESIGN.md section 3.

Two questions, asked in this order:

- :func:`item_access`: may this viewer open this catalogue item of this
  subject at all? It depends on the item's openness and the viewer's token,
  consents and duty matter, never on the data, so it is worked out once per
  (viewer, subject, item) and a refusal reveals nothing about the records.
- :func:`decide`: may this record be disclosed? The record's lifecycle
  (disclosure period and its extension while listed, repair, shield,
  withdrawal) applies first, then the item's access.

Whether a consent is usable (grantee, purpose, scope, validity to the second,
revocation) is decided here and nowhere else, and so is whether an item can be
consented to at all, and whether a consent to its category opens it. An item
the catalogue marks ``consent_only`` (the integrity score, 001 art. 28) is
opened to the subject and under a consent naming it, and by nothing else.
Nothing here does I/O or reads a clock: ``now`` is passed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from gateway.config.catalogue import CatalogueItem
from gateway.domain import Category, Openness, Provenance, RecordStatus, SubjectKind
from gateway.records import CreditRecord
from gateway.viewer import ConsentGrant, Viewer, ViewerKind

# Disclosure periods run on China's calendar days.
CHINA = ZoneInfo("Asia/Shanghai")


class Basis(StrEnum):
    """Why information may be disclosed."""

    PUBLIC = "PUBLIC"
    SELF = "SELF"
    CONSENT = "CONSENT"
    DUTY = "DUTY"
    CASE = "CASE"  # the credit work agency, handling an objection to the record


class Denial(StrEnum):
    """The client-visible code of a refusal (STYLE.md rule 8)."""

    FORBIDDEN = "FORBIDDEN"
    CONSENT_REQUIRED = "CONSENT_REQUIRED"


@dataclass(frozen=True, slots=True)
class SubjectState:
    """What the policy needs to know about the subject itself (from the record-state stage)."""

    code: str
    kind: SubjectKind
    # Since when the subject has been on the serious-dishonesty list, without
    # leaving it; None when it is not on it now.
    serious_dishonesty_since: date | None = None

    @property
    def on_serious_dishonesty_list(self) -> bool:
        return self.serious_dishonesty_since is not None


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome for one item, or one record, of one subject."""

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
    status: RecordStatus = RecordStatus.ACTIVE


def china_today(now: datetime) -> date:
    return now.astimezone(CHINA).date()


def item_access(
    viewer: Viewer, subject: SubjectState, item: CatalogueItem, now: datetime
) -> Decision:
    """Whether ``viewer`` may open ``item`` of ``subject`` at ``now``, whatever records exist."""
    if viewer.is_subject(subject.code):
        # 001 art. 14(3), 003 art. 20: the subject sees everything about itself.
        return Decision(True, "the subject's own information", Basis.SELF)
    decision = _by_openness(viewer, subject, item, now)
    if decision.allowed and subject.kind is SubjectKind.NATURAL_PERSON:
        consent = decision.consent
        return replace(decision, redact_sensitive=not (consent and consent.sensitive_financial))
    return decision


def decide(
    viewer: Viewer,
    subject: SubjectState,
    record: CreditRecord,
    now: datetime,
    access: Decision | None = None,
) -> Decision:
    """Whether ``viewer`` may see ``record`` about ``subject`` at ``now``.

    ``access`` is :func:`item_access` for the record's item, when the caller
    has already worked it out for this viewer and subject.
    """
    access = access or item_access(viewer, subject, record.item, now)
    if not access.allowed and _handles_case(viewer, record):
        access = Decision(
            True,
            "a case about it is being handled (001 arts. 34, 36)",
            Basis.CASE,
            logged=True,
            # 003 art. 18: a person's amounts need a consent naming them; a case is none.
            redact_sensitive=subject.kind is SubjectKind.NATURAL_PERSON,
        )
    status = lifecycle(subject, record, china_today(now))
    if access.basis is not Basis.SELF and (withheld := _WITHHELD.get(status)) is not None:
        return Decision(False, withheld, denial=Denial.FORBIDDEN, status=status)
    # The subject sees its expired, repaired, shielded and withdrawn records too.
    return access if access.status is status else replace(access, status=status)


def _handles_case(viewer: Viewer, record: CreditRecord) -> bool:
    # 001 arts. 34, 36, 004 arts. 52, 55: the agency verifies what is objected to or
    # applied to be repaired, and only that, while the case is open; a provider
    # unit's operator, its own unit's records under objection (001 art. 34(2)).
    if viewer.kind is ViewerKind.AGENCY:
        return record.under_objection or record.repair_pending
    if viewer.kind is ViewerKind.PROVIDER:
        own = record.source in viewer.sources or (
            record.provided_by is not None and record.provided_by == viewer.code
        )
        return record.under_objection and own
    return False


def objection_refused(viewer: Viewer, subject_code: str) -> str | None:
    """Why ``viewer`` may not object to information about ``subject_code``: only the
    subject itself may (000 art. 46, 001 art. 34, 004 art. 52)."""
    if viewer.is_subject(subject_code):
        return None
    return "only the subject itself may object to its information (001 art. 34)"


def case_refused(viewer: Viewer, forwarded_to: str | None = None) -> str | None:
    """Why ``viewer`` may not decide a case: the credit work agency does, and a
    provider unit's operator the objections forwarded to its unit (001 art. 34(2))."""
    if viewer.kind is ViewerKind.AGENCY:
        return None
    if viewer.kind is ViewerKind.PROVIDER and forwarded_to is not None:
        if viewer.code == forwarded_to:
            return None
        return "the objection was forwarded to another unit"
    return "objections are handled by the credit work agency (001 art. 34)"


def sees_replaced_values(decision: Decision) -> bool:
    """Whether a viewer the record was disclosed to under ``decision`` sees what a
    correction replaced: information found wrong (004 art. 52) is shown to the
    subject and to those handling its case, not published again."""
    return decision.basis in (Basis.SELF, Basis.CASE)


def performance_refused(viewer: Viewer, accepting_unit: str | None) -> str | None:
    """Why ``viewer`` may not record whether a commitment was kept: only the unit it
    was made to may (001 art. 30, 004 art. 22), never the subject itself."""
    if viewer.kind is ViewerKind.PROVIDER and accepting_unit is not None:
        if viewer.code == accepting_unit:
            return None
        return "the commitment was made to another unit"
    return "a commitment's performance is recorded by the unit it was made to (001 art. 30)"


def lifecycle(subject: SubjectState, record: CreditRecord, today: date) -> RecordStatus:
    """Where ``record`` stands: the gateway's own marks first, then its period."""
    if record.withdrawn:
        return RecordStatus.WITHDRAWN
    if record.repaired:
        return RecordStatus.REPAIRED
    if record.shielded and shieldable(record):
        return RecordStatus.SHIELDED
    # Disclosure periods are for adverse information (003 art. 35) and for list
    # entries, which stop being disclosed when removed (a red-list entry too).
    timed = record.category is Category.ADVERSE or record.item.listing is not None
    if timed and record.expired(today) and not _extended(subject, record):
        return RecordStatus.EXPIRED
    return RecordStatus.ACTIVE


def shieldable(record: CreditRecord) -> bool:
    # 001 art. 35: a subject may have its good information (commendations,
    # volunteering, donations, good deeds) and its self-declared market
    # information shielded; nothing else.
    return record.category is Category.COMMENDATORY or record.provenance is Provenance.SELF_DECLARED


def _extended(subject: SubjectState, record: CreditRecord) -> bool:
    # 003 art. 35: a subject still on the serious-dishonesty list when the
    # period ends has it extended until the day it leaves the list.
    since = subject.serious_dishonesty_since
    until = record.disclosure_until
    adverse = record.category is Category.ADVERSE
    return adverse and since is not None and until is not None and since <= until


_WITHHELD = {
    RecordStatus.WITHDRAWN: "withdrawn: its decision was revoked or corrected (003 art. 43)",
    RecordStatus.REPAIRED: "repaired; no longer disclosed (003 art. 44, 004 art. 56)",
    RecordStatus.SHIELDED: "shielded at the subject's request (001 art. 35)",
    RecordStatus.EXPIRED: "past its disclosure period (003 art. 35)",
}


def consent_unusable(viewer: Viewer, grant: ConsentGrant, now: datetime) -> str | None:
    """Why ``grant`` opens nothing for ``viewer`` at ``now``; None when it is usable.

    003 art. 20, 002 art. 21: a consent serves only its grantee, for the purpose
    it states, within its validity, until the subject revokes it.
    """
    if viewer.kind is not ViewerKind.INSTITUTION:
        return "consents are for institutions"
    if grant.grantee_code != viewer.code:
        return "was granted to another institution (003 art. 20)"
    if viewer.purpose is None:
        return "state the query purpose in the X-Query-Purpose header (003 art. 20)"
    if grant.purpose != viewer.purpose:
        return f"was granted for purpose {grant.purpose}, not {viewer.purpose} (003 art. 20)"
    if grant.revoked:
        return "has been revoked by the subject"
    return outside_validity(grant.valid_from, grant.valid_until, now)


def outside_validity(valid_from: datetime, valid_until: datetime, now: datetime) -> str | None:
    """Why a consent valid over [valid_from, valid_until) is not valid at ``now``, if it is not."""
    if now < valid_from:
        return "is not valid yet"
    if now >= valid_until:
        return "has expired"
    return None


def measures_refused(viewer: Viewer, subject_code: str, matter: str) -> str | None:
    """Why ``viewer`` may not be told which measures apply to a subject in ``matter``.

    A government unit is told in the duty matter it is acting in (001 art. 27),
    and the subject itself in any (001 art. 25: told the basis and reason).
    """
    if viewer.is_subject(subject_code):
        return None
    if viewer.kind is not ViewerKind.GOV_UNIT:
        return "applicable measures are for government units in a listed duty matter"
    if viewer.duty is None or viewer.duty.matter_code != matter:
        return f"name the duty matter {matter} in the X-Duty-Matter header (001 art. 27)"
    return None


def consentable(item: CatalogueItem) -> str | None:
    """Why a subject cannot consent to ``item``; None when it can."""
    if item.openness is Openness.INTERNAL:
        # 001 art. 14: internal information is for government duties only.
        return f"{item.code} is internal to government units; consent cannot open it"
    return None


def opened_by_category(item: CatalogueItem) -> bool:
    """Whether a consent to ``item``'s category opens it: not when consent cannot
    open it at all, nor when it is ``consent_only``, which a consent must name."""
    return consentable(item) is None and not item.consent_only


def openable_items(
    viewer: Viewer,
    subjects: Iterable[SubjectState],
    catalogue: Iterable[CatalogueItem],
    now: datetime,
) -> frozenset[str]:
    """Items this viewer may open of at least one of ``subjects``: what sources are asked for.

    Every item is judged by :func:`item_access`. What a viewer may open without a
    consent depends on the subject's kind only, so it is judged once per kind;
    then the items of each subject's consents, and everything of the viewer itself.
    """
    items = {item.code: item for item in catalogue}
    subjects = list(subjects)
    handles_cases = viewer.kind in (ViewerKind.AGENCY, ViewerKind.PROVIDER)
    if handles_cases or any(viewer.is_subject(s.code) for s in subjects):
        # The agency may see whatever is under objection, so it is all asked for.
        return frozenset(items)
    openable: set[str] = set()
    for kind in {s.kind for s in subjects}:
        anyone = SubjectState("", kind)  # no code: neither the viewer nor consented to
        openable |= {
            c for c, item in items.items() if item_access(viewer, anyone, item, now).allowed
        }
    for subject in subjects:
        for grant in viewer.consents_for(subject.code):
            for code in grant.items - openable:
                item = items.get(code)
                if item is not None and item_access(viewer, subject, item, now).allowed:
                    openable.add(code)
    return frozenset(openable)


def _by_openness(
    viewer: Viewer, subject: SubjectState, item: CatalogueItem, now: datetime
) -> Decision:
    if item.consent_only:
        return _consent(viewer, subject, item, now) or _consent_only_refused(viewer, item)
    duty = _duty(viewer, item)
    if item.openness is Openness.INTERNAL:
        return duty or Decision(
            False,
            "internal to government units in a listed duty (001 art. 14)",
            denial=Denial.FORBIDDEN,
        )
    if item.openness is Openness.PUBLIC and _public_for(subject, item):
        return Decision(True, "public information (001 art. 14)", Basis.PUBLIC)
    if duty:
        return duty
    consent = _consent(viewer, subject, item, now)
    if consent:
        return consent
    return Decision(
        False,
        "needs the subject's written consent (002 art. 21, 003 art. 20, 000 art. 47)",
        denial=Denial.CONSENT_REQUIRED,
    )


def _consent_only_refused(viewer: Viewer, item: CatalogueItem) -> Decision:
    # 001 art. 28: the score grants benefits and may not be the ground of a
    # restriction, so no duty matter opens it: a unit whose matter covers the
    # item's category is told no duty does (FORBIDDEN), anyone else that the
    # subject's consent naming it would (CONSENT_REQUIRED).
    reason = (
        f"{item.code} is shown only to the subject and under the subject's consent "
        "naming it (001 art. 28)"
    )
    denial = Denial.FORBIDDEN if _duty(viewer, item) else Denial.CONSENT_REQUIRED
    return Decision(False, reason, denial=denial)


def _public_for(subject: SubjectState, item: CatalogueItem) -> bool:
    # 000 art. 47: a person's credit information is not public unless the
    # catalogue marks the item public for persons (e.g. court defaulter lists).
    return subject.kind is not SubjectKind.NATURAL_PERSON or item.public_for_persons


def _duty(viewer: Viewer, item: CatalogueItem) -> Decision | None:
    duty = viewer.duty
    if viewer.kind is not ViewerKind.GOV_UNIT or duty is None:
        return None
    if item.category not in duty.categories:
        return None
    return Decision(True, f"duty matter {duty.matter_code} (001 art. 27)", Basis.DUTY, logged=True)


def _consent(
    viewer: Viewer, subject: SubjectState, item: CatalogueItem, now: datetime
) -> Decision | None:
    for grant in viewer.consents_for(subject.code):
        if item.code in grant.items and consent_unusable(viewer, grant, now) is None:
            return Decision(
                True, f"consent {grant.consent_id}", Basis.CONSENT, consent=grant, logged=True
            )
    return None
