"""Lenient conversion of source values into the gateway's plain types."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from gateway.domain import DetailValue

_DATE = re.compile(r"^(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})")


def to_date(value: object) -> date | None:
    """A date from a DATE/DATETIME value or a 'YYYY-MM-DD' / 'YYYYMMDD' string.

    Anything unreadable becomes None rather than failing the whole batch: one
    bad cell must not hide every other subject's records.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DATE.match(str(value).strip())
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def to_detail(value: object) -> DetailValue:
    """A cell value as one of the detail value types (Decimals become floats)."""
    if value is None or isinstance(value, str | int | float | bool | date):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def to_text(value: object) -> str | None:
    """A cell as text, or None when empty."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None
