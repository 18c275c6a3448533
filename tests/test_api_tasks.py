"""``/api/v1/tasks/`` (PRODUCT §9): the user's workflow tasks over HTTP — the inbox, the
department's queue, and claim, release and assign, with the services' rules and error shape.

- discipline_officer / discipline_officer2: officers of the handling department.
- discipline_leader: a leader there; assigns work.
- organization_officer: another department; sees none of these tasks and may take none.
"""

from __future__ import annotations

import pytest

from cases.codes import CaseState
from cases.models import CaseEvent
from cases.tests.scenarios import case_in_state, new_lead

pytestmark = pytest.mark.django_db


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_queue_claim_inbox_release_over_http(world, api):
    case = new_lead(world)
    officer, officer2 = api("discipline_officer"), api("discipline_officer2")
    queue = officer.get("/api/v1/tasks/?scope=queue").json()["results"]
    task = next(t for t in queue if t["case"] == case.pk)
    assert task["case_number"] == case.number and task["url"] == f"/cases/{case.pk}/" and task["owner"] is None

    claimed = officer.post(f"/api/v1/tasks/{task['id']}/claim/")
    assert claimed.status_code == 200 and claimed.json()["owner"] == "discipline_officer"
    assert task["id"] in _ids(officer.get("/api/v1/tasks/"))  # scope=mine by default
    assert task["id"] not in _ids(officer2.get("/api/v1/tasks/?scope=queue"))

    again = officer2.post(f"/api/v1/tasks/{task['id']}/claim/")
    assert again.status_code == 409 and again.json()["error"] == "transition_not_allowed"

    assert officer.post(f"/api/v1/tasks/{task['id']}/release/").status_code == 200
    assert task["id"] in _ids(officer2.get("/api/v1/tasks/?scope=queue"))
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert "task_claimed" in kinds and "task_released" in kinds


def test_a_leader_assigns_and_other_departments_see_and_take_nothing(world, api):
    case = new_lead(world)
    leader, outsider = api("discipline_leader"), api("organization_officer")
    task_id = next(t["id"] for t in leader.get("/api/v1/tasks/?scope=department").json()["results"] if t["case"] == case.pk)
    assert task_id not in _ids(outsider.get("/api/v1/tasks/?scope=queue"))
    assert task_id not in _ids(outsider.get("/api/v1/tasks/?scope=department"))

    refused = outsider.post(f"/api/v1/tasks/{task_id}/claim/")
    assert refused.status_code == 403 and refused.json()["error"] == "not_permitted"
    officer_assigns = api("discipline_officer").post(
        f"/api/v1/tasks/{task_id}/assign/", {"to": "discipline_officer2"}, format="json"
    )
    assert officer_assigns.status_code == 403

    assigned = leader.post(f"/api/v1/tasks/{task_id}/assign/", {"to": "discipline_officer2", "reason": "分工"}, format="json")
    assert assigned.status_code == 200 and assigned.json()["owner"] == "discipline_officer2"
    assert task_id in _ids(api("discipline_officer2").get("/api/v1/tasks/"))


def test_bad_scope_missing_task_and_bad_body_are_clear_errors(world, api):
    case_in_state(world, CaseState.INVESTIGATING)
    leader = api("discipline_leader")
    bad = leader.get("/api/v1/tasks/?scope=everything")
    assert bad.status_code == 400 and "scope" in bad.json()["detail"]
    missing = leader.post("/api/v1/tasks/999999/claim/")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    task_id = leader.get("/api/v1/tasks/?scope=department").json()["results"][0]["id"]
    no_to = leader.post(f"/api/v1/tasks/{task_id}/assign/", {}, format="json")
    assert no_to.status_code == 400 and "to" in no_to.json()["detail"]
    assert api().get("/api/v1/tasks/").status_code == 401


def test_case_filter_narrows_each_scope_to_that_case_and_rejects_a_bad_id(world, api):
    first, second = new_lead(world), new_lead(world)
    leader = api("discipline_leader")
    everything = leader.get("/api/v1/tasks/?scope=department").json()["results"]
    assert {first.pk, second.pk} <= {t["case"] for t in everything}  # both cases have open tasks

    for scope in ("department", "queue"):
        rows = leader.get(f"/api/v1/tasks/?scope={scope}&case={first.pk}").json()["results"]
        assert rows and {t["case"] for t in rows} == {first.pk}, scope
    assert _ids(api("organization_officer").get(f"/api/v1/tasks/?scope=department&case={first.pk}")) == []

    assert _ids(leader.get("/api/v1/tasks/?scope=department&case=0")) == []  # an id (ID_SCHEMA) of no case
    before = len(everything)
    for bad in ("abc", "-3", "", str(2**63)):
        refused = leader.get(f"/api/v1/tasks/?scope=department&case={bad}")
        assert refused.status_code == 400 and "case" in refused.json()["detail"], bad
    assert len(leader.get("/api/v1/tasks/?scope=department").json()["results"]) == before
