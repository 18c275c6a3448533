"""Accident grading (PRODUCT §1.5): 《生产安全事故报告和调查处理条例》第三条 (domain-facts §3.1, VERIFIED-P).

Each figure is graded on its own and the highest grade wins ("或者"); "以上" includes the number and
"以下" excludes it, so every grade starts *at* its threshold and the number just below stays in the
grade beneath. Each threshold is tested on both sides, for each figure alone.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from cases.codes import AccidentGrade
from cases.rules.grading import CITATION, grade_accident

GENERAL, LARGER, MAJOR, ESPECIALLY_MAJOR = "general", "larger", "major", "especially_major"


def grade(deaths=0, injuries=0, loss="0"):
    return grade_accident(deaths=deaths, serious_injuries=injuries, direct_loss_yuan=loss)


@pytest.mark.parametrize(
    "deaths, expected",
    [
        (0, GENERAL),
        (1, GENERAL),
        (2, GENERAL),
        (3, LARGER),
        (9, LARGER),
        (10, MAJOR),
        (29, MAJOR),
        (30, ESPECIALLY_MAJOR),
        (31, ESPECIALLY_MAJOR),
    ],
    ids=lambda v: str(v),
)
def test_art3_deaths_alone(deaths, expected):
    assert grade(deaths=deaths) == expected


@pytest.mark.parametrize(
    "injuries, expected",
    [
        (0, GENERAL),
        (9, GENERAL),
        (10, LARGER),
        (49, LARGER),
        (50, MAJOR),
        (99, MAJOR),
        (100, ESPECIALLY_MAJOR),
        (101, ESPECIALLY_MAJOR),
    ],
    ids=lambda v: str(v),
)
def test_art3_serious_injuries_alone(injuries, expected):
    assert grade(injuries=injuries) == expected


@pytest.mark.parametrize(
    "loss, expected",
    [
        ("0", GENERAL),
        ("0.01", GENERAL),
        ("9999999.99", GENERAL),
        ("10000000", LARGER),
        ("10000000.00", LARGER),
        ("49999999.99", LARGER),
        ("50000000", MAJOR),
        ("99999999.99", MAJOR),
        ("100000000", ESPECIALLY_MAJOR),
        ("100000000.01", ESPECIALLY_MAJOR),
    ],
    ids=lambda v: str(v),
)
def test_art3_direct_loss_alone(loss, expected):
    assert grade(loss=loss) == expected
    assert grade(loss=Decimal(loss)) == expected


@pytest.mark.parametrize(
    "loss, expected",
    [
        (9_999_999, GENERAL),
        (10_000_000, LARGER),
        (49_999_999, LARGER),
        (50_000_000, MAJOR),
        (99_999_999, MAJOR),
        (100_000_000, ESPECIALLY_MAJOR),
    ],
    ids=lambda v: str(v),
)
def test_art3_direct_loss_as_whole_yuan(loss, expected):
    assert grade(loss=loss) == expected


@pytest.mark.parametrize(
    "deaths, injuries, loss, expected",
    [
        (0, 0, "100000000", ESPECIALLY_MAJOR),
        (3, 60, "0", MAJOR),
        (2, 9, "99999999.99", MAJOR),
        (2, 99, "9999999.99", MAJOR),
        (29, 0, "0", MAJOR),
        (29, 99, "99999999.99", MAJOR),
        (30, 0, "0", ESPECIALLY_MAJOR),
        (0, 100, "0", ESPECIALLY_MAJOR),
        (1, 100, "1", ESPECIALLY_MAJOR),
        (9, 49, "49999999.99", LARGER),
        (3, 0, "9999999.99", LARGER),
        (2, 9, "9999999.99", GENERAL),
        (10, 10, "10000000", MAJOR),
        (3, 50, "10000000", MAJOR),
    ],
    ids=lambda v: str(v),
)
def test_art3_the_highest_of_the_three_figures_wins(deaths, injuries, loss, expected):
    assert grade(deaths, injuries, loss) == expected


def test_art3_no_casualties_and_no_loss_is_general():
    assert grade(0, 0, 0) == GENERAL


@pytest.mark.parametrize(
    "deaths, injuries, loss",
    [(-1, 0, "0"), (0, -1, "0"), (0, 0, "-0.01"), (0, 0, -1), (-3, -10, "-10000000")],
    ids=["deaths", "injuries", "loss", "loss-int", "all"],
)
def test_art3_negative_figures_are_rejected(deaths, injuries, loss):
    with pytest.raises(ValueError):
        grade(deaths, injuries, loss)


def test_art3_grades_are_the_public_codes_as_plain_strings():
    grades = {grade(0), grade(3), grade(10), grade(30)}
    assert grades == {g.value for g in AccidentGrade}
    assert all(type(g) is str for g in grades)


def test_art3_grading_cites_the_regulation():
    assert "生产安全事故报告和调查处理条例" in CITATION
    assert "第三条" in CITATION
