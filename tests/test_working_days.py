"""Deadlines in working days on China's official calendar, around real 2026 holidays.

The 2026 dates are those chinese-calendar 1.11 has from the State Council's
schedule: Mid-Autumn Sep 25-27 and National Day Oct 1-7 off, Sunday Sep 20 and
Saturday Oct 10 worked (调休); Spring Festival Feb 15-23 off, Saturdays
Feb 14 and Feb 28 worked.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.working_days import Deadline, add_working_days, is_working_day, overdue

DAY = timedelta(days=1)
# The last year the installed package covers; the next is counted Monday-Friday.
LAST_COVERED = max(chinese_calendar.holidays).year
UNCOVERED = 2099


def due(start: date, days: int) -> date:
    return add_working_days(start, days).due_on


@pytest.mark.parametrize(
    ("days", "due_on"),
    [
        (0, date(2026, 9, 30)),  # same day (001 art. 34: annotated on receipt)
        (1, date(2026, 10, 8)),  # Oct 1-7 off: the first working day after
        (2, date(2026, 10, 9)),
        (3, date(2026, 10, 10)),  # a Saturday worked in exchange (调休) counts
        (4, date(2026, 10, 12)),  # Sunday Oct 11 does not
        (7, date(2026, 10, 15)),  # 000 art. 46: decided within 7 working days
    ],
)
def test_a_filing_on_the_eve_of_national_day_2026(days: int, due_on: date) -> None:
    assert add_working_days(date(2026, 9, 30), days) == Deadline(due_on, official=True)


def test_national_day_2026_as_the_package_has_it() -> None:
    off = [date(2026, 10, d) for d in range(1, 8)] + [date(2026, 10, 11)]
    assert all(is_working_day(d) == (False, True) for d in off)
    worked = [date(2026, 9, 20), date(2026, 9, 30), date(2026, 10, 8), date(2026, 10, 10)]
    assert all(is_working_day(d) == (True, True) for d in worked)


def test_a_filing_during_the_holiday_counts_from_its_end() -> None:
    assert due(date(2026, 10, 3), 1) == date(2026, 10, 8)


def test_a_worked_sunday_before_mid_autumn_counts() -> None:
    assert due(date(2026, 9, 19), 1) == date(2026, 9, 20)  # Saturday filing, Sunday worked
    assert due(date(2026, 9, 24), 1) == date(2026, 9, 28)  # Sep 25-27 off


@pytest.mark.parametrize(
    ("days", "due_on"),
    [
        (1, date(2026, 2, 14)),  # Saturday worked before the holiday
        (2, date(2026, 2, 24)),  # Feb 15-23 off
        (5, date(2026, 2, 27)),  # 001 art. 35: shielding done within 5 working days
        (6, date(2026, 2, 28)),  # Saturday worked after it
        (7, date(2026, 3, 2)),
    ],
)
def test_spring_festival_2026(days: int, due_on: date) -> None:
    assert add_working_days(date(2026, 2, 13), days) == Deadline(due_on, official=True)


def test_an_ordinary_weekend_is_skipped() -> None:
    assert due(date(2026, 11, 20), 1) == date(2026, 11, 23)  # Friday -> Monday
    assert due(date(2026, 11, 21), 1) == date(2026, 11, 23)  # received on Saturday
    assert due(date(2026, 11, 22), 5) == date(2026, 11, 27)


def test_an_uncovered_year_falls_back_to_monday_to_friday_and_says_so() -> None:
    assert is_working_day(date(UNCOVERED, 1, 1)) == (True, False)  # a Thursday; New Year unknown
    assert is_working_day(date(UNCOVERED, 1, 3)) == (False, False)  # a Saturday
    assert add_working_days(date(UNCOVERED, 1, 2), 1) == Deadline(date(UNCOVERED, 1, 5), False)


def test_a_count_into_an_uncovered_year_is_not_official() -> None:
    start = date(LAST_COVERED, 12, 20)
    within = [add_working_days(start, n) for n in range(15)]
    inside = [d for d in within if d.due_on.year == LAST_COVERED]
    beyond = [d for d in within if d.due_on.year > LAST_COVERED]
    assert inside
    assert beyond
    assert all(d.official for d in inside)
    assert not any(d.official for d in beyond)
    assert all(d.due_on.weekday() < 5 for d in beyond)


def test_the_2026_year_end_crosses_into_the_fallback() -> None:
    if LAST_COVERED != 2026:
        pytest.skip(f"the installed chinese-calendar covers {LAST_COVERED}")
    # Jan 1 2027 is a Friday the package does not know to be New Year's Day.
    assert add_working_days(date(2026, 12, 30), 3) == Deadline(date(2027, 1, 4), False)


def test_no_day_counted_needs_no_calendar() -> None:
    assert add_working_days(date(UNCOVERED, 1, 3), 0) == Deadline(date(UNCOVERED, 1, 3), True)


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="days must be >= 0"):
        add_working_days(date(2026, 9, 30), -1)


def test_overdue_from_the_day_after_due_on() -> None:
    deadline = add_working_days(date(2026, 9, 30), 1)
    assert not overdue(deadline, date(2026, 9, 30))
    assert not overdue(deadline, date(2026, 10, 8))
    assert overdue(deadline, date(2026, 10, 9))


starts = st.dates(date(LAST_COVERED - 3, 1, 1), date(LAST_COVERED + 3, 12, 31))
counts = st.integers(0, 40)


@given(starts, counts)
def test_due_on_is_never_before_the_start(start: date, days: int) -> None:
    assert due(start, days) >= start


@given(starts, counts)
def test_one_more_day_is_later(start: date, days: int) -> None:
    assert due(start, days) < due(start, days + 1)


@given(starts, st.integers(1, 40))
def test_due_on_is_a_working_day(start: date, days: int) -> None:
    working, _ = is_working_day(due(start, days))
    assert working


@given(starts, counts)
def test_exactly_n_working_days_after_the_start(start: date, days: int) -> None:
    deadline = add_working_days(start, days)
    counted = [start + DAY * i for i in range(1, (deadline.due_on - start).days + 1)]
    assert sum(is_working_day(d)[0] for d in counted) == days
    assert deadline.official == all(is_working_day(d)[1] for d in counted)
