"""Accident grading (生产安全事故报告和调查处理条例 第三条, VERIFIED-P in domain-facts §3.1).

Each of the three figures is graded on its own and the highest grade wins ("或者").
"以上" includes the number and "以下" excludes it, so each grade starts *at* its threshold.
"""

from __future__ import annotations

from decimal import Decimal

from cases.codes import AccidentGrade

# (grade, deaths >=, serious injuries >=, direct loss in yuan >=), from the most serious down.
THRESHOLDS: list[tuple[str, int, int, Decimal]] = [
    (AccidentGrade.ESPECIALLY_MAJOR, 30, 100, Decimal("100000000")),
    (AccidentGrade.MAJOR, 10, 50, Decimal("50000000")),
    (AccidentGrade.LARGER, 3, 10, Decimal("10000000")),
]
CITATION = "《生产安全事故报告和调查处理条例》第三条"


def grade_accident(*, deaths: int, serious_injuries: int, direct_loss_yuan: Decimal | int | str) -> str:
    """The grade code for the figures; ``general`` below every threshold."""
    loss = Decimal(direct_loss_yuan)
    if deaths < 0 or serious_injuries < 0 or loss < 0:
        raise ValueError("accident figures cannot be negative")
    for grade, min_deaths, min_injuries, min_loss in THRESHOLDS:
        if deaths >= min_deaths or serious_injuries >= min_injuries or loss >= min_loss:
            return str(grade)
    return str(AccidentGrade.GENERAL)
