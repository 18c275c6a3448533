"""Working days (工作日) on the official calendar: the 国务院办公厅's annual holiday notices, with
their 调休 (weekend days made working days, weekdays made holidays).

The calendar is the ``chinesecalendar`` package (``chinese_calendar.is_workday``), pinned in
``requirements.txt``. Its data is typed from the notices, one year at a time, so it covers a
closed range of years (1.11.0: 2004–2026). A day outside that range is never answered silently
from the package (it raises) nor guessed as exact: it falls back to Monday–Friday and the result
is marked ``approximate``, so the clock that shows it can say so. A newer package version with
the next year's notice makes those days exact again.

Checked against the notices (gmw.cn reprints of 新华社):
- 2025 (国务院办公厅 2024-11-12, https://m.gmw.cn/2024-11/12/content_1303894933.htm): 春节 1月28日至
  2月4日放假调休，1月26日（周日）、2月8日（周六）上班；国庆节、中秋节 10月1日至8日，9月28日（周日）、
  10月11日（周六）上班。
- 2026 (国务院办公厅 2025-11-04, https://politics.gmw.cn/2025-11/04/content_38391083.htm): 春节 2月15日至
  23日，2月14日（周六）、2月28日（周六）上班；国庆节 10月1日至7日，9月20日（周日）、10月10日（周六）上班。
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import chinese_calendar

# The years the installed package has notices for (its own bounds, read once).
FIRST_YEAR: int = min(chinese_calendar.holidays).year
LAST_YEAR: int = max(chinese_calendar.holidays).year


@dataclass(frozen=True)
class WorkingDay:
    """The answer for one day: whether it is a working day and whether that is known from a notice."""

    working: bool
    approximate: bool


@dataclass(frozen=True)
class WorkingDaysResult:
    """A due date counted in working days; ``approximate`` when any day counted lay outside the
    calendar's years (those days were taken as Monday–Friday)."""

    day: dt.date
    approximate: bool


def covered(day: dt.date) -> bool:
    """Whether the official calendar (the installed package) has the notice for ``day``'s year."""
    return FIRST_YEAR <= day.year <= LAST_YEAR


def working_day(day: dt.date) -> WorkingDay:
    """Is ``day`` a working day? From the notices where they exist, else Monday–Friday (approximate)."""
    if covered(day):
        return WorkingDay(working=bool(chinese_calendar.is_workday(day)), approximate=False)
    return WorkingDay(working=day.weekday() < 5, approximate=True)


def add_working_days(start: dt.date, amount: int) -> WorkingDaysResult:
    """The ``amount``-th working day after ``start``: the day of ``start`` is not counted, counting
    begins the next day (as periods in days are counted, 《民法典》第二百零一条), and only working days
    count. "15个工作日内" started on a Friday before 春节 ends on the 15th working day after it,
    the 调休 Saturday included and the holiday week skipped.

    ``chinese_calendar.find_workday(n, date)`` counts from the first working day *on or after*
    ``date``, so for a start on a weekend or holiday it would give one working day more; within
    the calendar's years this equals ``find_workday(amount - 1, start + 1 day)``.
    """
    if amount < 0:
        raise ValueError("amount must not be negative")
    day = start
    approximate = False
    counted = 0
    while counted < amount:
        day += dt.timedelta(days=1)
        answer = working_day(day)
        approximate = approximate or answer.approximate
        if answer.working:
            counted += 1
    return WorkingDaysResult(day=day, approximate=approximate)
