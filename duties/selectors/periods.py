"""Calendar blocks of the duty ledger (PRODUCT §3). Pure: no database, no clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

MONTHS = {"month": 1, "two_months": 2, "quarter": 3, "half_year": 6, "year": 12}


def _month_start(year: int, month_index: int) -> dt.date:
    """``month_index`` counts months from January of ``year`` (0-based, may exceed 11)."""
    return dt.date(year + month_index // 12, month_index % 12 + 1, 1)


def block_of(period: str, day: dt.date, *, two_year_anchor: int = 2021) -> tuple[dt.date, dt.date]:
    """The calendar block of ``period`` that contains ``day``: ``(first day, last day)``."""
    if period == "two_years":
        start_year = day.year - (day.year - two_year_anchor) % 2
        return dt.date(start_year, 1, 1), dt.date(start_year + 1, 12, 31)
    try:
        size = MONTHS[period]
    except KeyError:
        raise ValueError(f"unknown period {period!r}") from None
    first = (day.month - 1) // size * size
    start = _month_start(day.year, first)
    end = _month_start(day.year, first + size) - dt.timedelta(days=1)
    return start, end


def blocks_overlapping(
    period: str, start: dt.date, end: dt.date, *, two_year_anchor: int = 2021
) -> Iterator[tuple[dt.date, dt.date]]:
    """Every block of ``period`` that overlaps ``[start, end]``, in order."""
    day = start
    while day <= end:
        block = block_of(period, day, two_year_anchor=two_year_anchor)
        yield block
        day = block[1] + dt.timedelta(days=1)


Interval = tuple[dt.date, dt.date]


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Union of closed date intervals, sorted; touching intervals (end + 1 day = start) merge."""
    out: list[Interval] = []
    for lo, hi in sorted(intervals):
        if lo > hi:
            continue
        # Compare by subtraction: an open post ends at ``date.max``, and adding a day would overflow.
        if out and (lo - out[-1][1]).days <= 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def clip(intervals: Iterable[Interval], lo: dt.date, hi: dt.date) -> list[Interval]:
    return merge((max(a, lo), min(b, hi)) for a, b in intervals if a <= hi and b >= lo)


def covers(intervals: Iterable[Interval], day: dt.date) -> bool:
    return any(a <= day <= b for a, b in intervals)
