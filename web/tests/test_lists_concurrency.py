"""Two officers bulk-claim the same queue tasks at the same moment (issue 16 item 6): every task
ends with exactly one owner and one ``task_claimed`` event, and the two summaries add up (what
one claimed, the other was told was already taken). Each request runs in its own thread and
database connection, so on PostgreSQL the case row lock of ``task_claim`` is what decides."""

from __future__ import annotations

import re
import threading

import pytest
from django.contrib.messages import get_messages
from django.db import close_old_connections, connection
from django.test import Client

from cases.models import CaseEvent
from cases.tests.scenarios import new_lead
from workflows.selectors import queue, task_by_id

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_officers_bulk_claiming_the_same_tasks_each_task_has_one_winner(world, settings):
    settings.LANGUAGE_CODE = "en"
    cases = [new_lead(world) for _ in range(3)]
    wanted = {c.pk for c in cases}
    ids = [t.pk for t in queue(world.users["discipline_officer"]) if t.data.get("case") in wanted]
    officers = ["discipline_officer", "discipline_officer2"]
    barrier = threading.Barrier(len(officers))
    summaries: dict[str, str] = {}

    def worker(username: str) -> None:
        try:
            client = Client(HTTP_ACCEPT_LANGUAGE="en")
            client.force_login(world.users[username])
            barrier.wait(timeout=10)
            response = client.post("/tasks/bulk/", {"action": "claim", "tasks": ids})
            summaries[username] = str(list(get_messages(response.wsgi_request))[-1])
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(u,)) for u in officers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    close_old_connections()
    assert set(summaries) == set(officers), summaries
    claimed = {u: int(re.match(r"Claimed (\d+) task", s).group(1)) for u, s in summaries.items()}
    taken = {u: int(m.group(1)) if (m := re.search(r"(\d+) w(?:as|ere) already taken", s)) else 0 for u, s in summaries.items()}
    assert sum(claimed.values()) == len(ids) and sum(taken.values()) == len(ids), summaries
    for username in officers:
        assert claimed[username] + taken[username] == len(ids)
    for task_id in ids:
        owner = task_by_id(task_id).owner.username
        assert owner in officers
    events = CaseEvent.objects.filter(case__in=cases, kind="task_claimed")
    assert events.count() == len(ids)
    assert {e.payload["task"] for e in events} == set(ids)
