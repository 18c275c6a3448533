"""The transition forms over HTTP: a refused request re-renders the form with the service's
errors next to its fields and writes nothing.

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
from cases.models import ExecutionTask, MeasureDecision
from cases.services.executions import execution_complete
from cases.services.lifecycle import case_transition
from cases.tests.scenarios import case_in_state, new_lead
from core.persistence import local_today
from web.tests.helpers import (
    LEADER,
    OFFICER,
    OFFICER2,
    field_errors,
    post_transition,
    snapshot,
    transition_url,
    zh,
)

pytestmark = pytest.mark.django_db


def test_a_transition_not_available_is_404_on_get(login, world):
    case = new_lead(world)
    officer = login(OFFICER)
    assert officer.get(transition_url(case, "approve")).status_code == 404  # wrong state
    assert officer.get(transition_url(case, "dismiss")).status_code == 404  # leaders only
    assert officer.get(transition_url(case, "no_such_thing")).status_code == 404
    assert login(LEADER).get(transition_url(case, "dismiss")).status_code == 200


def test_hold_without_reason_shows_the_error_next_to_reason_and_writes_nothing(login, world):
    case = new_lead(world)
    client = login(OFFICER)
    form = client.get(transition_url(case, "hold")).content.decode()
    assert f'name="version" value="{case.version}"' in form
    before = snapshot(case.pk)
    response = post_transition(client, case, "hold", {"reason": "  "})
    assert response.status_code == 400
    assert field_errors(response, "reason") == [zh("This field is required.")]
    assert snapshot(case.pk) == before


def test_accept_with_one_member_is_refused_next_to_the_team(login, world):
    case = new_lead(world)
    client = login(OFFICER)
    html = client.get(transition_url(case, "accept")).content.decode()
    assert 'value="discipline_officer2"' in html and "organization_officer" not in html
    before = snapshot(case.pk)
    response = post_transition(client, case, "accept", {"team": [OFFICER]})
    assert response.status_code == 400
    assert field_errors(response, "team") == [zh("An investigation team needs at least two members.")]
    assert snapshot(case.pk) == before

    response = post_transition(client, case, "accept", {"team": [OFFICER, OFFICER2], "reason": "线索具体"})
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    case.refresh_from_db()
    assert case.state == CaseState.INVESTIGATING
    assert sorted(u.username for u in case.team.all()) == [OFFICER, OFFICER2]


def test_a_stale_form_is_refused_as_changed_by_someone_else(login, world):
    case = new_lead(world)
    client = login(OFFICER)
    seen = case.version
    case_transition(case_id=case.pk, name="inquire", payload={}, acting_user=world.users[OFFICER2])
    before = snapshot(case.pk)
    response = post_transition(client, case, "accept", {"team": [OFFICER, OFFICER2]}, version=seen)
    html = response.content.decode()
    assert response.status_code == 409
    stale = zh("The case was changed by someone else since you opened this form. Reload it to see the changes, then try again.")
    assert 'id="page-error"' in html and stale in html
    assert zh("Reload the form") in html
    assert snapshot(case.pk) == before


def test_transfer_needs_a_department_and_a_reason(login, world):
    case = new_lead(world)
    client = login(OFFICER)
    before = snapshot(case.pk)
    response = post_transition(client, case, "transfer", {"to_department": "", "reason": ""})
    assert response.status_code == 400
    assert field_errors(response, "reason") or field_errors(response, "to_department")
    assert snapshot(case.pk) == before
    target = world.departments["pl-organization"]
    response = post_transition(client, case, "transfer", {"to_department": target.pk, "reason": "属组织处理范围"})
    assert response.status_code == 302
    assert case.referrals.get().to_department == target
    # while the transfer waits, no transition is offered and a post is refused with the reason
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert re.findall(r'data-transition="(\w+)"', html) == []
    case.refresh_from_db()
    response = post_transition(client, case, "inquire")
    assert response.status_code == 409 and 'id="page-error"' in response.content.decode()


def test_propose_maps_measure_errors_to_each_subject(login, world):
    case = case_in_state(world, CaseState.PROPOSING, cadres=("pl-baofeng:township_deputy:0", "pl-touzha:township_head:0"))
    first, second = case.subjects.order_by("id")
    client = login(OFFICER)
    html = client.get(transition_url(case, "propose")).content.decode()
    assert f'name="measures_{first.pk}"' in html and f'name="sanction_kind_{second.pk}"' in html
    before = snapshot(case.pk)

    response = post_transition(client, case, "propose", {})
    assert response.status_code == 400
    assert field_errors(response, "measures") == [zh("Give at least one measure.")]

    response = post_transition(client, case, "propose", {f"measures_{first.pk}": "notice", f"measures_{second.pk}": "sanction"})
    assert response.status_code == 400
    assert field_errors(response, f"sanction_kind_{second.pk}")  # "a sanction needs a sanction_kind"
    assert not field_errors(response, f"measures_{first.pk}")
    assert snapshot(case.pk) == before

    response = post_transition(
        client,
        case,
        "propose",
        {
            f"measures_{first.pk}": ["notice", "admonishment"],
            f"measures_{second.pk}": "sanction",
            f"sanction_kind_{second.pk}": "gov_demerit",
        },
    )
    assert response.status_code == 302
    rows = set(MeasureDecision.objects.filter(subject__case=case).values_list("subject_id", "measure", "sanction_kind"))
    assert rows == {(first.pk, "notice", ""), (first.pk, "admonishment", ""), (second.pk, "sanction", "gov_demerit")}


def test_proposer_cannot_approve_but_another_leader_can(login, world):
    case = case_in_state(world, CaseState.PROPOSING)
    subject = case.subjects.get()
    leader = login(LEADER)
    # a leader proposes; the same leader is then not offered approval and is refused with the reason
    assert post_transition(leader, case, "propose", {f"measures_{subject.pk}": "admonishment"}).status_code == 302
    case.refresh_from_db()
    assert leader.get(transition_url(case, "approve")).status_code == 404
    before = snapshot(case.pk)
    response = post_transition(leader, case, "approve")
    assert (
        response.status_code == 403
        and zh("The proposer of the measures cannot approve them; another leader must.") in response.content.decode()
    )
    assert snapshot(case.pk) == before
    other = login("discipline_leader2")
    html = other.get(transition_url(case, "approve")).content.decode()
    assert zh("Admonishment (诫勉)") in html  # the proposal under review
    assert post_transition(other, case, "approve").status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.DECIDED


def test_reject_needs_a_reason_then_returns_the_proposal(login, world):
    case = case_in_state(world, CaseState.APPROVING)
    leader = login(LEADER)
    assert field_errors(post_transition(leader, case, "reject", {"reason": ""}), "reason")
    assert post_transition(leader, case, "reject", {"reason": "方式偏轻"}).status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.PROPOSING


def test_deliver_refuses_a_future_date_next_to_the_field(login, world):
    case = case_in_state(world, CaseState.DECIDED)
    client = login(OFFICER)
    html = client.get(transition_url(case, "deliver")).content.decode()
    assert f'value="{local_today().isoformat()}"' in html
    before = snapshot(case.pk)
    tomorrow = (local_today() + dt.timedelta(days=1)).isoformat()
    response = post_transition(client, case, "deliver", {"delivered_on": tomorrow})
    assert response.status_code == 400
    assert field_errors(response, "delivered_on") == [zh("Delivery cannot be in the future.")]
    assert snapshot(case.pk) == before
    assert post_transition(client, case, "deliver", {"delivered_on": local_today().isoformat()}).status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.EXECUTING


def test_submit_and_conclude_show_the_subjects_and_close_refuses_with_open_tasks(login, world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    client = login(OFFICER)
    response = post_transition(client, case, "submit_findings")
    assert response.status_code == 409  # findings missing: a message, not a field error
    assert case.subjects.get().cadre.name in response.content.decode()
    executing = case_in_state(world, CaseState.EXECUTING)
    response = post_transition(client, executing, "close")
    assert response.status_code == 409 and 'id="page-error"' in response.content.decode()


def test_closing_after_all_tasks_done(login, world):
    case = case_in_state(world, CaseState.EXECUTING)
    for task in ExecutionTask.objects.filter(case=case).select_related("department"):
        user = "organization_officer" if task.department.kind == "organization" else OFFICER
        execution_complete(task_id=task.pk, acting_user=world.users[user])
    client = login(OFFICER)
    html = client.get(transition_url(case, "close")).content.decode()
    assert 'id="transition-form"' in html
    case.refresh_from_db()
    assert post_transition(client, case, "close").status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert '<li class="current"' not in html and re.findall(r'data-transition="(\w+)"', html) == []
