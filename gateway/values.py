"""Lenient conversion of source values into the gateway's plain types."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import Decimal

from gateway.domain import DetailType, DetailValue

_DATE = re.compile(r"^(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})")
_YES = frozenset({"1", "true", "y", "yes", "是"})


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
    """A cell value as one of the detail value types, keeping its type where it is one.

    A Decimal becomes an int when it is whole (a NUMERIC year reads "2025",
    not "2025.0") and a float otherwise; bytes become text.
    """
    if value is None or isinstance(value, str | int | float | bool | date):
        return value
    if isinstance(value, Decimal):
        return _decimal(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def to_number(value: object) -> int | float | None:
    """A number from a numeric value or its text; integers stay int, None when unreadable."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return _decimal(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    try:
        return int(value)
    except ValueError:
        pass
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def to_flag(value: object) -> bool | None:
    """A yes/no from a boolean, a number (non-zero is yes) or text such as 'Y' or '是'."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        return value != 0
    if isinstance(value, str):
        return value.strip().lower() in _YES
    return None


def to_text(value: object) -> str | None:
    """A cell as text, or None when empty."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _decimal(value: Decimal) -> int | float | None:
    if not value.is_finite():
        return None
    return int(value) if value == value.to_integral_value() else float(value)


_STRICT = {
    # [0-9], not \d: \d matches full-width and other scripts' digits too.
    DetailType.DATE: re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
    DetailType.MONEY: re.compile(r"[0-9]{1,13}(\.[0-9]{1,4})?"),  # never negative, below 10^13
    DetailType.NUMBER: re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,6})?"),
    DetailType.BOOLEAN: re.compile(r"true|false"),
}


def strict_value(kind: DetailType, text: str) -> DetailValue:
    """``text`` as a value of ``kind`` when it is written exactly as one, else None.

    For what people type (a correction), not for what sources send: a DATE as
    YYYY-MM-DD, MONEY as a plain non-negative amount, NUMBER as a plain number
    of at most 15 digits, BOOLEAN as true or false, TEXT as it is.
    """
    pattern = _STRICT.get(kind)
    if pattern is None:
        return text
    if pattern.fullmatch(text) is None:
        return None
    if kind is DetailType.DATE:
        return to_date(text)
    if kind is DetailType.BOOLEAN:
        return text == "true"
    return to_number(text)
