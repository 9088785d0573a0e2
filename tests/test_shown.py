"""What of a record a decision lets through (gateway/shown.py), for CreditRecord and
the report alike: a person's amounts only under a consent naming them (003 art. 18),
and what a correction replaced only to the subject and its case's handlers (004 art. 52)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from gateway.domain import Category, Openness
from gateway.policy import Basis, Decision
from gateway.records import Correction
from gateway.shown import shown_corrections, shown_details
from gateway.visibility import Disclosed
from tests.factories import item, record

TAX = item("TAX", Category.OTHER, Openness.AUTHORIZED, sensitive=True)
FIELDS = {f.key: f for f in TAX.fields}
CORRECTIONS = (
    Correction("note", "备注", FIELDS["note"].type, "旧", "新", date(2026, 11, 22)),
    Correction("amount", "金额", FIELDS["amount"].type, 10, 20, date(2026, 11, 22)),
)
RECORD = replace(record(TAX), corrections=CORRECTIONS)


@pytest.mark.parametrize(
    ("basis", "redact", "details", "corrections"),
    [
        (Basis.SELF, False, ["amount", "note"], [("note", "旧"), ("amount", 10)]),
        (Basis.CASE, False, ["amount", "note"], [("note", "旧"), ("amount", 10)]),
        (Basis.CONSENT, False, ["amount", "note"], [("note", None), ("amount", None)]),
        (Basis.CONSENT, True, ["note"], [("note", None)]),
        (Basis.DUTY, True, ["note"], [("note", None)]),
        (Basis.PUBLIC, False, ["amount", "note"], [("note", None), ("amount", None)]),
    ],
)
def test_what_each_decision_lets_through(
    basis: Basis, redact: bool, details: list[str], corrections: list[tuple[str, object]]
) -> None:
    disclosed = Disclosed(RECORD, Decision(True, "test", basis, redact_sensitive=redact))
    assert [d.key for d in shown_details(disclosed)] == details
    shown = shown_corrections(disclosed)
    assert [(c.key, c.previous) for c in shown] == corrections
    assert all(c.corrected is not None for c in shown)
