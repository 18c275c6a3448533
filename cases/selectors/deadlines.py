"""Clocks on every stage with a time limit (PRODUCT §6): the limits in force (``deadline_after``)
and what is running now (``open_deadlines``), each with its due time, the department that must
act, and the policy row that sets the limit. Raising the warnings and escalations is
``cases.services.deadlines.run_deadlines``'s.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast, overload

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.codes import CaseState
from cases.models import Appeal, Case, CaseEvent, DeadlinePolicy, ExecutionTask, Referral
from cases.rules import appeals as appeal_rules
from cases.rules.workdays import add_working_days
from core.persistence import add_months
from rulebooks.figures import FigureBook, FigureRow


def deadline_policies(code: str) -> list[DeadlinePolicy]:
    """Every version of one limit in the national table, newest first: load once, then pick per
    date in Python."""
    return list(DeadlinePolicy.objects.filter(code=code).order_by("-valid_from"))


def _from_rulebook(code: str, found: FigureRow) -> DeadlinePolicy:
    """A rulebook's row as an (unsaved) ``DeadlinePolicy``: what every caller reads of a limit."""
    row = found.row
    return DeadlinePolicy(
        code=code,
        amount=int(row["amount"]),
        unit=str(row["unit"]),
        citation=found.citation,
        verified=bool(row.get("verified")),
        valid_from=found.valid_from,
        valid_to=found.valid_to,
        note=str(row.get("note", "")) or f"rulebook {found.rulebook}",
    )


def policy_in_force(
    code: str,
    day: dt.date,
    *,
    department: int | None = None,
    policies: list[DeadlinePolicy] | None = None,
    figures: FigureBook | None = None,
) -> DeadlinePolicy | None:
    """The row that sets limit ``code`` on ``day`` where ``department`` (an id; ``None``: only
    national rulebooks) is: the one the rulebook in force there states (issue 13), else the
    national table's. Pass ``policies`` and ``figures`` to decide many limits with no query."""
    book = figures if figures is not None else FigureBook.load()
    found = book.deadline(code, department, day)
    if found is not None:
        return _from_rulebook(code, found)
    rows = policies if policies is not None else deadline_policies(code)
    return next((p for p in rows if p.valid_from <= day and (p.valid_to is None or day <= p.valid_to)), None)


@dataclass(frozen=True)
class Due:
    """A limit applied to a start: the due time (or date), the policy row, and whether the due date
    is ``approximate`` — counted in working days partly outside the official calendar's years,
    where Monday–Friday stood in for the notices (``cases.rules.workdays``)."""

    at: dt.datetime | dt.date
    policy: DeadlinePolicy
    approximate: bool = False


def _end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=timezone.get_current_timezone())


def deadline_due(
    code: str,
    start: dt.datetime | dt.date,
    *,
    on: dt.date | None = None,
    department: int | None = None,
    policies: list[DeadlinePolicy] | None = None,
    figures: FigureBook | None = None,
) -> Due:
    """``start`` plus the limit named ``code`` in force on ``on`` (default: the start date) where
    ``department`` is (``policy_in_force``), with the row that set it. Units: hours; calendar days;
    working days (工作日: the day of ``start`` is not counted, and a datetime start is due at the
    end of the last working day, local time); calendar months. Raises ``LookupError`` when no row
    is in force."""
    day = on or (_local_date(start) if isinstance(start, dt.datetime) else start)
    policy = policy_in_force(code, day, department=department, policies=policies, figures=figures)
    if policy is None:
        raise LookupError(f"no deadline policy {code!r} in force on {day}")
    if policy.unit == DeadlinePolicy.Unit.HOURS:
        if not isinstance(start, dt.datetime):
            start = dt.datetime.combine(start, dt.time(), tzinfo=timezone.get_current_timezone())
        return Due(start + dt.timedelta(hours=policy.amount), policy)
    if policy.unit == DeadlinePolicy.Unit.DAYS:
        return Due(start + dt.timedelta(days=policy.amount), policy)
    if policy.unit == DeadlinePolicy.Unit.WORKING_DAYS:
        # Working days are days of the calendar where the case is handled: count from the local date.
        counted = add_working_days(_local_date(start), policy.amount)
        due: dt.datetime | dt.date = _end_of_day(counted.day) if isinstance(start, dt.datetime) else counted.day
        return Due(due, policy, counted.approximate)
    return Due(add_months(start, policy.amount), policy)


