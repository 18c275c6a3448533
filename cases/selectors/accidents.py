"""Reads about accidents: whether each report in the chain came in time (迟报, 《生产安全事故报告和
调查处理条例》第九条、第十一条; the limits are ``DeadlinePolicy`` rows)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from cases.models import Accident
from cases.rules.reporting import report_timeliness, unit_clock_start
from cases.selectors.deadlines import deadline_after
from rulebooks.figures import FigureBook

BASIS = "《生产安全事故报告和调查处理条例》第九条（单位负责人接到报告后1小时）、第十一条（每级2小时）"


def _limit(code: str, day: dt.date, department: int | None, figures: FigureBook) -> dt.timedelta:
    start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    return deadline_after(code, start, department=department, figures=figures) - start


def accident_timeliness(accident: Accident) -> dict[str, Any]:
    """迟报 computed from when the unit head learned of the accident (``known_at``, else the
    occurrence) and the report chain, with the limits' sources and which start the unit's clock took."""
    day = accident.occurred_at.date()
    clock = unit_clock_start(occurred_at=accident.occurred_at, known_at=accident.known_at)
    try:
        figures = FigureBook.load()
        place = accident.location_id
        unit_limit = _limit("accident_unit_report", day, place, figures)
        level_limit = _limit("accident_level_report", day, place, figures)
    except LookupError:
        # Before the 条例 (in force 2007-06-01) no reporting limit applies: nothing is late.
        return {
            "late": None,
            "steps": [],
            "basis": BASIS,
            "no_limit_on": day,
            "unit_clock_from": clock.source,
            "unit_clock_start": clock.start,
            "explanation": [clock.explanation],
        }
    reports = {r.level: r.reported_at for r in accident.reports.all()}
    if 0 not in reports and accident.unit_reported_at:
        reports[0] = accident.unit_reported_at
    steps = report_timeliness(
        occurred_at=accident.occurred_at,
        known_at=accident.known_at,
        reports=reports,
        unit_limit=unit_limit,
        level_limit=level_limit,
        now=timezone.now(),
    )
    return {
        "late": any(s.late for s in steps),
        "steps": [
            {
                "level": s.level,
                "deadline": s.deadline,
                "reported_at": s.reported_at,
                "late": s.late,
                "minutes_late": s.minutes_late,
            }
            for s in steps
        ],
        "basis": BASIS,
        "no_limit_on": None,
        "unit_clock_from": clock.source,
        "unit_clock_start": clock.start,
        "explanation": [clock.explanation],
    }
