"""Report timeliness of an accident (条例第九、十一条; domain-facts §3.2–3.3).

The unit head must report within 1 hour of *receiving the report* of the accident (第九条: "事故发
生后，事故现场有关人员应当立即向本单位负责人报告；单位负责人接到报告后，应当于1小时内……报告",
VERIFIED-P); each level of government within 2 hours of receiving the report from below (第十一条).
The unit's clock therefore runs from ``known_at`` (when the unit head learned of it) when that is
recorded, and from the occurrence otherwise, and the explanation says which. Only lateness (迟报)
is computed; 漏报, 谎报 and 瞒报 turn on intent and verification and are findings a person records
with evidence.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

FROM_KNOWN_AT = "known_at"
FROM_OCCURRED_AT = "occurred_at"

EXPLAIN_FROM_KNOWN_AT = "条例第九条：单位负责人接到报告后1小时内报告；单位的时限自记录的单位负责人获知时间起算。"
EXPLAIN_FROM_OCCURRED_AT = (
    "条例第九条：单位负责人接到报告后1小时内报告；未记录单位负责人获知时间，"
    "单位的时限自事故发生时间起算（现场人员应当立即报告，按发生即获知计）。"
)


@dataclass(frozen=True)
class StepTimeliness:
    level: int
    deadline: dt.datetime
    reported_at: dt.datetime | None
    late: bool
    minutes_late: int


@dataclass(frozen=True)
class UnitClock:
    """Where the unit's 1-hour clock starts, which field it was taken from, and why."""

    start: dt.datetime
    source: str
    explanation: str


def unit_clock_start(*, occurred_at: dt.datetime, known_at: dt.datetime | None) -> UnitClock:
    """第九条: from ``known_at`` when recorded, else from ``occurred_at``, saying so."""
    if known_at is not None:
        return UnitClock(known_at, FROM_KNOWN_AT, EXPLAIN_FROM_KNOWN_AT)
    return UnitClock(occurred_at, FROM_OCCURRED_AT, EXPLAIN_FROM_OCCURRED_AT)


def report_timeliness(
    *,
    occurred_at: dt.datetime,
    reports: dict[int, dt.datetime],
    unit_limit: dt.timedelta,
    level_limit: dt.timedelta,
    now: dt.datetime,
    known_at: dt.datetime | None = None,
) -> list[StepTimeliness]:
    """Each level from 0 (the unit) up to the highest reported level, with its deadline.

    The unit's clock starts at ``unit_clock_start`` (``known_at``, else ``occurred_at``). A level
    not yet reported counts as late once its deadline has passed (``now``). The clock of a level
    above starts when the level below reported, or at that level's deadline if it never did.
    """
    steps = []
    top = max(reports) if reports else 0
    received = unit_clock_start(occurred_at=occurred_at, known_at=known_at).start
    for level in range(top + 1):
        deadline = received + (unit_limit if level == 0 else level_limit)
        reported_at = reports.get(level)
        effective = reported_at or now
        late = effective > deadline
        minutes = int((effective - deadline).total_seconds() // 60) if late else 0
        steps.append(StepTimeliness(level, deadline, reported_at, late, minutes))
        received = reported_at or deadline
    return steps
