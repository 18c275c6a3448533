"""The dashboard: the officer's tasks, the department's clocks and the cases by state.

Reads go through the selectors that know the user (``cases.selectors``, ``workflows.selectors``).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from cases.codes import TERMINAL_STATES, CaseState
from cases.selectors.deadlines import deadline_after, open_deadlines
from cases.selectors.pages import case_state_counts, recent_cases
from org.access import membership_of
from web.common.pages import task_rows
from workflows.selectors import my_tasks, queue

DASHBOARD_LATER = 6
DASHBOARD_RECENT = 8


def _warning_window(now: dt.datetime) -> dt.timedelta:
    """How early a clock counts as "due soon": the same policy row ``run_deadlines`` warns by."""
    try:
        return deadline_after("deadline_warning", now) - now
    except LookupError:  # no policy configured: still show what is near
        return dt.timedelta(days=2)


@login_required
def dashboard(request):
    user = request.user
    membership = membership_of(user)
    mine = my_tasks(user)
    now = timezone.now()
    deadlines = open_deadlines(department_id=membership.department_id) if membership else []
    window = _warning_window(now)
    overdue = [d for d in deadlines if d.overdue(now)]
    soon = [d for d in deadlines if not d.overdue(now) and d.due <= now + window]
    later = [d for d in deadlines if d.due > now + window][:DASHBOARD_LATER]
    counts = case_state_counts(user)
    by_state = [{"code": code, "label": label, "count": counts.get(code, 0)} for code, label in CaseState.choices]
    open_total = sum(n for state, n in counts.items() if state not in TERMINAL_STATES)
    return render(
        request,
        "web/dashboard/dashboard.html",
        {
            "membership": membership,
            "my_rows": task_rows(mine[:8], user),
            "my_count": mine.count(),
            "queue_count": queue(user).count(),
            "overdue": overdue,
            "soon": soon,
            "later": later,
            "recent": recent_cases(user, DASHBOARD_RECENT),
            "by_state": by_state,
            "case_total": sum(counts.values()),
            "open_total": open_total,
        },
    )