def _local_date(value: dt.datetime | dt.date) -> dt.date:
    return timezone.localtime(value).date() if isinstance(value, dt.datetime) else value


@overload
def deadline_after(
    code: str,
    start: dt.datetime,
    *,
    on: dt.date | None = None,
    department: int | None = None,
    policies: list[DeadlinePolicy] | None = None,
    figures: FigureBook | None = None,
) -> dt.datetime: ...
@overload
def deadline_after(
    code: str,
    start: dt.date,
    *,
    on: dt.date | None = None,
    department: int | None = None,
    policies: list[DeadlinePolicy] | None = None,
    figures: FigureBook | None = None,
) -> dt.datetime | dt.date: ...
def deadline_after(
    code: str,
    start: dt.datetime | dt.date,
    *,
    on: dt.date | None = None,
    department: int | None = None,
    policies: list[DeadlinePolicy] | None = None,
    figures: FigureBook | None = None,
) -> dt.datetime | dt.date:
    """``start`` plus the limit named ``code`` in force on ``on`` (default: the start date) where
    ``department`` is. Pass ``policies`` (from ``deadline_policies``) and ``figures``
    (``FigureBook.load()``) to compute many deadlines without a query each. ``deadline_due``
    gives the same with the policy row and the ``approximate`` mark."""
    return deadline_due(code, start, on=on, department=department, policies=policies, figures=figures).at


@dataclass(frozen=True)
class Deadline:
    key: str
    kind: str
    label: str
    case_id: int
    case_number: str
    department_id: int
    due: dt.datetime
    # Counted in working days partly past the official calendar's years (Monday–Friday stood in):
    # pages show the due date as approximate.
    approximate: bool = False

    def overdue(self, now: dt.datetime) -> bool:
        return now > self.due


LABELS = {
    "referral_acknowledgement": _("Acknowledge the referral"),
    "execution": _("Carry out the measure or file the decision"),
    "appeal_decision": _("Decide the appeal"),
    "inquiry_reply": _("Reply to the inquiry"),
}


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
    inquiry_limits = deadline_policies("inquiry_reply")
    # Each route and stage has its own decision limit (``cases.rules.appeals``): read them at once.
    decision_codes = {(r.code, st.code): st.decision for r in appeal_rules.ROUTES.values() for st in r.stages}
    appeal_limits: dict[str, list[DeadlinePolicy]] = {}
    for p in DeadlinePolicy.objects.filter(code__in=set(decision_codes.values())).order_by("-valid_from"):
        appeal_limits.setdefault(p.code, []).append(p)
    figures = FigureBook.load()
    for a in appeals:
        code = decision_codes.get((a.route, a.stage), "appeal_decision")
        decision = deadline_due(
            code, a.filed_on, department=a.case.owner_department_id, policies=appeal_limits.get(code, []), figures=figures
        )
        due = decision.at if isinstance(decision.at, dt.datetime) else _end_of_day(decision.at)
        items.append(
            Deadline(
                f"appeal:{a.pk}",
                "appeal_decision",
                str(LABELS["appeal_decision"]),
                a.case_id,
                a.case.number,
                a.deciding_department_id,
                due,
                decision.approximate,
            )
        )
    started = {
        e.case_id: e.created_at for e in CaseEvent.objects.filter(case__in=inquiring, kind="inquire").order_by("case_id", "seq")
    }
    for c in inquiring:
        if c.pk in started:
            reply = deadline_due(
                "inquiry_reply", started[c.pk], department=c.owner_department_id, policies=inquiry_limits, figures=figures
            )
            items.append(
                Deadline(
                    f"inquiry:{c.pk}",
                    "inquiry_reply",
                    str(LABELS["inquiry_reply"]),
                    c.pk,
                    c.number,
                    c.owner_department_id,
                    cast(dt.datetime, reply.at),  # a datetime start gives a datetime
                    reply.approximate,
                )
            )
    return sorted(items, key=lambda d: d.due)
