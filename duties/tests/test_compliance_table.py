"""Compliance by calendar block (PRODUCT §3): the pure ``duties.selectors.periods`` and
``duties.selectors.compliance.compute``, as tables. No database, no clock.

The obligation rows are the catalog's own (migration ``0002_seed_catalog``), so a township deputy
owes the monthly inspection of 细则第九条（四）, a township head the inspection every two months of
第六条（三）, and so on; only ids are made up.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib

import pytest

from duties.selectors.compliance import ObligationRow, PostRow, RecordRow, compute
from duties.selectors.periods import block_of, blocks_overlapping, clip, covers, merge

D = dt.date
SEED = importlib.import_module("duties.migrations.0002_seed_catalog")
IN_FORCE = D.fromisoformat(SEED.IN_FORCE)
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
    for n, (code, roles, article, item, activity, min_count, period, text) in enumerate(SEED.CATALOG, start=1)
}
CATALOG = list(ROWS.values())
TODAY = D(2026, 11, 29)


def post(role: str, start: dt.date, end: dt.date | None = None) -> PostRow:
    return PostRow(role=role, start=start, end=end)


def done_on(code: str, *days: dt.date) -> list[RecordRow]:
    return [RecordRow(obligation=ROWS[code].id, date=day) for day in days]


def judge(posts, records=(), *, year: int = 2026, as_of: dt.date = TODAY, obligations=None, anchor: int = 2021) -> dict:
    return compute(
        CATALOG if obligations is None else obligations,
        posts,
        records,
        start=D(year, 1, 1),
        end=D(year, 12, 31),
        as_of=as_of,
        two_year_anchor=anchor,
    )


def duty(result: dict, code: str) -> dict:
    [found] = [o for o in result["obligations"] if o["code"] == code]
    return found


def table(result: dict, code: str) -> list[tuple]:
    """``(first day, last day, status, done)`` of every block of one duty."""
    return [(p["start"], p["end"], p["status"], p["done"]) for p in duty(result, code)["periods"]]


def statuses(result: dict, code: str) -> list[tuple[dt.date, str]]:
    return [(p["start"], p["status"]) for p in duty(result, code)["periods"]]


def codes(result: dict) -> set[str]:
    return {o["code"] for o in result["obligations"]}


# --- periods: calendar blocks ----------------------------------------------------------------

BLOCKS = [
    # period, a day, the block that holds it
    ("month", D(2026, 1, 31), (D(2026, 1, 1), D(2026, 1, 31))),
    ("month", D(2026, 2, 1), (D(2026, 2, 1), D(2026, 2, 28))),
    ("month", D(2024, 2, 29), (D(2024, 2, 1), D(2024, 2, 29))),
    ("month", D(2026, 4, 30), (D(2026, 4, 1), D(2026, 4, 30))),
    ("month", D(2025, 12, 31), (D(2025, 12, 1), D(2025, 12, 31))),
    ("month", D(2026, 1, 1), (D(2026, 1, 1), D(2026, 1, 31))),
    ("two_months", D(2024, 1, 1), (D(2024, 1, 1), D(2024, 2, 29))),
    ("two_months", D(2024, 2, 29), (D(2024, 1, 1), D(2024, 2, 29))),
    ("two_months", D(2024, 3, 1), (D(2024, 3, 1), D(2024, 4, 30))),
    ("two_months", D(2025, 2, 28), (D(2025, 1, 1), D(2025, 2, 28))),
    ("two_months", D(2026, 6, 30), (D(2026, 5, 1), D(2026, 6, 30))),
    ("two_months", D(2026, 7, 1), (D(2026, 7, 1), D(2026, 8, 31))),
    ("two_months", D(2026, 12, 31), (D(2026, 11, 1), D(2026, 12, 31))),
    ("quarter", D(2026, 3, 31), (D(2026, 1, 1), D(2026, 3, 31))),
    ("quarter", D(2026, 4, 1), (D(2026, 4, 1), D(2026, 6, 30))),
    ("quarter", D(2026, 9, 30), (D(2026, 7, 1), D(2026, 9, 30))),
    ("quarter", D(2026, 12, 31), (D(2026, 10, 1), D(2026, 12, 31))),
    ("quarter", D(2027, 1, 1), (D(2027, 1, 1), D(2027, 3, 31))),
    ("half_year", D(2026, 6, 30), (D(2026, 1, 1), D(2026, 6, 30))),
    ("half_year", D(2026, 7, 1), (D(2026, 7, 1), D(2026, 12, 31))),
    ("year", D(2026, 12, 31), (D(2026, 1, 1), D(2026, 12, 31))),
    ("year", D(2027, 1, 1), (D(2027, 1, 1), D(2027, 12, 31))),
    ("two_years", D(2021, 6, 11), (D(2021, 1, 1), D(2022, 12, 31))),
    ("two_years", D(2022, 12, 31), (D(2021, 1, 1), D(2022, 12, 31))),
    ("two_years", D(2023, 1, 1), (D(2023, 1, 1), D(2024, 12, 31))),
    ("two_years", D(2026, 11, 29), (D(2025, 1, 1), D(2026, 12, 31))),
    ("two_years", D(2027, 1, 1), (D(2027, 1, 1), D(2028, 12, 31))),
    ("two_years", D(2020, 5, 1), (D(2019, 1, 1), D(2020, 12, 31))),
]


@pytest.mark.parametrize(("period", "day", "block"), BLOCKS, ids=[f"{p}-{d}" for p, d, _b in BLOCKS])
def test_a_day_falls_in_one_calendar_block(period, day, block):
    assert block_of(period, day) == block


@pytest.mark.parametrize(
    ("anchor", "day", "block"),
    [
        (2021, D(2026, 1, 1), (D(2025, 1, 1), D(2026, 12, 31))),
        (2022, D(2026, 1, 1), (D(2026, 1, 1), D(2027, 12, 31))),
        (2022, D(2025, 12, 31), (D(2024, 1, 1), D(2025, 12, 31))),
    ],
)
def test_two_year_blocks_start_in_years_of_the_anchors_parity(anchor, day, block):
    assert block_of("two_years", day, two_year_anchor=anchor) == block


def test_an_unknown_period_is_refused():
    with pytest.raises(ValueError, match="fortnight"):
        block_of("fortnight", D(2026, 1, 1))


def test_two_month_blocks_of_a_leap_year_are_jan_feb_mar_apr_and_so_on():
    assert list(blocks_overlapping("two_months", D(2024, 1, 1), D(2024, 12, 31))) == [
        (D(2024, 1, 1), D(2024, 2, 29)),
        (D(2024, 3, 1), D(2024, 4, 30)),
        (D(2024, 5, 1), D(2024, 6, 30)),
        (D(2024, 7, 1), D(2024, 8, 31)),
        (D(2024, 9, 1), D(2024, 10, 31)),
        (D(2024, 11, 1), D(2024, 12, 31)),
    ]


def test_blocks_overlapping_a_window_are_whole_and_cross_the_new_year():
    assert list(blocks_overlapping("month", D(2025, 12, 15), D(2026, 1, 10))) == [
        (D(2025, 12, 1), D(2025, 12, 31)),
        (D(2026, 1, 1), D(2026, 1, 31)),
    ]
    assert list(blocks_overlapping("quarter", D(2026, 3, 31), D(2026, 4, 1))) == [
        (D(2026, 1, 1), D(2026, 3, 31)),
        (D(2026, 4, 1), D(2026, 6, 30)),
    ]
    assert list(blocks_overlapping("two_years", D(2026, 1, 1), D(2026, 12, 31))) == [(D(2025, 1, 1), D(2026, 12, 31))]


def test_intervals_merge_when_they_touch_and_not_across_a_gap():
    assert merge([(D(2026, 2, 1), D(2026, 2, 28)), (D(2026, 1, 1), D(2026, 1, 31))]) == [(D(2026, 1, 1), D(2026, 2, 28))]
    assert merge([(D(2026, 1, 1), D(2026, 1, 30)), (D(2026, 2, 1), D(2026, 2, 28))]) == [
        (D(2026, 1, 1), D(2026, 1, 30)),
        (D(2026, 2, 1), D(2026, 2, 28)),
    ]
    assert merge([(D(2026, 3, 1), D(2026, 2, 1))]) == []


def test_two_open_ended_intervals_merge_into_one():
    """Two posts still held (no end) are open to ``date.max``; merging them must not overflow."""
    assert merge([(D(2022, 1, 1), D.max), (D(2021, 1, 1), D.max)]) == [(D(2021, 1, 1), D.max)]
    assert clip([(D(2021, 1, 1), D.max), (D(2024, 5, 1), D.max)], D(2026, 1, 1), D(2026, 12, 31)) == [
        (D(2026, 1, 1), D(2026, 12, 31))
    ]
    assert covers([(D(2026, 1, 1), D(2026, 1, 31))], D(2026, 1, 31))
    assert not covers([(D(2026, 1, 1), D(2026, 1, 31))], D(2026, 2, 1))


# --- compute: blocks and records -------------------------------------------------------------

DEPUTY_SINCE_2021 = [post("township_deputy", D(2021, 3, 1))]


def test_a_record_on_29_february_counts_in_jan_feb_and_one_on_1_march_in_mar_apr():
    result = judge(
        [post("township_head", D(2021, 3, 1))],
        done_on("6-3-township", D(2024, 2, 29), D(2024, 3, 1)),
        year=2024,
        as_of=D(2025, 1, 10),
    )
    assert table(result, "6-3-township") == [
        (D(2024, 1, 1), D(2024, 2, 29), "met", 1),
        (D(2024, 3, 1), D(2024, 4, 30), "met", 1),
        (D(2024, 5, 1), D(2024, 6, 30), "missed", 0),
        (D(2024, 7, 1), D(2024, 8, 31), "missed", 0),
        (D(2024, 9, 1), D(2024, 10, 31), "missed", 0),
        (D(2024, 11, 1), D(2024, 12, 31), "missed", 0),
    ]
    assert duty(result, "6-3-township")["citation"] == "第6条（三）"
    assert result["fully_met"] is False


LAST_DAYS = [
    # duty, role, the last day of a block, the block after it
    ("9-4-township", "township_deputy", D(2026, 1, 31), D(2026, 2, 1)),
    ("9-4-township", "township_deputy", D(2026, 2, 28), D(2026, 3, 1)),
    ("10-4", "regulator_deputy", D(2026, 3, 31), D(2026, 4, 1)),
    ("10-3-research", "regulator_safety_deputy", D(2026, 4, 30), D(2026, 5, 1)),
    ("9-4-analysis", "county_deputy", D(2026, 6, 30), D(2026, 7, 1)),
]


@pytest.mark.parametrize(("code", "role", "last_day", "next_day"), LAST_DAYS, ids=[f"{c}-{d}" for c, _r, d, _n in LAST_DAYS])
def test_a_record_on_the_last_day_of_a_block_counts_there_and_not_in_the_next(code, role, last_day, next_day):
    result = judge([post(role, D(2021, 3, 1))], done_on(code, last_day))
    done = {p["start"]: p["done"] for p in duty(result, code)["periods"]}
    assert done[block_of(ROWS[code].period, last_day)[0]] == 1
    assert done[next_day] == 0
    assert sum(done.values()) == 1


def test_31_december_and_1_january_count_in_different_years():
    records = done_on("10-4", D(2025, 12, 31), D(2026, 1, 1))
    deputy = [post("regulator_deputy", D(2021, 3, 1))]
    last_year = judge(deputy, records, year=2025)
    assert table(last_year, "10-4")[-1] == (D(2025, 10, 1), D(2025, 12, 31), "met", 1)
    assert sum(p["done"] for p in duty(last_year, "10-4")["periods"]) == 1
    this_year = judge(deputy, records, year=2026)
    assert table(this_year, "10-4")[0] == (D(2026, 1, 1), D(2026, 3, 31), "met", 1)
    assert sum(p["done"] for p in duty(this_year, "10-4")["periods"]) == 1


# --- two-year blocks (Art. 14 patrols) -------------------------------------------------------

SAFETY_DEPUTY = [post("county_safety_deputy", D(2021, 1, 4))]


def test_two_year_patrol_block_2025_26_is_pending_in_2026_and_met_by_a_patrol_in_2025():
    assert table(judge(SAFETY_DEPUTY), "14") == [(D(2025, 1, 1), D(2026, 12, 31), "pending", 0)]
    assert table(judge(SAFETY_DEPUTY, done_on("14", D(2025, 4, 10))), "14") == [(D(2025, 1, 1), D(2026, 12, 31), "met", 1)]
    assert duty(judge(SAFETY_DEPUTY), "14")["citation"] == "第14条"


def test_two_year_patrol_block_2023_24_is_missed_without_a_patrol():
    result = judge(SAFETY_DEPUTY, done_on("14", D(2022, 12, 31), D(2025, 1, 1)), year=2024)
    assert table(result, "14") == [(D(2023, 1, 1), D(2024, 12, 31), "missed", 0)]
    assert result["fully_met"] is False


def test_the_first_two_year_block_starts_when_the_rules_took_effect():
    result = judge(SAFETY_DEPUTY, year=2021)
    [block] = duty(result, "14")["periods"]
    assert (block["start"], block["end"], block["status"], block["held_from"]) == (
        D(2021, 1, 1),
        D(2022, 12, 31),
        "partial",
        IN_FORCE,
    )


def test_another_anchor_moves_the_two_year_blocks():
    result = judge(SAFETY_DEPUTY, done_on("14", D(2025, 4, 10)), anchor=2022)
    assert table(result, "14") == [(D(2026, 1, 1), D(2027, 12, 31), "pending", 0)]


# --- post history ----------------------------------------------------------------------------


def test_a_role_taken_mid_month_makes_that_month_partial_not_missed():
    posts = [post("township_deputy", D(2026, 5, 15))]
    result = judge(posts)
    assert statuses(result, "9-4-township") == [
        (D(2026, 5, 1), "partial"),
        (D(2026, 6, 1), "missed"),
        (D(2026, 7, 1), "missed"),
        (D(2026, 8, 1), "missed"),
        (D(2026, 9, 1), "missed"),
        (D(2026, 10, 1), "missed"),
        (D(2026, 11, 1), "pending"),
        (D(2026, 12, 1), "pending"),
    ]
    may = duty(result, "9-4-township")["periods"][0]
    assert (may["held_from"], may["held_to"]) == (D(2026, 5, 15), D(2026, 5, 31))

    months = [D(2026, m, 10) for m in range(6, 11)]
    covered = judge(posts, done_on("9-4-township", *months))
    assert [s for _d, s in statuses(covered, "9-4-township")] == ["partial"] + ["met"] * 5 + ["pending"] * 2
    assert covered["fully_met"] is True


def test_a_role_taken_mid_quarter_with_nothing_recorded_yet_is_fully_met():
    result = judge([post("regulator_deputy", D(2026, 8, 20))])
    assert statuses(result, "10-4") == [(D(2026, 7, 1), "partial"), (D(2026, 10, 1), "pending")]
    assert result["fully_met"] is True


def test_a_partial_block_with_the_activity_done_is_met():
    result = judge([post("township_deputy", D(2026, 5, 15))], done_on("9-4-township", D(2026, 5, 20)))
    assert table(result, "9-4-township")[0] == (D(2026, 5, 1), D(2026, 5, 31), "met", 1)


def test_a_role_ended_mid_year_stops_its_blocks_and_records_after_it_do_not_count():
    posts = [post("township_deputy", D(2021, 3, 1), D(2026, 4, 10))]
    records = done_on("9-4-township", D(2026, 1, 5), D(2026, 2, 5), D(2026, 3, 5), D(2026, 4, 20))
    result = judge(posts, records)
    assert table(result, "9-4-township") == [
        (D(2026, 1, 1), D(2026, 1, 31), "met", 1),
        (D(2026, 2, 1), D(2026, 2, 28), "met", 1),
        (D(2026, 3, 1), D(2026, 3, 31), "met", 1),
        (D(2026, 4, 1), D(2026, 4, 30), "partial", 0),
    ]
    april = duty(result, "9-4-township")["periods"][-1]
    assert (april["held_from"], april["held_to"]) == (D(2026, 4, 1), D(2026, 4, 10))
    assert result["fully_met"] is True


def test_after_a_move_each_record_counts_only_for_the_role_held_that_day():
    posts = [post("township_deputy", D(2021, 3, 1), D(2026, 4, 10)), post("regulator_deputy", D(2026, 4, 11))]
    records = done_on("9-4-township", D(2026, 4, 5), D(2026, 4, 20)) + done_on("10-4", D(2026, 4, 5))
    result = judge(posts, records)
    assert codes(result) == {"9-4-township", "10-4"}
    assert table(result, "9-4-township")[-1] == (D(2026, 4, 1), D(2026, 4, 30), "met", 1)
    assert statuses(result, "10-4") == [(D(2026, 4, 1), "partial"), (D(2026, 7, 1), "missed"), (D(2026, 10, 1), "pending")]
    assert duty(result, "10-4")["periods"][0]["done"] == 0  # 5 April: not yet a regulator's deputy


def test_a_record_of_another_duty_does_not_count():
    result = judge([post("regulator_safety_deputy", D(2021, 3, 1))], done_on("10-3-research", D(2026, 1, 15)))
    assert table(result, "10-3-inspection")[0] == (D(2026, 1, 1), D(2026, 1, 31), "missed", 0)
    assert table(result, "10-3-research")[0] == (D(2026, 1, 1), D(2026, 2, 28), "met", 1)


# --- several roles at once -------------------------------------------------------------------


def test_two_posts_bound_by_the_same_duty_owe_it_once():
    """A township Party secretary who also leads the park's Party working committee: 第五条（九）
    binds both posts and is still two study sessions a year, not four."""
    posts = [post("township_party_secretary", D(2021, 3, 1)), post("park_party_secretary", D(2023, 7, 1))]
    result = judge(posts, done_on("5-9", D(2026, 3, 3), D(2026, 9, 9)))
    assert [o["code"] for o in result["obligations"]].count("5-9") == 1
    study = duty(result, "5-9")
    assert study["roles"] == ["park_party_secretary", "township_party_secretary"]
    assert [(p["required"], p["done"], p["status"]) for p in study["periods"]] == [(2, 2, "met")]
    assert [p["held_from"] for p in study["periods"]] == [D(2026, 1, 1)]
    # Each post's own duties are owed too: the union of both roles' rows.
    assert codes(result) == {"5-2-township-park", "5-3-county-park", "5-3-township", "5-9"}


def test_the_same_role_held_in_two_places_is_one_duty():
    posts = [post("township_deputy", D(2021, 3, 1)), post("township_deputy", D(2025, 6, 1))]
    result = judge(posts, done_on("9-4-township", D(2026, 1, 20)))
    assert table(result, "9-4-township")[0] == (D(2026, 1, 1), D(2026, 1, 31), "met", 1)
    assert len(duty(result, "9-4-township")["periods"]) == 12


def test_two_different_roles_owe_the_union_of_their_duties():
    posts = [post("township_deputy", D(2021, 3, 1)), post("regulator_deputy", D(2021, 3, 1), D(2027, 1, 1))]
    result = judge(posts)
    assert codes(result) == {"9-4-township", "10-4"}
    assert len(duty(result, "9-4-township")["periods"]) == 12
    assert len(duty(result, "10-4")["periods"]) == 4


def test_a_role_bound_by_no_frequency_duty_owes_nothing():
    result = judge([post("county_standing_member", D(2021, 3, 1))])
    assert result["obligations"] == [] and result["fully_met"] is True


# --- as_of: the day the question is asked ----------------------------------------------------


def test_records_after_as_of_do_not_count():
    records = done_on("9-4-township", D(2026, 10, 15), D(2026, 11, 20))
    early = judge(DEPUTY_SINCE_2021, records, as_of=D(2026, 11, 10))
    assert table(early, "9-4-township")[9:11] == [
        (D(2026, 10, 1), D(2026, 10, 31), "met", 1),
        (D(2026, 11, 1), D(2026, 11, 30), "pending", 0),
    ]
    later = judge(DEPUTY_SINCE_2021, records, as_of=D(2026, 11, 20))
    assert table(later, "9-4-township")[10] == (D(2026, 11, 1), D(2026, 11, 30), "met", 1)


def test_a_block_is_pending_until_it_is_over_and_missed_after():
    deputy = [post("regulator_deputy", D(2021, 3, 1))]
    assert [s for _d, s in statuses(judge(deputy, as_of=D(2026, 9, 29)), "10-4")] == ["missed", "missed", "pending", "pending"]
    # The question is asked at the end of ``as_of``: on a block's last day it is judged.
    assert [s for _d, s in statuses(judge(deputy, as_of=D(2026, 9, 30)), "10-4")] == ["missed", "missed", "missed", "pending"]
    assert [s for _d, s in statuses(judge(deputy, as_of=D(2027, 1, 1)), "10-4")] == ["missed"] * 4


def test_a_pending_block_already_done_is_met():
    result = judge([post("regulator_deputy", D(2021, 3, 1))], done_on("10-4", D(2026, 10, 2)))
    assert statuses(result, "10-4")[-1] == (D(2026, 10, 1), "met")


# --- the rows' own validity ------------------------------------------------------------------


def test_a_duty_counts_only_from_the_day_it_came_into_force():
    deputy = [post("regulator_deputy", D(2021, 1, 4))]
    before = judge(deputy, done_on("10-4", D(2021, 6, 1)), year=2021, as_of=D(2022, 1, 15))
    assert statuses(before, "10-4") == [
        (D(2021, 4, 1), "partial"),
        (D(2021, 7, 1), "missed"),
        (D(2021, 10, 1), "missed"),
    ]
    q2 = duty(before, "10-4")["periods"][0]
    assert (q2["held_from"], q2["done"]) == (IN_FORCE, 0)  # 1 June 2021: the 细则 was not in force yet
    after = judge(deputy, done_on("10-4", D(2021, 6, 20)), year=2021, as_of=D(2022, 1, 15))
    assert statuses(after, "10-4")[0] == (D(2021, 4, 1), "met")


def test_a_duty_no_longer_in_force_has_no_blocks_after_it_ends():
    ended = dataclasses.replace(ROWS["10-4"], valid_to=D(2026, 5, 15))
    result = judge([post("regulator_deputy", D(2021, 1, 4))], obligations=[ended])
    assert statuses(result, "10-4") == [(D(2026, 1, 1), "missed"), (D(2026, 4, 1), "partial")]


# --- fully met -------------------------------------------------------------------------------


def test_fully_met_needs_every_block_of_every_duty_met_or_not_yet_due():
    head = [post("regulator_head", D(2021, 3, 1))]
    quarters = [D(2026, 2, 1), D(2026, 5, 1), D(2026, 8, 1)]
    everything = (
        done_on("10-2-inspection", *quarters) + done_on("10-2-meeting", *quarters) + done_on("17-departments", D(2026, 1, 20))
    )
    result = judge(head, everything)
    assert codes(result) == {"10-2-inspection", "10-2-meeting", "17-departments"}
    assert result["fully_met"] is True and all(o["met"] for o in result["obligations"])

    one_gap = [r for r in everything if not (r.obligation == ROWS["10-2-meeting"].id and r.date == D(2026, 5, 1))]
    gap = judge(head, one_gap)
    assert gap["fully_met"] is False
    assert duty(gap, "10-2-meeting")["met"] is False and duty(gap, "10-2-inspection")["met"] is True
    assert statuses(gap, "10-2-meeting")[1] == (D(2026, 4, 1), "missed")


def test_a_duty_of_two_a_year_done_once_is_missed():
    secretary = [post("county_party_secretary", D(2021, 3, 1))]
    once = judge(secretary, done_on("5-9", D(2025, 5, 5)), year=2025)
    assert table(once, "5-9") == [(D(2025, 1, 1), D(2025, 12, 31), "missed", 1)]
    assert duty(once, "5-9")["periods"][0]["required"] == 2
    twice = judge(secretary, done_on("5-9", D(2025, 5, 5), D(2025, 5, 5)), year=2025)
    assert table(twice, "5-9") == [(D(2025, 1, 1), D(2025, 12, 31), "met", 2)]
