"""Working days (工作日) on the official calendar, as a pure function (``cases.rules.workdays``).

The holidays and 调休 days below are those of the 国务院办公厅 notices for 2025 (2024-11-12) and 2026
(2025-11-04), as reprinted by 新华社/gmw.cn:
- 2025 春节 1月28日至2月4日, 1月26日（周日）、2月8日（周六）上班; 国庆节、中秋节 10月1日至8日, 9月28日（周日）、
  10月11日（周六）上班.
- 2026 春节 2月15日至23日, 2月14日（周六）、2月28日（周六）上班; 中秋节 9月25日至27日; 国庆节 10月1日至7日,
  9月20日（周日）、10月10日（周六）上班.
The day of the start is not counted. Past the calendar's last year (the package's, 2026 for
chinesecalendar 1.11.0) Monday–Friday stand in and the answer is marked approximate.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from cases.rules.workdays import FIRST_YEAR, LAST_YEAR, add_working_days, covered, working_day

D = dt.date

# start, working days, due day, what the case shows
TABLE = [
    # --- 2025 春节
    (D(2025, 1, 24), 5, D(2025, 2, 7), "Fri before: the 调休 Sunday 1-26 counts, 1-28..2-4 do not"),
    (D(2025, 1, 25), 1, D(2025, 1, 26), "a Saturday start: the next day is the 调休 Sunday"),
    (D(2025, 1, 27), 1, D(2025, 2, 5), "the last working day before the holiday: next is 2-5"),
    (D(2025, 2, 4), 4, D(2025, 2, 8), "the holiday's last day: 2-5, 2-6, 2-7 and the 调休 Saturday 2-8"),
    # --- 2025 国庆节、中秋节
    (D(2025, 9, 26), 3, D(2025, 9, 30), "Fri before: the 调休 Sunday 9-28, then 9-29, 9-30"),
    (D(2025, 9, 30), 4, D(2025, 10, 13), "across 10-1..10-8: 10-9, 10-10, the 调休 Saturday 10-11, 10-13"),
    # --- 2026 春节
    (D(2026, 2, 13), 1, D(2026, 2, 14), "Fri before: the 调休 Saturday 2-14"),
    (D(2026, 2, 14), 5, D(2026, 2, 28), "2-15..2-23 off: 2-24..2-27 and the 调休 Saturday 2-28"),
    (D(2026, 2, 10), 15, D(2026, 3, 9), "an inquiry's 15 working days across the nine-day holiday"),
    # --- 2026 中秋节、国庆节
    (D(2026, 9, 18), 5, D(2026, 9, 24), "the 调休 Sunday 9-20 counts"),
    (D(2026, 9, 24), 3, D(2026, 9, 30), "中秋 9-25..9-27 off"),
    (D(2026, 9, 30), 4, D(2026, 10, 12), "国庆 10-1..10-7 off, the 调休 Saturday 10-10 counts"),
    # --- ordinary weeks
    (D(2025, 3, 7), 5, D(2025, 3, 14), "Fri + 5 working days = next Fri"),
    (D(2025, 3, 10), 0, D(2025, 3, 10), "zero working days: the start itself"),
]


@pytest.mark.parametrize(("start", "amount", "due", "why"), TABLE, ids=[f"{row[0]}+{row[1]}" for row in TABLE])
def test_working_days_follow_the_notices_with_调休(start, amount, due, why):
    result = add_working_days(start, amount)
    assert result.day == due, why
    assert result.approximate is False


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 1, 26), True),  # Sunday made a working day
        (D(2025, 1, 29), False),  # 春节, a Wednesday
        (D(2025, 10, 11), True),  # Saturday made a working day
        (D(2025, 10, 8), False),  # 国庆节, a Wednesday
        (D(2026, 2, 28), True),
        (D(2026, 2, 23), False),  # a Monday of the 2026 春节
        (D(2026, 9, 20), True),
        (D(2026, 10, 7), False),
        (D(2026, 3, 7), False),  # an ordinary Saturday
    ],
)
def test_a_day_is_a_working_day_as_the_notice_says(day, working):
    assert working_day(day).working is working
    assert working_day(day).approximate is False


def test_within_the_calendar_it_equals_the_packages_find_workday_from_the_next_day():
    """``find_workday(n, d)`` counts from the first working day on or after ``d``; from ``d + 1`` with
    ``n - 1`` it is "the n-th working day after d" — the same as ours on every start of 2025–2026."""
    start = D(2025, 1, 1)
    while start < D(2026, 12, 1):
        for amount in (1, 3, 15):
            expected = chinese_calendar.find_workday(amount - 1, start + dt.timedelta(days=1))
            assert add_working_days(start, amount).day == expected, (start, amount)
        start += dt.timedelta(days=1)


def test_find_workday_itself_would_give_one_day_more_for_a_weekend_start():
    """Why the package's ``find_workday(n, start)`` is not used as it is: it counts the first working
    day on or after a Saturday start as day 0."""
    saturday = D(2025, 3, 8)
    assert add_working_days(saturday, 1).day == D(2025, 3, 10)
    assert chinese_calendar.find_workday(1, saturday) == D(2025, 3, 11)


# --- past the calendar's years: Monday–Friday, marked approximate -------------------------------------


def test_the_calendar_covers_2025_and_2026_and_no_later_year():
    assert FIRST_YEAR <= 2025 and LAST_YEAR == 2026
    assert covered(D(2026, 12, 31)) and not covered(D(2027, 1, 1))


@pytest.mark.parametrize(
    ("start", "amount", "due"),
    [
        # Crossing into 2027: 12-29, 12-30, 12-31 are known; 2027-01-01 (a Friday) is counted as a
        # working day although the 2027 notice will almost surely make it 元旦 — hence "approximate".
        (D(2026, 12, 28), 5, D(2027, 1, 4)),
        (D(2027, 3, 5), 5, D(2027, 3, 12)),  # wholly past the calendar
        # Starting before the first year: 2003-12-31 taken as Monday–Friday, then 2004's notice
        # (元旦 1-1 off): 12-31, 1-2, 1-5.
        (D(2003, 12, 30), 3, D(2004, 1, 5)),
    ],
)
def test_beyond_the_calendar_monday_to_friday_stand_in_and_the_result_says_so(start, amount, due):
    result = add_working_days(start, amount)
    assert result.day == due
    assert result.approximate is True


def test_a_day_beyond_the_calendar_is_answered_as_monday_to_friday_not_raised():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2027, 1, 4))  # the package itself refuses the year
    assert working_day(D(2027, 1, 4)).working is True and working_day(D(2027, 1, 4)).approximate is True
    assert working_day(D(2027, 1, 2)).working is False and working_day(D(2027, 1, 2)).approximate is True


def test_a_span_ending_on_the_calendars_last_day_is_exact():
    result = add_working_days(D(2026, 12, 24), 5)
    assert result.day == D(2026, 12, 31) and result.approximate is False


def test_a_negative_amount_is_an_error():
    with pytest.raises(ValueError):
        add_working_days(D(2025, 1, 1), -1)
