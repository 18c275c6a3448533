"""The dashboard over HTTP: the officer's tasks, the department's clocks, the cases by state.

- discipline_officer: handles the county's cases (accept, findings, conclude, propose, deliver).
- discipline_leader: approves, rejects, dismisses, assigns tasks, decides appeals.
- organization_officer: executes organizational measures and files the personnel archive.
- emergency_officer: referred the leads; sees status and outcome only.
- city_discipline_officer: an outsider; sees nothing of the county's cases.

Every form goes through the services: a refused request re-renders the form with the service's
errors next to its fields and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from cases.codes import CaseState
from cases.models import ExecutionTask
from cases.tests.scenarios import case_in_state, new_lead
from core.persistence import local_today
from web.tests.helpers import (
    CADRES,
    OFFICER,
    zh,
)

pytestmark = pytest.mark.django_db


def test_dashboard_shows_tasks_queue_deadlines_and_cases_by_state(login, world):
    from workflows.selectors import my_tasks, queue
    from workflows.services import task_claim

    mine = new_lead(world)
    new_lead(world)
    executing = case_in_state(world, CaseState.EXECUTING, cadres=CADRES[:2])
    # One of the discipline organ's archive tasks is past its limit, the other due tomorrow.
    tasks = list(ExecutionTask.objects.filter(case=executing, department__kind="discipline").order_by("id"))
    ExecutionTask.objects.filter(pk=tasks[0].pk).update(due_on=local_today() - dt.timedelta(days=3))
    ExecutionTask.objects.filter(pk=tasks[1].pk).update(due_on=local_today() + dt.timedelta(days=1))
    officer = world.users[OFFICER]
    task = next(t for t in queue(officer) if t.data.get("case") == mine.pk)
    task_claim(task_id=task.pk, acting_user=officer)

    response = login(OFFICER).get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"<h1>{zh('Dashboard')}</h1>" in html
    assert mine.number in html and str(task.flow_task.task_title) in html
    # The claimed intake, and the executing case's unclaimed team steps (the officer is on its team).
    team_steps = [t for t in my_tasks(officer) if t.data.get("case") == executing.pk]
    assert team_steps and all(t.data.get("team") for t in team_steps)
    assert f'<a class="zm-tile" href="/inbox/"><span class="n">{1 + len(team_steps)}</span>' in html
    assert 'class="row-overdue"' in html and executing.number in html
    assert 'class="due-soon"' in html
    counts = dict(re.findall(r'\?state=(\w+)"><span class="state \w+">[^<]*</span><span class="n">(\d+)</span>', html))
    assert counts[CaseState.RECEIVED] == "2" and counts[CaseState.EXECUTING] == "1" and counts[CaseState.CLOSED] == "0"


def test_a_clock_counted_past_the_holiday_calendar_is_shown_as_approximate(login, world):
    """An inquiry started on 2026-12-15 replies within 15 working days (migration 0014): the count
    runs into 2027, past the official calendar's years, so the dashboard marks the due date."""
    from zoneinfo import ZoneInfo

    from cases.models import CaseEvent

    rough = case_in_state(world, CaseState.INQUIRING)
    started = dt.datetime(2026, 12, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    CaseEvent.objects.filter(case=rough, kind="inquire").update(created_at=started)
    html = login(OFFICER).get("/").content.decode()
    row = next(r for r in html.split("<tr") if rough.number in r)
    assert "2027-01-05 23:59" in row and "zm-approximate" in row

    exact = case_in_state(world, CaseState.INQUIRING)
    CaseEvent.objects.filter(case=exact, kind="inquire").update(created_at=started - dt.timedelta(days=11))
    html = login(OFFICER).get("/").content.decode()
    row = next(r for r in html.split("<tr") if exact.number in r)
    assert "2026-12-25 23:59" in row and "zm-approximate" not in row
