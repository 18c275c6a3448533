"""Standing duties (常态职责, issue 13) in the pure ``compute``, and the gaps Art. 31 asks about
(``ledger_gaps``), as tables. No database, no clock.

The rows are the catalog's own (migrations ``0002_seed_catalog`` and ``0005_seed_standing_duties``):
a township deputy owes the monthly inspection of 第九条（四） and the standing duties of 第九条; a
township head those of 第六条; the county magistrate also 第十三条 (Chapter 4).
"""

from __future__ import annotations

import datetime as dt
import importlib

import pytest

from duties.selectors.compliance import CHAPTERS_2_3, ObligationRow, PostRow, RecordRow, compute, ledger_gaps

D = dt.date
FREQUENCY = importlib.import_module("duties.migrations.0002_seed_catalog")
STANDING = importlib.import_module("duties.migrations.0005_seed_standing_duties")
IN_FORCE = D.fromisoformat(FREQUENCY.IN_FORCE)
_ALL = [
    *(
        (code, roles, article, item, activity, n, period, text)
        for code, roles, article, item, activity, n, period, text in FREQUENCY.CATALOG
    ),
    *((code, roles, article, item, "standing", 1, "standing", text) for code, roles, article, item, text in STANDING.STANDING),
]
ROWS = {
    code: ObligationRow(
        id=n,
        code=code,
        roles=tuple(roles),
        article=article,
        item=item,
        activity=activity,
        min_count=min_count,
        period=period,
        text=text,
        valid_from=IN_FORCE,
    )
    for n, (code, roles, article, item, activity, min_count, period, text) in enumerate(_ALL, start=1)
}
CATALOG = list(ROWS.values())


def post(role: str, start: dt.date, end: dt.date | None = None) -> PostRow:
    return PostRow(role=role, start=start, end=end)


def done_on(code: str, *days: dt.date) -> list[RecordRow]:
    return [RecordRow(obligation=ROWS[code].id, date=day) for day in days]


def blocks(result: dict, code: str) -> list[tuple]:
    [found] = [o for o in result["obligations"] if o["code"] == code]
    return [(p["start"], p["end"], p["status"], p["done"]) for p in found["periods"]]


def year(posts, records=(), *, as_of: dt.date, y: int = 2025, **kwargs) -> dict:
    return compute(CATALOG, posts, records, start=D(y, 1, 1), end=D(y, 12, 31), as_of=as_of, **kwargs)


def window(posts, records=(), *, conduct: dt.date) -> dict:
    """The twelve months up to a conduct, judged that day (``conduct_window``)."""
    start = conduct.replace(year=conduct.year - 1) + dt.timedelta(days=1)
    return compute(CATALOG, posts, records, start=start, end=conduct, as_of=conduct)


DEPUTY = [post("township_deputy", D(2020, 1, 1))]
YEAR_2025 = (D(2025, 1, 1), D(2025, 12, 31))

# In a calendar year the standing block is the year: pending until it is over, met by one record.
YEAR_TABLE = [
    pytest.param((), D(2026, 1, 10), (*YEAR_2025, "missed", 0), id="year-over-no-record-missed"),
    pytest.param((), D(2025, 6, 30), (*YEAR_2025, "pending", 0), id="year-running-pending"),
    pytest.param((D(2025, 3, 3),), D(2025, 6, 30), (*YEAR_2025, "met", 1), id="one-record-met-before-the-year-ends"),
    pytest.param((D(2025, 3, 3), D(2025, 9, 1)), D(2026, 1, 10), (*YEAR_2025, "met", 2), id="more-records-still-met"),
    pytest.param((D(2024, 12, 31), D(2026, 1, 1)), D(2026, 1, 10), (*YEAR_2025, "missed", 0), id="records-outside-the-year"),
    pytest.param((D(2025, 8, 1),), D(2025, 7, 31), (*YEAR_2025, "pending", 0), id="a-record-after-as-of-does-not-count"),
]


@pytest.mark.parametrize(("days", "as_of", "expected"), YEAR_TABLE)
def test_a_standing_duty_in_a_calendar_year(days, as_of, expected):
    result = year(DEPUTY, done_on("9-4-promote", *days), as_of=as_of)
    assert blocks(result, "9-4-promote") == [expected]


CONDUCT = D(2026, 3, 15)
WINDOW = (D(2025, 3, 16), CONDUCT)
# Up to a conduct the standing block is the window itself, judged on the conduct date: no block
# is running that day, so no record in the twelve months is a miss.
WINDOW_TABLE = [
    pytest.param(DEPUTY, (), (*WINDOW, "missed", 0), id="none-in-the-twelve-months-missed"),
    pytest.param(DEPUTY, (D(2025, 3, 15),), (*WINDOW, "missed", 0), id="the-day-before-the-window-does-not-count"),
    pytest.param(DEPUTY, (D(2025, 3, 16),), (*WINDOW, "met", 1), id="the-first-day-counts"),
    pytest.param(DEPUTY, (CONDUCT,), (*WINDOW, "met", 1), id="the-conduct-day-counts"),
    pytest.param(DEPUTY, (D(2026, 3, 16),), (*WINDOW, "missed", 0), id="after-the-conduct-does-not-count"),
    pytest.param([post("township_deputy", D(2025, 9, 1))], (), (*WINDOW, "partial", 0), id="appointed-in-the-window-partial"),
    pytest.param([post("township_deputy", D(2025, 9, 1))], (D(2025, 10, 8),), (*WINDOW, "met", 1), id="appointed-and-did-it-met"),
    pytest.param(
        [post("township_deputy", D(2020, 1, 1), D(2025, 8, 31)), post("township_deputy", D(2025, 10, 1))],
        (D(2025, 9, 15),),
        (*WINDOW, "partial", 0),
        id="a-record-between-two-tenures-does-not-count",
    ),
]


