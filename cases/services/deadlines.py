"""Warnings and escalations on the running clocks (PRODUCT §6). ``run_deadlines()`` (the
``run_deadlines`` command, run periodically) warns before each limit of
``cases.selectors.deadlines.open_deadlines`` and escalates after it, once: a ``DeadlineAlert``
row per (item, stage) makes a second run a no-op. Each alert is also a case event, so it reaches
the timeline and the notification outbox.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import Case, DeadlineAlert
from cases.selectors.deadlines import Deadline, deadline_after, open_deadlines
from cases.services.common import case_event_record
from core.persistence import lock
from org.models import Department


def _warn_before(now: dt.datetime) -> dt.timedelta:
    start = now
    return deadline_after("deadline_warning", start) - start


def run_deadlines(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Raise each due warning and each overdue escalation exactly once. Returns counts."""
    now = now or timezone.now()
    warn = _warn_before(now)
    counts = {"warning": 0, "overdue": 0}
    for item in open_deadlines():
        if item.overdue(now):
            stage = DeadlineAlert.Stage.OVERDUE
        elif now >= item.due - warn:
            stage = DeadlineAlert.Stage.WARNING
        else:
            continue
        if _raise(item, stage):
            counts[stage] += 1
    return counts


def _raise(item: Deadline, stage: str) -> bool:
    key = f"{item.key}:{stage}"
    if DeadlineAlert.objects.filter(key=key).exists():
        return False
    try:
        with transaction.atomic():
            case = lock(Case, item.case_id)
            DeadlineAlert.objects.create(
                key=key, kind=item.kind, stage=stage, case=case, department=Department(pk=item.department_id), due=item.due
            )
            case_event_record(
                case=case,
                kind=f"deadline_{stage}",
                acting_user=None,
                from_state=case.state,
                to_state=case.state,
                reason=item.label,
                payload={
                    "deadline": item.kind,
                    "item": item.key,
                    "due": item.due.isoformat(),
                    # Counted partly past the official calendar's years (Monday–Friday stood in).
                    "approximate": item.approximate,
                    "department": item.department_id,
                    # Past the limit the department's leaders are told as well (escalation).
                    "escalate_to": "leaders" if stage == DeadlineAlert.Stage.OVERDUE else "",
                },
            )
    except IntegrityError:  # another runner raised it at the same moment
        return False
    return True
