"""Report timeliness of an accident (条例第九、十一条; domain-facts §3.2–3.3).

The unit must report within 1 hour of the accident; each level of government within 2 hours
of receiving the report from below. Only lateness (迟报) is computed; 漏报, 谎报 and 瞒报 turn
on intent and verification and are findings a person records with evidence.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class StepTimeliness:
    level: int
    deadline: dt.datetime
    reported_at: dt.datetime | None
    late: bool
    minutes_late: int


def report_timeliness(
    *,
    occurred_at: dt.datetime,
    reports: dict[int, dt.datetime],
    unit_limit: dt.timedelta,
    level_limit: dt.timedelta,
    now: dt.datetime,
) -> list[StepTimeliness]:
    """Each level from 0 (the unit) up to the highest reported level, with its deadline.

    A level not yet reported counts as late once its deadline has passed (``now``). The clock of
    a level starts when the level below reported, or at that level's deadline if it never did.
    """
    steps = []
    top = max(reports) if reports else 0
    received = occurred_at
    for level in range(top + 1):
        deadline = received + (unit_limit if level == 0 else level_limit)
        reported_at = reports.get(level)
        effective = reported_at or now
        late = effective > deadline
        minutes = int((effective - deadline).total_seconds() // 60) if late else 0
        steps.append(StepTimeliness(level, deadline, reported_at, late, minutes))
        received = reported_at or deadline
    return steps
