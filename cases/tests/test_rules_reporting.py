"""迟报 as a pure function (《生产安全事故报告和调查处理条例》第九条、第十一条; domain-facts §3.2–3.3).

The unit reports within 1 hour of the accident (第九条); each level of government within 2 hours of
receiving the report from below (第十一条). ``report_timeliness`` is pure: no database here.
"""

from __future__ import annotations

import datetime as dt

import pytest

from cases.rules.reporting import StepTimeliness, report_timeliness, unit_clock_start

UTC = dt.UTC
CST = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2026, 3, 15, 1, 20, tzinfo=UTC)  # 09:20 in Pingluo
HOUR = dt.timedelta(hours=1)
TWO_HOURS = dt.timedelta(hours=2)
SECOND = dt.timedelta(seconds=1)
MINUTE = dt.timedelta(minutes=1)


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def steps(reports: dict[int, dt.datetime], *, now: dt.datetime | None = None) -> list[StepTimeliness]:
    return report_timeliness(
        occurred_at=T0,
        reports=reports,
        unit_limit=HOUR,
        level_limit=TWO_HOURS,
        now=now or at(60 * 24 * 30),
    )


def only(reports: dict[int, dt.datetime], level: int, **kwargs) -> StepTimeliness:
    result = steps(reports, **kwargs)
    assert [s.level for s in result] == list(range(len(result)))
    return result[level]


# --- 第九条: the unit within 1 hour -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reported_at", "late", "minutes_late"),
    [
        (T0, False, 0),
        (at(59), False, 0),
        (T0 + HOUR - SECOND, False, 0),
        (T0 + HOUR, False, 0),  # exactly 60 minutes: on time ("1小时内" includes the hour)
        (T0 + HOUR + SECOND, True, 0),  # one second over: late, by less than a whole minute
        (at(61), True, 1),
        (at(70), True, 10),
        (at(60 + 59) + 59 * SECOND, True, 59),  # minutes are whole minutes, rounded down
        (at(60 * 4), True, 180),
    ],
    ids=["at-once", "59min", "60min-1s", "60min", "60min+1s", "61min", "70min", "119min59s", "4h"],
)
def test_art9_unit_report_deadline_is_one_hour(reported_at, late, minutes_late):
    step = only({0: reported_at}, 0)
    assert step.deadline == T0 + HOUR
    assert step.reported_at == reported_at
    assert (step.late, step.minutes_late) == (late, minutes_late)


def test_art9_the_unit_deadline_does_not_depend_on_the_time_zone_of_the_report():
    """09:20 CST = 01:20 UTC: a report at 10:20 +08:00 is exactly on the hour, hence on time."""
    reported = dt.datetime(2026, 3, 15, 10, 20, tzinfo=CST)
    step = only({0: reported}, 0)
    assert step.deadline == T0 + HOUR and not step.late
    late = only({0: reported + SECOND}, 0)
    assert late.late


# --- 第十一条: each level within 2 hours of the report below ------------------------------------------


@pytest.mark.parametrize(
    ("level1_after_unit", "late", "minutes_late"),
    [
        (TWO_HOURS - MINUTE, False, 0),
        (TWO_HOURS, False, 0),
        (TWO_HOURS + SECOND, True, 0),
        (TWO_HOURS + 25 * MINUTE, True, 25),
    ],
    ids=["1h59", "2h", "2h+1s", "2h25"],
)
def test_art11_level_deadline_counts_two_hours_from_the_actual_report_below(level1_after_unit, late, minutes_late):
    unit = at(20)  # the unit reported early: the county's clock starts then, not at the unit's deadline
    step = only({0: unit, 1: unit + level1_after_unit}, 1)
    assert step.deadline == unit + TWO_HOURS
    assert (step.late, step.minutes_late) == (late, minutes_late)


def test_art11_a_late_report_below_moves_the_next_deadline_with_it():
    """The county reported 30 minutes late; the city still has 2 hours from when it received it."""
    unit = at(90)
    result = steps({0: unit, 1: unit + TWO_HOURS, 2: unit + 2 * TWO_HOURS + MINUTE})
    assert [(s.level, s.late, s.minutes_late) for s in result] == [(0, True, 30), (1, False, 0), (2, True, 1)]
    assert result[1].deadline == unit + TWO_HOURS
    assert result[2].deadline == unit + 2 * TWO_HOURS


def test_art11_each_level_chains_from_the_one_below():
    unit, county, city = at(10), at(10) + HOUR, at(10) + HOUR + 30 * MINUTE
    result = steps({0: unit, 1: county, 2: city, 3: city + TWO_HOURS})
    assert [s.deadline for s in result] == [T0 + HOUR, unit + TWO_HOURS, county + TWO_HOURS, city + TWO_HOURS]
    assert not any(s.late for s in result)


def test_art11_a_missing_level_below_starts_the_clock_at_its_deadline():
    """Level 1 never reported: level 2's 2 hours count from level 1's deadline."""
    unit = at(30)
    level1_deadline = unit + TWO_HOURS
    on_time = level1_deadline + TWO_HOURS
    result = steps({0: unit, 2: on_time}, now=on_time)
    assert [s.level for s in result] == [0, 1, 2]
    assert result[1].reported_at is None and result[1].deadline == level1_deadline
    assert result[2].deadline == level1_deadline + TWO_HOURS
    assert not result[2].late
    late = steps({0: unit, 2: on_time + SECOND}, now=on_time)[2]
    assert late.late


