"""Execution tasks and appeals from the case page over HTTP.

- discipline_officer: handles the county's cases (accept, findings, conclude, propose, deliver).
- discipline_leader: approves, rejects, dismisses, assigns tasks, decides appeals.
- organization_officer: executes organizational measures and files the personnel archive.
- emergency_officer: referred the leads; sees status and outcome only.
- city_discipline_officer: an outsider; sees nothing of the county's cases.

Every form goes through the services: a refused request re-renders the form with the service's
errors next to its fields and writes nothing.
"""

from __future__ import annotations

import pytest

from cases.codes import CaseState
from cases.models import Appeal, ExecutionTask, MeasureDecision
from cases.tests.scenarios import case_in_state
from core.persistence import local_today
from web.tests.helpers import (
    LEADER,
    OFFICER,
    field_errors,
    snapshot,
    zh,
)

pytestmark = pytest.mark.django_db


def test_organization_completes_its_execution_task_from_the_case_page(login, world):
    case = case_in_state(world, CaseState.EXECUTING)
    org_task = ExecutionTask.objects.get(case=case, department__kind="organization", kind="measure")
    client = login("organization_officer")
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'action="/executions/{org_task.pk}/complete/"' in html
    response = client.post(f"/executions/{org_task.pk}/complete/", {"note": "已谈话诫勉"})
    assert response.status_code == 302
    org_task.refresh_from_db()
    assert org_task.state == ExecutionTask.State.DONE and org_task.note == "已谈话诫勉"
    # the discipline organ may not complete it: the service refuses with a message
    other = ExecutionTask.objects.get(case=case, department__kind="organization", kind="archive")
    response = login(OFFICER).post(f"/executions/{other.pk}/complete/", follow=True)
    assert zh("You do not belong to the department that handles this case.") in response.content.decode()
    other.refresh_from_db()
    assert other.state == ExecutionTask.State.OPEN


def test_appeal_filed_by_the_owner_and_revised_by_a_leader(login, world):
    case = case_in_state(world, CaseState.EXECUTING)
    subject = case.subjects.get()
    officer = login(OFFICER)
    assert f"/cases/{case.pk}/appeals/new/" in officer.get(f"/cases/{case.pk}/").content.decode()
    before = snapshot(case.pk)
    response = officer.post(
        f"/cases/{case.pk}/appeals/new/", {"subject": subject.pk, "filed_on": local_today().isoformat(), "grounds": ""}
    )
    assert response.status_code == 400 and field_errors(response, "grounds")
    assert snapshot(case.pk) == before
    response = officer.post(
        f"/cases/{case.pk}/appeals/new/", {"subject": subject.pk, "filed_on": local_today().isoformat(), "grounds": "已尽责"}
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get(case=case)
    assert officer.get(f"/appeals/{appeal.pk}/decide/").status_code == 404  # officers do not decide

    leader = login(LEADER)
    assert f"/appeals/{appeal.pk}/decide/" in leader.get(f"/cases/{case.pk}/").content.decode()
    response = leader.post(
        f"/appeals/{appeal.pk}/decide/", {"outcome": "revised", "reason": "情节较轻", "measures": ["sanction"]}
    )
    assert response.status_code == 400 and field_errors(response, "sanction_kind")
    response = leader.post(f"/appeals/{appeal.pk}/decide/", {"outcome": "revised", "reason": "情节较轻", "measures": ["notice"]})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.state == Appeal.State.REVISED
    assert list(MeasureDecision.objects.filter(subject=subject, state="decided").values_list("measure", flat=True)) == ["notice"]
