"""Dates of the demo data: a fixed reference date and each database's encoding.

Everything is relative to :data:`REFERENCE_DATE`, never to today, so the
same seed gives the same bytes on any day. Random rows carry dates as day
ordinals and encode them by table lookup, which keeps the large size fast.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cache

REFERENCE_DATE = date(2026, 11, 1)
REF = REFERENCE_DATE.toordinal()
_FIRST = date(1940, 1, 1).toordinal()
_LAST = date(2036, 12, 31).toordinal()

Encoder = Callable[[int], str | int]


def ordinal(year: int, month: int, day: int) -> int:
    return date(year, month, day).toordinal()


def years_later(day: int, years: int) -> int:
    """The ordinal ``years`` calendar years after ``day`` (29 Feb -> 28 Feb)."""
    d = date.fromordinal(day)
    try:
        return d.replace(year=d.year + years).toordinal()
    except ValueError:
        return d.replace(year=d.year + years, day=28).toordinal()


@cache
def _table(style: str) -> tuple[str | int, ...]:
    days = (date.fromordinal(o) for o in range(_FIRST, _LAST + 1))
    if style == "compact":
        return tuple(d.strftime("%Y%m%d") for d in days)
    if style == "iso":
        return tuple(d.isoformat() for d in days)
    if style == "int":
        return tuple(d.year * 10000 + d.month * 100 + d.day for d in days)
    if style == "stamp":
        # An Oracle DATE column exported as text: a date-only value reads midnight.
        return tuple(f"{d.isoformat()} 00:00:00" for d in days)
    raise ValueError(style)


def encoder(style: str) -> Encoder:
    """A function from day ordinal to the stored value in ``style``.

    ``style`` is "compact" ('YYYYMMDD'), "iso" ('YYYY-MM-DD'), "int"
    (yyyymmdd as an integer) or "stamp" ('YYYY-MM-DD HH:MM:SS').
    """
    values = _table(style)

    def encode(day: int) -> str | int:
        return values[day - _FIRST]

    return encode
