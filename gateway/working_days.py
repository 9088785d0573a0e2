"""Deadlines in working days (工作日), on China's official calendar.

The regulations give the subject's rights deadlines in working days: e.g. the
agency decides an objection "在收到异议材料之日起的五个工作日内" (001 art. 34).
How such a deadline is counted:

- The day something is received is not counted; the count starts the next day
  (民法典 art. 201: 开始的当日不计入，自下一日开始计算).
- "Within N working days" ends on the N-th working day after the start day:
  that day is :attr:`Deadline.due_on`, the last day on which the step is on time.
- N = 0 means the same day: 001 art. 34 has the agency annotate an objection
  on the day it receives it (在收到异议材料之日予以异议标注).

A working day is one of the official calendar, as the ``chinese-calendar``
package knows it: public holidays are not working days, and the weekend days
worked in exchange (调休) are. For a year the package does not cover yet, the
State Council not having published it, a day counts as working when it is
Monday to Friday, and the result says so (``official=False``): such a
deadline is an estimate to be recomputed once the year is published.

Pure: nothing here reads a clock; ``start`` and ``today`` are passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar

_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Deadline:
    """When a step falls due, and whether that rests on the official calendar."""

    # The last day on which the step is still on time.
    due_on: date
    # False when some day in the count used the Monday-Friday fallback.
    official: bool


def is_working_day(day: date) -> tuple[bool, bool]:
    """``(working, official)``: whether ``day`` is a working day, and whether
    the official calendar says so (False: Monday-Friday fallback)."""
    try:
        return bool(chinese_calendar.is_workday(day)), True
    except NotImplementedError:  # the package raises this for a year it lacks
        return day.weekday() < 5, False


def add_working_days(start: date, days: int) -> Deadline:
    """The deadline of a step due "within ``days`` working days" of ``start``.

    ``start`` itself is not counted; the deadline is the ``days``-th working
    day after it, or ``start`` itself when ``days`` is 0.
    """
    if days < 0:
        raise ValueError(f"days must be >= 0, got {days}")
    day, official, left = start, True, days
    while left:
        day += _DAY
        working, known = is_working_day(day)
        official = official and known
        if working:
            left -= 1
    return Deadline(day, official)


def overdue(deadline: Deadline, today: date) -> bool:
    """Whether a step not yet done by ``today`` (a China date) is late."""
    return today > deadline.due_on