def test_art9_a_missing_unit_report_starts_the_first_level_at_the_unit_deadline():
    reported = T0 + HOUR + TWO_HOURS
    result = steps({1: reported}, now=reported)
    assert result[0].reported_at is None and result[0].deadline == T0 + HOUR
    assert result[1].deadline == T0 + HOUR + TWO_HOURS and not result[1].late


# --- unreported levels: late only once ``now`` passes the deadline ----------------------------------


@pytest.mark.parametrize(
    ("now", "late", "minutes_late"),
    [
        (at(30), False, 0),
        (T0 + HOUR, False, 0),
        (T0 + HOUR + SECOND, True, 0),
        (at(150), True, 90),
    ],
    ids=["before", "at-deadline", "1s-after", "90min-after"],
)
def test_unreported_unit_is_late_only_once_now_passes_its_deadline(now, late, minutes_late):
    result = steps({}, now=now)
    assert len(result) == 1
    step = result[0]
    assert step.level == 0 and step.reported_at is None and step.deadline == T0 + HOUR
    assert (step.late, step.minutes_late) == (late, minutes_late)


def test_unreported_middle_level_is_late_once_now_passes_its_deadline():
    unit = at(15)
    level2 = unit + 3 * HOUR
    before = steps({0: unit, 2: level2}, now=unit + TWO_HOURS)[1]
    assert before.reported_at is None and not before.late and before.minutes_late == 0
    after = steps({0: unit, 2: level2}, now=unit + TWO_HOURS + 45 * MINUTE)[1]
    assert after.late and after.minutes_late == 45


def test_now_does_not_affect_reported_levels():
    reports = {0: at(50), 1: at(50) + TWO_HOURS}
    assert steps(reports, now=at(51)) == steps(reports, now=at(60 * 24 * 365))


def test_levels_run_from_the_unit_to_the_highest_reported_level():
    assert [s.level for s in steps({0: at(10)})] == [0]
    assert [s.level for s in steps({3: at(400)})] == [0, 1, 2, 3]


def test_limits_are_parameters_not_constants():
    """The limits come from policy rows (DeadlinePolicy); the function takes them as given."""
    result = report_timeliness(
        occurred_at=T0,
        reports={0: at(100), 1: at(100) + 3 * HOUR},
        unit_limit=dt.timedelta(minutes=90),
        level_limit=3 * HOUR,
        now=at(1000),
    )
    assert [(s.deadline, s.late, s.minutes_late) for s in result] == [
        (at(90), True, 10),
        (at(100) + 3 * HOUR, False, 0),
    ]


# --- 第九条 "单位负责人接到报告后1小时内": the unit's clock starts when its head learned of it ----------


def test_art9_unit_clock_runs_from_known_at_when_recorded():
    known = at(30)  # the head heard of it half an hour after the accident
    [step] = report_timeliness(
        occurred_at=T0, known_at=known, reports={0: at(80)}, unit_limit=HOUR, level_limit=TWO_HOURS, now=at(1000)
    )
    assert step.deadline == known + HOUR
    assert (step.late, step.minutes_late) == (False, 0)  # 80 minutes after the accident, 50 after he knew


def test_art9_without_known_at_the_same_report_is_late_from_the_occurrence():
    [step] = report_timeliness(occurred_at=T0, reports={0: at(80)}, unit_limit=HOUR, level_limit=TWO_HOURS, now=at(1000))
    assert step.deadline == T0 + HOUR
    assert (step.late, step.minutes_late) == (True, 20)


def test_art9_a_report_more_than_an_hour_after_known_at_is_late():
    [step] = report_timeliness(
        occurred_at=T0, known_at=at(30), reports={0: at(95)}, unit_limit=HOUR, level_limit=TWO_HOURS, now=at(1000)
    )
    assert (step.late, step.minutes_late) == (True, 5)


def test_art11_levels_above_still_run_from_the_report_below_when_known_at_is_recorded():
    result = report_timeliness(
        occurred_at=T0, known_at=at(30), reports={1: at(300)}, unit_limit=HOUR, level_limit=TWO_HOURS, now=at(1000)
    )
    # The unit never reported: its deadline (known_at + 1h) starts the county's 2 hours.
    assert [s.deadline for s in result] == [at(90), at(90) + TWO_HOURS]


@pytest.mark.parametrize(
    ("known_at", "start", "source", "words"),
    [
        (at(30), at(30), "known_at", "自记录的单位负责人获知时间"),
        (None, T0, "occurred_at", "未记录单位负责人获知时间，单位的时限自事故发生时间起算"),
    ],
    ids=["recorded", "not-recorded"],
)
def test_art9_the_explanation_says_where_the_unit_clock_started(known_at, start, source, words):
    clock = unit_clock_start(occurred_at=T0, known_at=known_at)
    assert (clock.start, clock.source) == (start, source)
    assert "第九条" in clock.explanation and words in clock.explanation
