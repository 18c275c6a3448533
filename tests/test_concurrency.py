"""Concurrent transitions on one case: exactly one wins, every loser gets 409, nothing is
corrupted (issue 2). Each worker is a thread with its own database connection, so on
PostgreSQL the row lock is real; on SQLite (a file database in tests) writers are serialized
by IMMEDIATE transactions and the conditional state update catches the stale read."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection

from cases.models import Case, CaseEvent
from cases.services.lifecycle import case_transition
from cases.tests.scenarios import TEAM, new_lead
from core.errors import ApplicationError

pytestmark = pytest.mark.django_db(transaction=True)


def _race(case_id: int, attempts: list[tuple[str, str, dict]], users, *, version: int | None = None) -> list[tuple[int, str]]:
    """Fire all attempts at once, each claiming to have seen ``version``; returns (status, code)."""
    barrier = threading.Barrier(len(attempts))
    results: list[tuple[int, str]] = [(0, "")] * len(attempts)

    def worker(index: int, name: str, persona: str, payload: dict) -> None:
        try:
            barrier.wait(timeout=10)
            case_transition(case_id=case_id, name=name, payload=payload, acting_user=users[persona], expected_version=version)
            results[index] = (200, "ok")
        except ApplicationError as exc:
            results[index] = (exc.status, exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, *a)) for i, a in enumerate(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    close_old_connections()
    return results


def test_two_officers_accepting_at_once_one_wins_the_other_gets_409(world):
    case = new_lead(world)
    results = _race(
        case.pk,
        [("accept", "discipline_officer", TEAM), ("accept", "discipline_officer2", TEAM)],
        world.users,
    )
    assert sorted(results) == [(200, "ok"), (409, "transition_not_allowed")], results
    case = Case.objects.get(pk=case.pk)
    assert case.state == "investigating"
    kinds = list(CaseEvent.objects.filter(case=case).order_by("seq").values_list("kind", flat=True))
    assert kinds == ["lead", "accept"]
    history_states = list(case.history.order_by("history_id").values_list("state", flat=True))
    assert history_states == ["received", "investigating"]


def test_eight_workers_fighting_over_conflicting_transitions(world):
    """accept, inquire, hold and dismiss all leave ``received``. Each worker states the version it
    saw, so a transition still allowed after another one (hold, then accept from held) is refused
    too: exactly one winner per conflict."""
    rounds = 3
    for _ in range(rounds):
        case = new_lead(world)
        attempts = [
            ("accept", "discipline_officer", TEAM),
            ("inquire", "discipline_officer2", {}),
            ("hold", "discipline_officer", {"reason": "待查"}),
            ("dismiss", "discipline_leader", {"reason": "不实"}),
            ("accept", "discipline_officer2", TEAM),
            ("inquire", "discipline_officer", {}),
            ("hold", "discipline_officer2", {"reason": "待查"}),
            ("dismiss", "discipline_leader2", {"reason": "不实"}),
        ]
        results = _race(case.pk, attempts, world.users, version=case.version)
        winners = [r for r in results if r[0] == 200]
        assert len(winners) == 1, results
        assert all(
            r == (409, "transition_not_allowed") or r == (409, "concurrent_modification") for r in results if r[0] != 200
        ), results
        events = list(CaseEvent.objects.filter(case=case).order_by("seq"))
        assert [e.seq for e in events] == [1, 2]
        assert events[1].from_state == "received"
        # The event chain is intact and agrees with the row.
        assert events[1].prev_hash == events[0].hash
        assert Case.objects.get(pk=case.pk).state == events[1].to_state
        assert case.history.count() == 2
