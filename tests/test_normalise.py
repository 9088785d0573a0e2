"""Normalisation: the catalogue gives meaning; forbidden data never passes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from gateway.config.catalogue import Catalogue, Period, PeriodStart
from gateway.domain import Category, DetailType, Openness, Provenance, RawRecord
from gateway.records import Normaliser, add_period, disclosure_until
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
