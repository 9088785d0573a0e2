"""Normalisation: the catalogue gives meaning; forbidden data never passes."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest

import gateway.records as records_module
from gateway.config.catalogue import Catalogue, DetailField, Period, PeriodStart
from gateway.domain import Category, DetailType, Openness, Provenance, RawRecord, SubjectKind
from gateway.records import Normaliser, add_period, disclosure_until
from gateway.values import to_detail
from tests.codes import org_code, person_code
from tests.factories import item

PENALTY = item("PENALTY", Category.ADVERSE, Openness.PUBLIC, period=Period(3, "y"))


def _raw(**details: object) -> RawRecord:
    return RawRecord(
        source="src",
        record_id="t:1",
        subject_code="S",
        item="PENALTY",
        decided_on=date(2024, 2, 29),
        details=details,  # type: ignore[arg-type]
    )


def test_forbidden_and_undeclared_attributes_are_dropped_whatever_the_source_sends() -> None:
    raw = _raw(
        amount="5000.50",
        note="n",
        religion="x",
        blood_type="A",
        宗教信仰="x",
        fingerprint="x",
        medical_history="x",
        whereabouts="x",
        unexpected="x",
    )
    record = Normaliser(Catalogue({"PENALTY": PENALTY})).normalise(raw, Provenance.PUBLIC_CREDIT)
    assert record is not None
    assert [(d.key, d.value) for d in record.details] == [("amount", 5000.5), ("note", "n")]
    assert record.details[0].type is DetailType.MONEY


def test_openness_and_period_come_from_the_catalogue() -> None:
    record = Normaliser(Catalogue({"PENALTY": PENALTY})).normalise(_raw(), Provenance.PUBLIC_CREDIT)
    assert record is not None
    assert record.openness is Openness.PUBLIC
    assert record.disclosure_until == date(2027, 2, 28)  # 29 Feb + 3 years
    assert record.title == "PENALTY"


def test_unknown_items_are_dropped() -> None:
    raw = RawRecord(source="src", record_id="1", subject_code="S", item="NOPE")
    assert Normaliser(Catalogue({})).normalise(raw, Provenance.PUBLIC_CREDIT) is None


def test_period_counts_from_the_configured_date() -> None:
    ended = replace(item("DEFAULTER", period=Period(5, "y")), period_start=PeriodStart.ENDED)
    raw = RawRecord(
        source="s",
        record_id="1",
        subject_code="S",
        item="DEFAULTER",
        decided_on=date(2020, 1, 1),
        ended_on=date(2021, 6, 30),
    )
    assert disclosure_until(ended, raw) == date(2026, 6, 30)  # 003 art. 35: from the end
    open_ended = RawRecord(
        source="s", record_id="1", subject_code="S", item="DEFAULTER", decided_on=date(2020, 1, 1)
    )
    assert disclosure_until(ended, open_ended) is None  # still going on: not yet counting


def test_add_period_units() -> None:
    assert add_period(date(2025, 1, 31), Period(1, "m")) == date(2025, 2, 28)
    assert add_period(date(2025, 1, 1), Period(90, "d")) == date(2025, 4, 1)


# --- A record whose item does not apply to its subject's kind --------------------------

COMPANY, PERSON = org_code(1), person_code(7)
VOLUNTEERING = replace(
    item("VOLUNTEERING", Category.COMMENDATORY),
    subject_kinds=frozenset({SubjectKind.NATURAL_PERSON}),
)
INSURANCE_ARREARS = replace(
    item("SOCIAL_INSURANCE_ARREARS"),
    subject_kinds=frozenset({SubjectKind.LEGAL_PERSON, SubjectKind.UNINCORPORATED_ORG}),
)
SOCIAL_ORG_ABNORMAL = replace(
    item("SOCIAL_ORG_ABNORMAL"), subject_kinds=frozenset({SubjectKind.LEGAL_PERSON})
)
PARTNERSHIP = replace(
    item("PARTNERSHIP"), subject_kinds=frozenset({SubjectKind.UNINCORPORATED_ORG})
)
KINDS = Catalogue(
    {i.code: i for i in (VOLUNTEERING, INSURANCE_ARREARS, SOCIAL_ORG_ABNORMAL, PARTNERSHIP)}
)


def _on(
    code: str, item_code: str, source: str = "src", kind: SubjectKind | None = None
) -> RawRecord:
    record_id = f"{item_code.lower()}:1"
    return RawRecord(source, record_id, code, item_code, subject_kind=kind, origin="zyz_mapping")


def _kept(normaliser: Normaliser, raw: RawRecord) -> bool:
    return normaliser.normalise(raw, Provenance.PUBLIC_CREDIT) is not None


def test_a_record_of_an_item_for_another_kind_of_subject_is_dropped() -> None:
    normaliser = Normaliser(KINDS)
    assert not _kept(normaliser, _on(COMPANY, "VOLUNTEERING"))
    assert not _kept(normaliser, _on(PERSON, "SOCIAL_INSURANCE_ARREARS"))
    assert _kept(normaliser, _on(PERSON, "VOLUNTEERING"))
    assert _kept(normaliser, _on(COMPANY, "SOCIAL_INSURANCE_ARREARS"))


def test_an_organisation_code_fits_any_organisation_kind_unless_the_record_says() -> None:
    normaliser = Normaliser(KINDS)
    # A USCC does not tell a legal person from an unincorporated organisation.
    assert _kept(normaliser, _on(COMPANY, "SOCIAL_ORG_ABNORMAL"))
    assert _kept(normaliser, _on(COMPANY, "PARTNERSHIP"))
    assert not _kept(normaliser, _on(PERSON, "PARTNERSHIP"))
    # A registration row does, and the record says so.
    said = _on(COMPANY, "SOCIAL_ORG_ABNORMAL", kind=SubjectKind.UNINCORPORATED_ORG)
    assert not _kept(normaliser, said)
    said = _on(COMPANY, "SOCIAL_ORG_ABNORMAL", kind=SubjectKind.LEGAL_PERSON)
    assert _kept(normaliser, said)


def test_drops_are_counted_by_source_and_item() -> None:
    normaliser = Normaliser(KINDS)
    for raw in (
        _on(COMPANY, "VOLUNTEERING", "civil_affairs"),
        _on(COMPANY, "VOLUNTEERING", "civil_affairs"),
        _on(PERSON, "VOLUNTEERING", "civil_affairs"),  # applies: not counted
        _on(PERSON, "SOCIAL_INSURANCE_ARREARS", "tax"),
    ):
        normaliser.normalise(raw, Provenance.PUBLIC_CREDIT)
    assert normaliser.dropped == Counter(
        {("civil_affairs", "VOLUNTEERING"): 2, ("tax", "SOCIAL_INSURANCE_ARREARS"): 1}
    )


def test_a_drop_is_logged_once_per_source_and_item(caplog: pytest.LogCaptureFixture) -> None:
    normaliser = Normaliser(KINDS)
    with caplog.at_level(logging.WARNING, logger="gateway.records"):
        for _ in range(3):
            normaliser.normalise(_on(COMPANY, "VOLUNTEERING", "civil"), Provenance.PUBLIC_CREDIT)
        normaliser.normalise(_on(COMPANY, "VOLUNTEERING", "other"), Provenance.PUBLIC_CREDIT)
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2
    assert "civil" in messages[0]
    assert "other" in messages[1]
    for message in messages:
        assert "VOLUNTEERING" in message
        assert "mapping zyz_mapping" in message  # which part of the config produced it
        assert "volunteering:1" in message
        assert COMPANY not in message  # subject codes stay out of the log


# --- Details: converted once to the declared type; forbidden ones never pass ------------

NUMBERS = replace(
    item("PENALTY"),
    fields=(
        DetailField("year", "年度", DetailType.NUMBER),
        DetailField("amount", "金额", DetailType.MONEY),
        DetailField("on", "日期", DetailType.DATE),
        DetailField("flag", "是否", DetailType.BOOLEAN),
        DetailField("note", "备注", DetailType.TEXT),
    ),
)


@pytest.mark.parametrize(
    ("details", "expected"),
    [
        # What drivers and JSON give: an int stays an int (its text reads "2025").
        (
            {"year": 2025, "amount": 5000.5, "on": datetime(2024, 3, 15, 9, 30), "flag": 1},
            {"year": 2025, "amount": 5000.5, "on": date(2024, 3, 15), "flag": True},
        ),
        # Text columns, read leniently.
        (
            {"year": "2025", "amount": "5000.50", "on": "20240315", "flag": "否", "note": 7},
            {"year": 2025, "amount": 5000.5, "on": date(2024, 3, 15), "flag": False, "note": "7"},
        ),
        # Unreadable as the declared type: None, not a failed batch.
        (
            {"year": "n/a", "amount": float("nan"), "on": "soon", "flag": date(2024, 1, 1)},
            {"year": None, "amount": None, "on": None, "flag": None},
        ),
    ],
)
def test_details_are_converted_once_to_the_declared_type(
    details: dict[str, object], expected: dict[str, object]
) -> None:
    record = Normaliser(Catalogue({"PENALTY": NUMBERS})).normalise(
        _raw(**details), Provenance.PUBLIC_CREDIT
    )
    assert record is not None
    got = {d.key: d.value for d in record.details}
    assert got == expected
    assert {k: type(v) for k, v in got.items()} == {k: type(v) for k, v in expected.items()}


def test_a_whole_decimal_becomes_an_int_and_a_fraction_a_float() -> None:
    assert (to_detail(Decimal("2025")), to_detail(Decimal("5000.00"))) == (2025, 5000)
    assert type(to_detail(Decimal("5000.00"))) is int
    assert to_detail(Decimal("5000.50")) == 5000.5
    assert type(to_detail(Decimal("5000.50"))) is float


def test_a_forbidden_field_the_catalogue_declares_is_still_dropped() -> None:
    # check-config refuses such an item; this is the second line of defence.
    declared = replace(
        item("PENALTY"),
        fields=(
            DetailField("religion", "类别", DetailType.TEXT),  # forbidden by its key
            DetailField("belief", "宗教信仰", DetailType.TEXT),  # by its label
            DetailField("note", "备注", DetailType.TEXT),
        ),
    )
    raw = _raw(religion="x", belief="x", note="n")
    record = Normaliser(Catalogue({"PENALTY": declared})).normalise(raw, Provenance.PUBLIC_CREDIT)
    assert record is not None
    assert [(d.key, d.value) for d in record.details] == [("note", "n")]


def test_details_are_typed_when_first_read_then_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    real = records_module.typed_value

    def counting(kind: DetailType, value: object) -> object:
        calls.append(value)
        return real(kind, value)  # type: ignore[arg-type]

    monkeypatch.setattr(records_module, "typed_value", counting)
    record = Normaliser(Catalogue({"PENALTY": PENALTY})).normalise(
        _raw(amount="5000.50", note="n"), Provenance.PUBLIC_CREDIT
    )
    assert record is not None
    assert calls == []  # a record shown without its details never types them
    typed = tuple(record.details)
    assert [(d.key, d.value) for d in typed] == [("amount", 5000.5), ("note", "n")]
    assert len(calls) == 2
    assert (record.details == typed, hash(record.details) == hash(typed)) == (True, True)
    assert (len(record.details), record.details[0].key) == (2, "amount")
    assert len(calls) == 2  # typed once
    assert replace(record, details=typed) == record
