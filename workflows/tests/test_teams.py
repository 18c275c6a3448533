"""Team work (issue 16 item 3): once ``accept`` gives a case its investigation team, the case's
next officer steps are in every member's inbox (``scope=mine``) until one claims it; only a member
(or a leader of the department) may claim it; a case without a team keeps the department queue."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from rest_framework.test import APIClient
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cases.models import CaseEvent
from cases.services.lifecycle import case_transition
from cases.tests.scenarios import case_in_state, new_lead
from core.errors import NotPermitted, TransitionNotAllowed
from workflows.selectors import my_tasks, queue
from workflows.services import task_claim, task_release

pytestmark = pytest.mark.django_db

OFFICER, OFFICER2, LEADER, LEADER2 = "discipline_officer", "discipline_officer2", "discipline_leader", "discipline_leader2"


def _accepted(world, team=(OFFICER, OFFICER2)):
    case = new_lead(world)
    case_transition(case_id=case.pk, name="accept", payload={"team": list(team)}, acting_user=world.users[OFFICER])
    return case


def _of_case(tasks, case):
    return [t for t in tasks if t.data.get("case") == case.pk]


def test_accept_with_a_team_of_two_puts_the_next_step_in_both_inboxes_not_the_queue(world):
    case = _accepted(world)
    first = _of_case(my_tasks(world.users[OFFICER]), case)
    second = _of_case(my_tasks(world.users[OFFICER2]), case)
    assert len(first) == 1 and [t.pk for t in second] == [first[0].pk]
    task = first[0]
    assert task.status == STATUS.NEW and task.data["team"] is True and task.flow_task.name == "investigation"
    assert not _of_case(queue(world.users[OFFICER]), case) and not _of_case(queue(world.users[LEADER]), case)


def test_one_member_claims_and_the_other_no_longer_can(world):
    case = _accepted(world)
    task = _of_case(my_tasks(world.users[OFFICER2]), case)[0]
    task_claim(task_id=task.pk, acting_user=world.users[OFFICER2])
    assert [t.pk for t in _of_case(my_tasks(world.users[OFFICER2]), case)] == [task.pk]
    assert not _of_case(my_tasks(world.users[OFFICER]), case)  # it left the other member's inbox
    with pytest.raises(TransitionNotAllowed):
        task_claim(task_id=task.pk, acting_user=world.users[OFFICER])
    assert CaseEvent.objects.filter(case=case, kind="task_claimed").count() == 1
    # Released, it is the team's again: back in both inboxes, still not in the queue.
    task_release(task_id=task.pk, acting_user=world.users[OFFICER2])
    assert _of_case(my_tasks(world.users[OFFICER]), case) and _of_case(my_tasks(world.users[OFFICER2]), case)
    assert not _of_case(queue(world.users[OFFICER]), case)


def test_a_non_member_cannot_claim_a_team_task_but_a_leader_may(world):
    case = _accepted(world, team=(OFFICER, LEADER2))
    task = _of_case(my_tasks(world.users[OFFICER]), case)[0]
    assert not _of_case(my_tasks(world.users[OFFICER2]), case)
    with pytest.raises(NotPermitted):
        task_claim(task_id=task.pk, acting_user=world.users[OFFICER2])
    with pytest.raises(NotPermitted):  # another department, as for any task
        task_claim(task_id=task.pk, acting_user=world.users["organization_officer"])
    task_claim(task_id=task.pk, acting_user=world.users[LEADER])  # the department's leader, as today
    assert [t.pk for t in _of_case(my_tasks(world.users[LEADER]), case)] == [task.pk]


def test_a_case_without_a_team_keeps_the_department_queue(world):
    case = new_lead(world)
    task = _of_case(queue(world.users[OFFICER]), case)
    assert len(task) == 1 and "team" not in task[0].data
    assert not _of_case(my_tasks(world.users[OFFICER]), case) and not _of_case(my_tasks(world.users[OFFICER2]), case)
    task_claim(task_id=task[0].pk, acting_user=world.users[OFFICER2])  # any officer of the department
    assert _of_case(my_tasks(world.users[OFFICER2]), case)


def test_later_officer_steps_stay_the_teams_and_leader_steps_go_to_the_queue(world):
    case = case_in_state(world, "proposing")  # accept (team) → findings → conclude: the proposal
    mine = _of_case(my_tasks(world.users[OFFICER2]), case)
    assert [t.flow_task.name for t in mine] == ["proposal"] and mine[0].data["team"] is True
    case_transition(
        case_id=case.pk,
        name="propose",
        payload={"measures": [{"subject": s.pk, "measure": "admonishment"} for s in case.subjects.all()]},
        acting_user=world.users[OFFICER],
    )
    # The approval needs a leader: no team mark; not in the officers' inboxes.
    assert not _of_case(my_tasks(world.users[OFFICER]), case) and not _of_case(my_tasks(world.users[OFFICER2]), case)


def test_api_scope_mine_lists_team_tasks_and_claim_over_http(world):
    case = _accepted(world)
    first, second = APIClient(), APIClient()
    first.force_authenticate(world.users[OFFICER])
    second.force_authenticate(world.users[OFFICER2])
    rows = [r for r in second.get("/api/v1/tasks/?scope=mine").json()["results"] if r["case"] == case.pk]
    assert len(rows) == 1 and rows[0]["team"] is True and rows[0]["claimable"] is True and rows[0]["owner"] is None
    task_id = rows[0]["id"]
    assert not [r for r in second.get("/api/v1/tasks/?scope=queue").json()["results"] if r["case"] == case.pk]

    claimed = second.post(f"/api/v1/tasks/{task_id}/claim/")
    assert claimed.status_code == 200 and claimed.json()["owner"] == OFFICER2 and claimed.json()["claimable"] is False
    assert not [r for r in first.get("/api/v1/tasks/?scope=mine").json()["results"] if r["id"] == task_id]
    again = first.post(f"/api/v1/tasks/{task_id}/claim/")
    assert again.status_code == 409 and again.json()["error"]


def test_api_a_non_member_is_refused_with_403(world):
    case = _accepted(world, team=(OFFICER, LEADER2))
    outsider = APIClient()
    outsider.force_authenticate(world.users[OFFICER2])
    department = [r for r in outsider.get("/api/v1/tasks/?scope=department").json()["results"] if r["case"] == case.pk]
    assert len(department) == 1 and department[0]["team"] is True and department[0]["claimable"] is False
    response = outsider.post(f"/api/v1/tasks/{department[0]['id']}/claim/")
    assert response.status_code == 403 and response.json()["error"]


def test_the_migration_marks_team_steps_opened_before_this_release(world):
    migration = importlib.import_module("workflows.migrations.0002_mark_team_work")
    case = _accepted(world)
    without_team = new_lead(world)
    task = _of_case(my_tasks(world.users[OFFICER]), case)[0]
    Task.objects.filter(pk=task.pk).update(data={k: v for k, v in task.data.items() if k != "team"})  # as before
    assert _of_case(queue(world.users[OFFICER]), case) and not _of_case(my_tasks(world.users[OFFICER2]), case)
    migration.mark(apps, None)
    assert [t.pk for t in _of_case(my_tasks(world.users[OFFICER2]), case)] == [task.pk]
    assert not _of_case(queue(world.users[OFFICER]), case) and _of_case(queue(world.users[OFFICER]), without_team)
    migration.unmark(apps, None)
    assert _of_case(queue(world.users[OFFICER]), case)
