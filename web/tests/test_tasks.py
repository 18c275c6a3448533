"""The inbox and the queue over HTTP: claiming, releasing and assigning tasks.

- discipline_officer: handles the county's cases (accept, findings, conclude, propose, deliver).
- discipline_leader: approves, rejects, dismisses, assigns tasks, decides appeals.
- organization_officer: executes organizational measures and files the personnel archive.
- emergency_officer: referred the leads; sees status and outcome only.
- city_discipline_officer: an outsider; sees nothing of the county's cases.

Every form goes through the services: a refused request re-renders the form with the service's
errors next to its fields and writes nothing.
"""

from __future__ import annotations

import re

import pytest

from cases.models import CaseEvent
from cases.tests.scenarios import new_lead
from web.tests.helpers import (
    LEADER,
    OFFICER,
    OFFICER2,
    count_queries_warm,
    zh,
)

pytestmark = pytest.mark.django_db


def test_queue_claim_then_inbox_then_release(login, world):
    case = new_lead(world)
    client = login(OFFICER)
    queue_html = client.get("/queue/").content.decode()
    assert case.number in queue_html and f'href="/cases/{case.pk}/"' in queue_html
    task_id = int(
        re.search(rf'<tr id="task-(\d+)"[^>]*>\s*<td class="zm-casecell"><a href="/cases/{case.pk}/"', queue_html).group(1)
    )
    assert 'name="to"' not in queue_html  # officers do not assign

    response = client.post(f"/tasks/{task_id}/claim/", {"next": "/queue/"})
    assert response.status_code == 302 and response["Location"] == "/queue/"
    inbox_html = client.get("/inbox/").content.decode()
    assert f'id="task-{task_id}"' in inbox_html and case.number in inbox_html and case.title in inbox_html
    assert f'id="task-{task_id}"' not in client.get("/queue/").content.decode()
    assert CaseEvent.objects.filter(case=case, kind="task_claimed").count() == 1

    client.post(f"/tasks/{task_id}/release/", {"next": "/inbox/"})
    assert f'id="task-{task_id}"' not in client.get("/inbox/").content.decode()
    assert f'id="task-{task_id}"' in client.get("/queue/").content.decode()


def test_claiming_a_taken_task_shows_the_services_message(login, world):
    from workflows.selectors import queue
    from workflows.services import task_claim

    case = new_lead(world)
    task = next(t for t in queue(world.users[OFFICER]) if t.data.get("case") == case.pk)
    task_claim(task_id=task.pk, acting_user=world.users[OFFICER2])
    client = login(OFFICER)
    response = client.post(f"/tasks/{task.pk}/claim/", {"next": "/queue/"}, follow=True)
    assert zh("This task is already taken.") in response.content.decode()
    assert client.post("/tasks/999999/claim/").status_code == 404


def test_leader_assigns_and_reassigns_to_department_members(login, world):
    case = new_lead(world)
    leader = login(LEADER)
    html = leader.get("/queue/").content.decode()
    task_id = int(re.search(rf'<tr id="task-(\d+)"[^>]*>\s*<td class="zm-casecell"><a href="/cases/{case.pk}/"', html).group(1))
    # The select offers active members of the department only.
    select = re.search(rf'action="/tasks/{task_id}/assign/".*?</select>', html, re.S).group(0)
    assert 'value="discipline_officer2"' in select and "organization_officer" not in select

    leader.post(f"/tasks/{task_id}/assign/", {"to": OFFICER, "next": "/queue/"})
    html = leader.get("/queue/").content.decode()
    assert f'id="task-{task_id}"' in html.split(zh("Taken by colleagues"))[1]  # now held by a colleague
    leader.post(f"/tasks/{task_id}/assign/", {"to": OFFICER2, "next": "/queue/"})
    event = CaseEvent.objects.filter(case=case, kind="task_reassigned").get()
    assert event.payload["from"] == OFFICER and event.payload["to"] == OFFICER2 and event.actor == world.users[LEADER]
    assert f'id="task-{task_id}"' in login(OFFICER2).get("/inbox/").content.decode()


def test_inbox_and_queue_cost_the_same_for_3_and_10_tasks(login, world):
    from workflows.selectors import queue
    from workflows.services import task_claim

    def add(n):
        for _ in range(n):
            case = new_lead(world)
            task = next(t for t in queue(world.users[OFFICER]) if t.data.get("case") == case.pk)
            task_claim(task_id=task.pk, acting_user=world.users[OFFICER])
            new_lead(world)  # and one left in the queue

    officer, leader = login(OFFICER), None
    add(3)
    small = [count_queries_warm(officer, "/inbox/"), count_queries_warm(officer, "/queue/")]
    leader = login(LEADER)
    small_leader = count_queries_warm(leader, "/queue/")
    add(7)
    assert [count_queries_warm(login(OFFICER), "/inbox/"), count_queries_warm(login(OFFICER), "/queue/")] == small
    assert count_queries_warm(login(LEADER), "/queue/") == small_leader