@pytest.mark.parametrize(("posts", "days", "expected"), WINDOW_TABLE)
def test_a_standing_duty_up_to_a_conduct(posts, days, expected):
    result = window(posts, done_on("9-4-promote", *days), conduct=CONDUCT)
    assert blocks(result, "9-4-promote") == [expected]


def test_the_block_a_caller_names_replaces_the_window():
    """The department status asks about one day and shows the year around it."""
    on = D(2026, 5, 20)
    result = compute(
        CATALOG,
        DEPUTY,
        done_on("9-1", D(2026, 2, 2)),
        start=on,
        end=on,
        as_of=on,
        standing_block=(D(2026, 1, 1), D(2026, 12, 31)),
    )
    assert blocks(result, "9-1") == [(D(2026, 1, 1), D(2026, 12, 31), "met", 1)]
    assert blocks(result, "9-2") == [(D(2026, 1, 1), D(2026, 12, 31), "pending", 0)]
    assert blocks(result, "9-4-township") == [(D(2026, 5, 1), D(2026, 5, 31), "pending", 0)]


def test_a_standing_row_bound_to_two_roles_held_at_once_is_one_duty():
    """第十三条 binds the county Party secretary and the magistrate; one cadre holding both owes it once."""
    posts = [post("county_party_secretary", D(2020, 1, 1)), post("county_magistrate", D(2020, 1, 1))]
    result = year(posts, done_on("13", D(2025, 5, 5)), as_of=D(2026, 1, 10))
    assert [o["roles"] for o in result["obligations"] if o["code"] == "13"] == [["county_magistrate", "county_party_secretary"]]
    assert blocks(result, "13") == [(*YEAR_2025, "met", 1)]


def test_standing_duties_make_a_year_with_only_the_frequencies_done_not_fully_met():
    inspections = done_on("9-4-township", *[D(2025, m, 10) for m in range(1, 13)])
    result = year(DEPUTY, inspections, as_of=D(2026, 1, 10))
    assert result["fully_met"] is False
    missed = {o["code"] for o in result["obligations"] if not o["met"]}
    assert missed == {"9-1", "9-2", "9-3", "9-4-promote", "9-4-resolve", "9-5"}
    everything = inspections + [r for code in missed for r in done_on(code, D(2025, 11, 11))]
    assert year(DEPUTY, everything, as_of=D(2026, 1, 10))["fully_met"] is True


# --- the gaps Art. 31 asks about ---------------------------------------------------------------


def test_chapters_2_and_3_are_articles_5_to_12():
    assert sorted(CHAPTERS_2_3) == list(range(5, 13))


def test_the_gaps_are_missed_or_partly_held_blocks_of_chapters_2_and_3_only():
    """A county magistrate appointed 1 September 2025; conduct 15 March 2026. The inspections of
    第六条（三） are done in Q4 2025; nothing else. Q3 2025 (held in part) and the standing duties
    (held in part of the window) are gaps; Q1 2026 is running, not a gap; 第十三条 and 第十七条 are
    Chapter 4's and never Art. 31's gaps."""
    posts = [post("county_magistrate", D(2025, 9, 1))]
    records = done_on("6-3-county-park", D(2025, 11, 3))
    result = window(posts, records, conduct=CONDUCT)
    gaps = ledger_gaps(result)
    assert {(g["code"], g["start"], g["status"]) for g in gaps if g["code"] == "6-3-county-park"} == {
        ("6-3-county-park", D(2025, 7, 1), "partial"),
    }
    assert ("6-2-report", D(2025, 10, 1), "missed") in {(g["code"], g["start"], g["status"]) for g in gaps}
    assert not [g for g in gaps if g["start"] == D(2026, 1, 1) and g["code"] == "6-2-report"]  # running
    standing = sorted(g["code"] for g in gaps if g["period"] == "standing")
    assert standing == sorted(["6-1", "6-2-plan", "6-2-resolve", "6-4", "6-5-list", "6-6", "6-7", "6-8", "6-9", "6-10"])
    assert all(g["status"] == "partial" and g["held_from"] == D(2025, 9, 1) for g in gaps if g["period"] == "standing")
    assert not [g for g in gaps if g["code"] in ("13", "17-county-park")]
    # …which the ledger does show as missed or partial: they are only outside Art. 31's question.
    assert {o["code"] for o in result["obligations"]} >= {"13", "17-county-park"}


def test_a_ledger_with_every_duty_done_has_no_gap():
    codes = [o.code for o in CATALOG if "township_deputy" in o.roles]
    monthly = done_on("9-4-township", *[D(2025 + (m > 12), (m - 1) % 12 + 1, 10) for m in range(3, 15)])
    once = [r for code in codes if code != "9-4-township" for r in done_on(code, D(2025, 12, 1))]
    assert ledger_gaps(window(DEPUTY, monthly + once, conduct=CONDUCT)) == []
