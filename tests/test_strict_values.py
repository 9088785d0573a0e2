"""What a person types as a corrected value is read strictly, by the field's type."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.domain import DetailType
from gateway.values import strict_value


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        (DetailType.MONEY, "0.5", 0.5),
        (DetailType.MONEY, "1200", 1200),
        (DetailType.MONEY, "9999999999999.9999", 9999999999999.9999),
        (DetailType.NUMBER, "-3", -3),
        (DetailType.DATE, "2026-11-23", date(2026, 11, 23)),
        (DetailType.BOOLEAN, "true", True),
        (DetailType.BOOLEAN, "false", False),
        (DetailType.TEXT, "任意文字", "任意文字"),
    ],
)
def test_values_written_as_their_type_are_read(kind: DetailType, text: str, value: object) -> None:
    assert strict_value(kind, text) == value


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (DetailType.MONEY, "-1"),
        (DetailType.MONEY, "1" + "0" * 13),
        (DetailType.MONEY, "1.23456"),
        (DetailType.MONEY, "１０"),
        (DetailType.MONEY, "1_000"),
        (DetailType.MONEY, "1e3"),
        (DetailType.MONEY, "nan"),
        (DetailType.NUMBER, "1" * 16),
        (DetailType.DATE, "2026-02-30"),
        (DetailType.DATE, "20261123"),
        (DetailType.DATE, "２０２６-11-23"),
        (DetailType.BOOLEAN, "yes"),
        (DetailType.BOOLEAN, "是"),
    ],
)
def test_anything_else_is_refused(kind: DetailType, text: str) -> None:
    assert strict_value(kind, text) is None


@given(st.text(max_size=30))
def test_a_money_value_read_is_a_finite_amount_below_ten_to_the_thirteen(text: str) -> None:
    value = strict_value(DetailType.MONEY, text)
    assert value is None or (isinstance(value, int | float) and 0 <= float(value) < 1e13)
