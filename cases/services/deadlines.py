"""Clocks on every stage with a time limit (PRODUCT §6).

``open_deadlines()`` lists what is running now, each with its due time, the department that must
act, and the policy row that sets the limit. ``run_deadlines()`` (the ``run_deadlines``
command, run periodically) warns before each limit and escalates after it, once: a
``DeadlineAlert`` row per (item, stage) makes a second run a no-op. Each alert is also a case
event, so it reaches the timeline and the notification outbox.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.codes import CaseState
from cases.models import Appeal, Case, CaseEvent, DeadlineAlert, ExecutionTask, Referral
from cases.services.common import case_event_record, deadline_after, deadline_policies
from core.persistence import lock
from org.models import Department


@dataclass(frozen=True)
class Deadline:
    key: str
    kind: str
    label: str
    case_id: int
    case_number: str
    department_id: int
    due: dt.datetime

    def overdue(self, now: dt.datetime) -> bool:
        return now > self.due


LABELS = {
    "referral_acknowledgement": _("Acknowledge the referral"),
    "execution": _("Carry out the measure or file the decision"),
    "appeal_decision": _("Decide the appeal"),
    "inquiry_reply": _("Reply to the inquiry"),
}


def _end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=timezone.get_current_timezone())


def open_deadlines(*, department_id: int | None = None) -> list[Deadline]:
    """Every running clock (optionally of one department), soonest first. Constant queries."""
    items: list[Deadline] = []
    referrals = Referral.objects.filter(state=Referral.State.SENT, acknowledge_by__isnull=False).select_related("case")
    executions = ExecutionTask.objects.filter(state=ExecutionTask.State.OPEN, due_on__isnull=False).select_related("case")
    appeals = Appeal.objects.filter(state=Appeal.State.FILED).select_related("case")
    inquiring = Case.objects.filter(state=CaseState.INQUIRING)
    if department_id is not None:
        referrals = referrals.filter(to_department_id=department_id)
        executions = executions.filter(department_id=department_id)
        appeals = appeals.filter(deciding_department_id=department_id)
        inquiring = inquiring.filter(owner_department_id=department_id)
    for r in referrals:
        items.append(
            Deadline(
                f"referral:{r.pk}",
                "referral_acknowledgement",
                str(LABELS["referral_acknowledgement"]),
                r.case_id,
                r.case.number,
                r.to_department_id,
                cast(dt.datetime, r.acknowledge_by),  # not None: filtered above
            )
        )
    for t in executions:
        items.append(
            Deadline(
                f"execution:{t.pk}",
                "execution",
                str(LABELS["execution"]),
                t.case_id,
                t.case.number,
                t.department_id,
                _end_of_day(cast(dt.date, t.due_on)),  # not None: filtered above
            )
        )
    appeal_limits, inquiry_limits = deadline_policies("appeal_decision"), deadline_policies("inquiry_reply")
    for a in appeals:
        due = _end_of_day(deadline_after("appeal_decision", a.filed_on, policies=appeal_limits))
        items.append(
            Deadline(
                f"appeal:{a.pk}",
                "appeal_decision",
                str(LABELS["appeal_decision"]),
                a.case_id,
                a.case.number,
                a.deciding_department_id,
                due,
            )
        )
    started = {
        e.case_id: e.created_at for e in CaseEvent.objects.filter(case__in=inquiring, kind="inquire").order_by("case_id", "seq")
    }
    for c in inquiring:
        if c.pk in started:
            due = deadline_after("inquiry_reply", started[c.pk], policies=inquiry_limits)
            items.append(
                Deadline(
                    f"inquiry:{c.pk}", "inquiry_reply", str(LABELS["inquiry_reply"]), c.pk, c.number, c.owner_department_id, due
                )
            )
    return sorted(items, key=lambda d: d.due)


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
                    "department": item.department_id,
                    # Past the limit the department's leaders are told as well (escalation).
                    "escalate_to": "leaders" if stage == DeadlineAlert.Stage.OVERDUE else "",
                },
            )
    except IntegrityError:  # another runner raised it at the same moment
        return False
    return True
