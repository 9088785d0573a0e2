"""The policy table of DESIGN.md section 3, row by row (a pure function, no I/O)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from gateway.domain import Category, Openness, RecordStatus, SubjectKind
from gateway.policy import (
    Basis,
    Decision,
    Denial,
    SubjectState,
    consent_unusable,
    consentable,
    decide,
    item_access,
    openable_items,
    opened_by_category,
)
from gateway.viewer import ANONYMOUS, DutyGrant, Viewer, ViewerKind
from tests.factories import consent, item, record

NOW = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)  # 12:00 in China
ORG, PERSON, BANK, OTHER_BANK = "ORG", "PERSON", "BANK", "OTHER_BANK"
PUBLIC = item("PUB", Category.ADVERSE, Openness.PUBLIC)
PUBLIC_FOR_PERSONS = item("DEFAULTER", Category.ADVERSE, Openness.PUBLIC, public_for_persons=True)
COMMENDATION = item("HONOUR", Category.COMMENDATORY, Openness.PUBLIC)
AUTHORIZED = item("AUTH", Category.ADVERSE, Openness.AUTHORIZED)
INTERNAL = item("INT", Category.ADVERSE, Openness.INTERNAL)
INTERNAL_BASIC = item("INTB", Category.BASIC, Openness.INTERNAL)
SENSITIVE = item("TAX", Category.OTHER, Openness.AUTHORIZED, sensitive=True)
# As the integrity score (001 art. 28): the subject's, and a consent naming it, open it.
CONSENT_ONLY = replace(item("SCORE", Category.OTHER, Openness.AUTHORIZED), consent_only=True)
OTHER_ITEM = item("RATING", Category.OTHER, Openness.AUTHORIZED)

SELF_ORG = Viewer(ViewerKind.SUBJECT, ORG)
SELF_PERSON = Viewer(ViewerKind.SUBJECT, PERSON)
SOMEONE_ELSE = Viewer(ViewerKind.SUBJECT, "SOMEONE")
BANK_NO_CONSENT = Viewer(ViewerKind.INSTITUTION, BANK)
ADVERSE_DUTY = DutyGrant("PROCUREMENT", "政府采购", frozenset({Category.ADVERSE}))
GOV = Viewer(ViewerKind.GOV_UNIT, "GOV", duty=ADVERSE_DUTY)
GOV_NO_DUTY = Viewer(ViewerKind.GOV_UNIT, "GOV")
OTHER_DUTY = DutyGrant("REVIEW", "资格审查", frozenset({Category.OTHER}))
GOV_OTHER = Viewer(ViewerKind.GOV_UNIT, "GOV", duty=OTHER_DUTY)


def bank(subject: str, items: set[str], **kwargs: object) -> Viewer:
    grant = consent(subject, BANK, items, **kwargs)  # type: ignore[arg-type]
    return Viewer(ViewerKind.INSTITUTION, BANK, consents={subject: (grant,)}, purpose="02")


ORG_STATE = SubjectState(ORG, SubjectKind.LEGAL_PERSON)
PERSON_STATE = SubjectState(PERSON, SubjectKind.NATURAL_PERSON)

# (name, viewer, subject, item, record flags, allowed, basis or denial, logged)
ROWS = [
    # anonymous
    ("anon org public", ANONYMOUS, ORG_STATE, PUBLIC, {}, True, Basis.PUBLIC, False),
    (
        "anon org authorized",
        ANONYMOUS,
        ORG_STATE,
        AUTHORIZED,
        {},
        False,
        Denial.CONSENT_REQUIRED,
        False,
    ),
    ("anon org internal", ANONYMOUS, ORG_STATE, INTERNAL, {}, False, Denial.FORBIDDEN, False),
    (
        "anon person public",
        ANONYMOUS,
        PERSON_STATE,
        PUBLIC,
        {},
        False,
        Denial.CONSENT_REQUIRED,
        False,
    ),
    (
        "anon person defaulter",
        ANONYMOUS,
        PERSON_STATE,
        PUBLIC_FOR_PERSONS,
        {},
        True,
        Basis.PUBLIC,
        False,
    ),
    (
        "anon person commendation (000 art. 47)",
        ANONYMOUS,
        PERSON_STATE,
        COMMENDATION,
        {},
        False,
        Denial.CONSENT_REQUIRED,
        False,
    ),
    ("anon org commendation", ANONYMOUS, ORG_STATE, COMMENDATION, {}, True, Basis.PUBLIC, False),
    (
        "another subject is anonymous-like",
        SOMEONE_ELSE,
        ORG_STATE,
        AUTHORIZED,
        {},
        False,
        Denial.CONSENT_REQUIRED,
        False,
    ),
    # the subject itself
    ("self internal", SELF_ORG, ORG_STATE, INTERNAL, {}, True, Basis.SELF, False),
    ("self authorized", SELF_PERSON, PERSON_STATE, AUTHORIZED, {}, True, Basis.SELF, False),
    ("self sees expired", SELF_ORG, ORG_STATE, PUBLIC, {"expired": True}, True, Basis.SELF, False),
    (
        "self sees repaired",
        SELF_ORG,
        ORG_STATE,
        PUBLIC,
        {"repaired": True},
        True,
        Basis.SELF,
        False,
    ),
    (
        "self sees shielded",
        SELF_PERSON,
        PERSON_STATE,
        COMMENDATION,
        {"shielded": True},
        True,
        Basis.SELF,
        False,
    ),
    # a grantee with consent
    (
        "bank without consent",
        BANK_NO_CONSENT,
        ORG_STATE,
        AUTHORIZED,
        {},
        False,
        Denial.CONSENT_REQUIRED,
        False,
    ),
    (
        "bank without consent, public",
        BANK_NO_CONSENT,
        ORG_STATE,
        PUBLIC,
        {},
        True,
        Basis.PUBLIC,
        False,
    ),
    (
        "bank with consent",
        bank(ORG, {"AUTH"}),
        ORG_STATE,
        AUTHORIZED,
        {},
        True,
        Basis.CONSENT,
        True,
    ),
    (
        "bank consent out of scope",
        bank(ORG, {"OTHER"}),
        ORG_STATE,
        AUTHORIZED,
        {},
        False,
        Denial.CONSENT_REQUIRED,
        False,
    ),
    (
        "bank consent for another subject",
        bank("X", {"AUTH"}),
        ORG_STATE,
        AUTHORIZED,
        {},
        False,
        Denial.CONSENT_REQUIRED,
        False,
    ),
    (
        "bank consent expired",
        bank(ORG, {"AUTH"}, valid_until=datetime(2026, 11, 1, tzinfo=UTC)),
        ORG_STATE,
        AUTHORIZED,
        {},
        False,
        Denial.CONSENT_REQUIRED,
        False,
    ),
    (
        "bank consent not yet valid",
        bank(ORG, {"AUTH"}, valid_from=datetime(2026, 12, 1, tzinfo=UTC)),
        ORG_STATE,
        AUTHORIZED,
        {},
        False,
        Denial.CONSENT_REQUIRED,
        False,
    ),
    (
        "bank consent never opens internal",
        bank(ORG, {"INT"}),
        ORG_STATE,
        INTERNAL,
        {},
        False,
        Denial.FORBIDDEN,
        False,
    ),
    (
        "bank consent opens a person's public item",
        bank(PERSON, {"PUB"}),
        PERSON_STATE,
        PUBLIC,
        {},
        True,
        Basis.CONSENT,
        True,
    ),
    (
        "bank consent opens a person's commendation",
        bank(PERSON, {"HONOUR"}),
        PERSON_STATE,
        COMMENDATION,
        {},
        True,
        Basis.CONSENT,
        True,
    ),
    # a government unit in a listed duty
    ("gov duty internal", GOV, ORG_STATE, INTERNAL, {}, True, Basis.DUTY, True),
    ("gov duty authorized", GOV, ORG_STATE, AUTHORIZED, {}, True, Basis.DUTY, True),
    ("gov duty public is plain public", GOV, ORG_STATE, PUBLIC, {}, True, Basis.PUBLIC, False),
    ("gov duty person", GOV, PERSON_STATE, PUBLIC, {}, True, Basis.DUTY, True),
    ("gov duty other category", GOV, ORG_STATE, INTERNAL_BASIC, {}, False, Denial.FORBIDDEN, False),
    ("gov without duty", GOV_NO_DUTY, ORG_STATE, INTERNAL, {}, False, Denial.FORBIDDEN, False),
    (
        "gov without duty, authorized",
        GOV_NO_DUTY,
        ORG_STATE,
        AUTHORIZED,
        {},
        False,
        Denial.CONSENT_REQUIRED,
        False,
    ),
    # lifecycle rules apply before the table
    (
        "expired adverse withheld",
        ANONYMOUS,
        ORG_STATE,
        PUBLIC,
        {"expired": True},
        False,
        Denial.FORBIDDEN,
        False,
    ),
    (
        "expired withheld from gov too",
        GOV,
        ORG_STATE,
        INTERNAL,
        {"expired": True},
        False,
        Denial.FORBIDDEN,
        False,
    ),
    (
        "expired but still listed (003 art. 35)",
        ANONYMOUS,
        replace(ORG_STATE, serious_dishonesty_since=date(2025, 6, 1)),
        PUBLIC,
        {"expired": True},
        True,
        Basis.PUBLIC,
        False,
    ),
    (
        "expired commendation is not adverse",
        ANONYMOUS,
        ORG_STATE,
        COMMENDATION,
        {"expired": True},
        True,
        Basis.PUBLIC,
        False,
    ),
    (
        "repaired withheld",
        GOV,
        ORG_STATE,
        INTERNAL,
        {"repaired": True},
        False,
        Denial.FORBIDDEN,
        False,
    ),
    (
        "shielded withheld",
        bank(PERSON, {"HONOUR"}),
        PERSON_STATE,
        COMMENDATION,
        {"shielded": True},
        False,
        Denial.FORBIDDEN,
        False,
    ),
    (
        "withdrawn withheld (003 art. 43)",
        GOV,
        ORG_STATE,
        INTERNAL,
        {"withdrawn": True},
        False,
        Denial.FORBIDDEN,
        False,
    ),
    (
        "self sees withdrawn",
        SELF_ORG,
        ORG_STATE,
        PUBLIC,
        {"withdrawn": True},
        True,
        Basis.SELF,
        False,
    ),
    (
        "bank consent for another purpose",
        replace(bank(ORG, {"AUTH"}), purpose="03"),
        ORG_STATE,
        AUTHORIZED,
        {},
        False,
        Denial.CONSENT_REQUIRED,
        False,
    ),
    (
        "bank consent without a stated purpose",
        replace(bank(ORG, {"AUTH"}), purpose=None),
        ORG_STATE,
        AUTHORIZED,
        {},
        False,
        Denial.CONSENT_REQUIRED,
        False,
    ),
    (
        "another bank holding the consent (grantee check)",
        replace(bank(ORG, {"AUTH"}), code=OTHER_BANK),
        ORG_STATE,
        AUTHORIZED,
        {},
        False,
        Denial.CONSENT_REQUIRED,
        False,
    ),
    (
        "bank consent revoked",
        bank(ORG, {"AUTH"}, revoked=True),
        ORG_STATE,
        AUTHORIZED,
        {},
        False,
        Denial.CONSENT_REQUIRED,
        False,
    ),
    (
        "listed only after the period ended: not extended (003 art. 35)",
        ANONYMOUS,
        replace(ORG_STATE, serious_dishonesty_since=date(2026, 6, 1)),
        PUBLIC,
        {"expired": True},
        False,
        Denial.FORBIDDEN,
        False,
    ),
    (
        "a shield on adverse information is ignored (001 art. 35)",
        ANONYMOUS,
        ORG_STATE,
        PUBLIC,
        {"shielded": True},
        True,
        Basis.PUBLIC,
        False,
    ),
    (
        "under objection still disclosed",
        ANONYMOUS,
        ORG_STATE,
        PUBLIC,
        {"under_objection": True},
        True,
        Basis.PUBLIC,
        False,
    ),
    # consent_only (the integrity score, 001 art. 28): the subject and a consent naming it
    ("consent_only self", SELF_PERSON, PERSON_STATE, CONSENT_ONLY, {}, True, Basis.SELF, False),
    (
        "consent_only anon",
        ANONYMOUS,
        PERSON_STATE,
        CONSENT_ONLY,
        {},
        False,
        Denial.CONSENT_REQUIRED,
        False,
    ),
    (
        "consent_only not opened by a duty matter of its category",
        GOV_OTHER,
        PERSON_STATE,
        CONSENT_ONLY,
        {},
        False,
        Denial.FORBIDDEN,
        False,
    ),
    (
        "consent_only not opened by a consent naming other items",
        bank(PERSON, {"RATING"}),
        PERSON_STATE,
        CONSENT_ONLY,
        {},
        False,
        Denial.CONSENT_REQUIRED,
        False,
    ),
    (
        "consent_only opened by a consent naming it",
        bank(PERSON, {"SCORE"}),
        PERSON_STATE,
        CONSENT_ONLY,
        {},
        True,
        Basis.CONSENT,
        True,
    ),
]


@pytest.mark.parametrize(
    ("viewer", "subject", "catalogue_item", "flags", "allowed", "outcome", "logged"),
    [row[1:] for row in ROWS],
    ids=[row[0] for row in ROWS],
)
def test_policy_table(
    viewer: Viewer,
    subject: SubjectState,
    catalogue_item: object,
    flags: dict[str, bool],
    allowed: bool,
    outcome: Basis | Denial,
    logged: bool,
) -> None:
    flags = dict(flags)
    until = date(2026, 1, 1) if flags.pop("expired", False) else date(2030, 1, 1)
    subject_record = record(catalogue_item, subject.code, disclosure_until=until, **flags)  # type: ignore[arg-type]
    decision = decide(viewer, subject, subject_record, NOW)
    assert decision.allowed is allowed, decision.reason
    assert (decision.basis if allowed else decision.denial) is outcome
    assert decision.logged is logged
    assert decision.reason


def _decide(viewer: Viewer, sensitive_item: object = SENSITIVE) -> Decision:
    return decide(viewer, PERSON_STATE, record(sensitive_item, PERSON), NOW)  # type: ignore[arg-type]


def test_sensitive_financial_needs_a_consent_naming_it() -> None:
    # 003 art. 18: a person's tax amounts only under consent that names them.
    assert _decide(bank(PERSON, {"TAX"})).redact_sensitive is True
    assert _decide(bank(PERSON, {"TAX"}, sensitive=True)).redact_sensitive is False
    assert _decide(SELF_PERSON).redact_sensitive is False
    duty = Viewer(ViewerKind.GOV_UNIT, "GOV", duty=DutyGrant("M", "m", frozenset({Category.OTHER})))
    assert _decide(duty).redact_sensitive is True


def test_organisations_are_never_redacted() -> None:
    decision = decide(bank(ORG, {"TAX"}), ORG_STATE, record(SENSITIVE, ORG), NOW)
    assert decision.allowed
    assert not decision.redact_sensitive


def test_the_subject_code_must_match_for_self() -> None:
    assert not decide(SOMEONE_ELSE, ORG_STATE, record(INTERNAL, ORG), NOW).allowed


def test_record_status_comes_from_the_policy() -> None:
    expired = record(PUBLIC, ORG, disclosure_until=date(2026, 1, 1))
    assert decide(SELF_ORG, ORG_STATE, expired, NOW).status is RecordStatus.EXPIRED
    listed = replace(ORG_STATE, serious_dishonesty_since=date(2025, 6, 1))
    assert decide(ANONYMOUS, listed, expired, NOW).status is RecordStatus.ACTIVE
    assert decide(SELF_ORG, ORG_STATE, replace(expired, repaired=True), NOW).status is (
        RecordStatus.REPAIRED
    )


def test_the_disclosure_period_ends_on_china_s_calendar_day() -> None:
    last_day = record(PUBLIC, ORG, disclosure_until=date(2026, 11, 23))
    # 2026-11-23 15:59 UTC is still the 23rd in China; 16:00 UTC is the 24th.
    assert decide(
        ANONYMOUS, ORG_STATE, last_day, datetime(2026, 11, 23, 15, 59, tzinfo=UTC)
    ).allowed
    assert not decide(
        ANONYMOUS, ORG_STATE, last_day, datetime(2026, 11, 23, 16, tzinfo=UTC)
    ).allowed


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({}, None),
        ({"code": OTHER_BANK}, "was granted to another institution (003 art. 20)"),
        ({"purpose": None}, "state the query purpose in the X-Query-Purpose header (003 art. 20)"),
        ({"purpose": "03"}, "was granted for purpose 02, not 03 (003 art. 20)"),
        ({"kind": ViewerKind.GOV_UNIT}, "consents are for institutions"),
    ],
)
def test_consent_usability_is_decided_in_one_place(
    change: dict[str, object], problem: str | None
) -> None:
    viewer = replace(bank(ORG, {"AUTH"}), **change)  # type: ignore[arg-type]
    grant = viewer.consents_for(ORG)[0]
    assert consent_unusable(viewer, grant, NOW) == problem


def test_consent_validity_is_checked_to_the_second() -> None:
    until = NOW + timedelta(seconds=1)
    viewer = bank(ORG, {"AUTH"}, valid_from=NOW, valid_until=until)
    grant = viewer.consents_for(ORG)[0]
    assert consent_unusable(viewer, grant, NOW - timedelta(seconds=1)) == "is not valid yet"
    assert consent_unusable(viewer, grant, NOW) is None
    assert consent_unusable(viewer, grant, until) == "has expired"
    assert decide(viewer, ORG_STATE, record(AUTHORIZED, ORG), NOW).allowed
    assert not decide(viewer, ORG_STATE, record(AUTHORIZED, ORG), until).allowed
    revoked = bank(ORG, {"AUTH"}, revoked=True)
    assert consent_unusable(revoked, revoked.consents_for(ORG)[0], NOW) == (
        "has been revoked by the subject"
    )


def test_internal_items_cannot_be_consented_to() -> None:
    assert consentable(INTERNAL) is not None
    assert consentable(AUTHORIZED) is None
    assert consentable(PUBLIC) is None


def test_item_access_needs_no_record() -> None:
    assert item_access(ANONYMOUS, ORG_STATE, PUBLIC, NOW).allowed
    assert item_access(ANONYMOUS, ORG_STATE, AUTHORIZED, NOW).denial is Denial.CONSENT_REQUIRED
    assert item_access(bank(ORG, {"AUTH"}), ORG_STATE, AUTHORIZED, NOW).basis is Basis.CONSENT


def test_sources_are_asked_only_for_items_the_viewer_may_open() -> None:
    catalogue = [PUBLIC, PUBLIC_FOR_PERSONS, AUTHORIZED, INTERNAL, COMMENDATION]
    subjects = [ORG_STATE, PERSON_STATE]
    assert openable_items(ANONYMOUS, subjects, catalogue, NOW) == {"PUB", "DEFAULTER", "HONOUR"}
    assert openable_items(ANONYMOUS, [PERSON_STATE], catalogue, NOW) == {"DEFAULTER"}
    assert openable_items(bank(ORG, {"AUTH"}), [ORG_STATE], catalogue, NOW) == {
        "PUB",
        "DEFAULTER",
        "HONOUR",
        "AUTH",
    }
    assert openable_items(GOV, [ORG_STATE], catalogue, NOW) == {
        "PUB",
        "DEFAULTER",
        "HONOUR",
        "AUTH",
        "INT",
    }
    assert openable_items(SELF_ORG, [ORG_STATE], catalogue, NOW) == {i.code for i in catalogue}


def test_a_consent_only_item_is_opened_by_a_consent_naming_it_and_nothing_else() -> None:
    # Deny, then allow: the same duty matter opens another item of the category.
    assert not item_access(GOV_OTHER, PERSON_STATE, CONSENT_ONLY, NOW).allowed
    assert item_access(GOV_OTHER, PERSON_STATE, OTHER_ITEM, NOW).basis is Basis.DUTY
    refused = item_access(bank(PERSON, {"RATING"}), PERSON_STATE, CONSENT_ONLY, NOW)
    assert (refused.denial, "001 art. 28" in refused.reason) == (Denial.CONSENT_REQUIRED, True)
    named = item_access(bank(PERSON, {"RATING", "SCORE"}), PERSON_STATE, CONSENT_ONLY, NOW)
    assert (named.allowed, named.basis, named.logged) == (True, Basis.CONSENT, True)
    # A person's consent is for that person: another subject's opens nothing.
    assert not item_access(bank(ORG, {"SCORE"}), PERSON_STATE, CONSENT_ONLY, NOW).allowed
    # ...nor once revoked or for another purpose (consent_unusable, as for any item).
    revoked = bank(PERSON, {"SCORE"}, revoked=True)
    assert not item_access(revoked, PERSON_STATE, CONSENT_ONLY, NOW).allowed
    other_purpose = replace(bank(PERSON, {"SCORE"}), purpose="03")
    assert not item_access(other_purpose, PERSON_STATE, CONSENT_ONLY, NOW).allowed


def test_a_consent_only_item_is_never_opened_by_openness() -> None:
    # check-config keeps it AUTHORIZED; were it PUBLIC, openness still would not open it.
    public = replace(CONSENT_ONLY, openness=Openness.PUBLIC, public_for_persons=True)
    for subject in (ORG_STATE, PERSON_STATE):
        assert item_access(ANONYMOUS, subject, public, NOW).denial is Denial.CONSENT_REQUIRED
        assert item_access(ANONYMOUS, subject, replace(public, consent_only=False), NOW).allowed
    assert item_access(bank(PERSON, {"SCORE"}), PERSON_STATE, public, NOW).allowed


def test_a_consent_to_its_category_does_not_open_a_consent_only_item() -> None:
    assert opened_by_category(OTHER_ITEM)
    assert opened_by_category(PUBLIC)
    assert not opened_by_category(CONSENT_ONLY)
    assert not opened_by_category(INTERNAL)  # nothing internal can be consented to
    assert consentable(CONSENT_ONLY) is None  # named, it can


def test_sources_are_asked_for_a_consent_only_item_only_under_a_consent_naming_it() -> None:
    catalogue = [CONSENT_ONLY, OTHER_ITEM]
    assert openable_items(GOV_OTHER, [PERSON_STATE], catalogue, NOW) == {"RATING"}
    assert openable_items(bank(PERSON, {"RATING"}), [PERSON_STATE], catalogue, NOW) == {"RATING"}
    assert openable_items(bank(PERSON, {"SCORE"}), [PERSON_STATE], catalogue, NOW) == {"SCORE"}
    assert openable_items(SELF_PERSON, [PERSON_STATE], catalogue, NOW) == {"SCORE", "RATING"}
