"""Both members of a team click 认领 on the team's step at once (issue 16 item 3): exactly one
wins, the other gets 409, and one claim is recorded. The guarantee is the case row lock that
``task_claim`` takes before re-reading the task (``workflows.services._task_for_update``): viewflow's
``assign`` itself is a plain save. Each worker is a thread with its own database connection, so
on PostgreSQL the row lock is real; on SQLite writers queue at BEGIN IMMEDIATE."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection

from cases.models import CaseEvent
from cases.services.lifecycle import case_transition
from cases.tests.scenarios import TEAM, new_lead
from core.errors import ApplicationError
from workflows.selectors import my_tasks, task_by_id
from workflows.services import task_claim

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_members_claiming_the_teams_step_at_once_one_wins(world):
    case = new_lead(world)
    case_transition(case_id=case.pk, name="accept", payload=TEAM, acting_user=world.users["discipline_officer"])
    task = next(t for t in my_tasks(world.users["discipline_officer2"]) if t.data.get("case") == case.pk)
    members = ["discipline_officer", "discipline_officer2"]
    barrier = threading.Barrier(len(members))
    results: list[tuple[int, str]] = [(0, "")] * len(members)

    def worker(index: int, username: str) -> None:
        try:
            barrier.wait(timeout=10)
            task_claim(task_id=task.pk, acting_user=world.users[username])
            results[index] = (200, username)
        except ApplicationError as exc:
            results[index] = (exc.status, exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, u)) for i, u in enumerate(members)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    close_old_connections()
    winners = [who for status, who in results if status == 200]
    assert len(winners) == 1 and sorted(status for status, _ in results) == [200, 409], results
    assert task_by_id(task.pk).owner.username == winners[0]
    assert CaseEvent.objects.filter(case=case, kind="task_claimed").count() == 1
