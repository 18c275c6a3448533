"""The case lifecycle over HTTP (PRODUCT §1.6, §9): every allowed transition from every source
state, every disallowed pair (409), missing rights (403/404), failed preconditions (409) and the
error shape, each failing request checked to have written nothing. Bad payloads (400) are in
test_api_transitions_payloads.py, the helpers both use in _transitions_helpers.py.

The demo county and one case in each of the 12 states are built once per module inside an outer
transaction (the ``shared`` fixture, conftest.py); every test runs in a savepoint rolled back after
it, so tests stay independent.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cases.codes import CaseState
from cases.models import Case, CaseEvent, ExecutionTask, Referral
from cases.services.executions import execution_complete
from cases.services.findings import finding_put
from cases.services.lifecycle import TRANSITIONS, case_transition
from cases.tests._art31_helpers import put_exempt_findings
from cases.tests._transitions_helpers import (
    DISALLOWED,
    FSM_SOURCES,
    LEADER,
    OFFICER,
    SPEC_TABLE,
    STATES,
    _cadre_name,
    _tracked_models,
    assert_error,
    complete_tasks,
    persona_for,
    rejected,
    snapshot,
    subject_ids,
    transition_url,
    valid_payload,
)
from cases.tests.scenarios import ACCIDENT_FINDING, TEAM
from core.persistence import local_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared, db):
    """Overrides the conftest ``world`` (and so the ``api`` clients) with the module's world."""
    return shared.world


def test_snapshot_covers_history_tables_and_case_row(world):
    labels = {m._meta.label for m in _tracked_models()}
    assert {"cases.Case", "cases.HistoricalCase", "cases.Referral", "cases.HistoricalReferral", "cases.CaseEvent"} <= labels
    assert "cases.Case_team" in labels
    case_id = Case.objects.order_by("id").values_list("id", flat=True).first()
    snap = snapshot(case_id)
    assert snap["case row"]["state"] and snap["case row"]["owner_department_id"]


# --- the table itself -----------------------------------------------------------------------------


def test_fsm_table_is_the_spec_table():
    assert len(STATES) == len(set(STATES)) == len(CaseState.values) == 12
    assert set(TRANSITIONS) == set(SPEC_TABLE) == set(FSM_SOURCES)
    for name, (sources, _target) in SPEC_TABLE.items():
        assert FSM_SOURCES[name] == set(sources), name
    assert sum(len(s) for s in FSM_SOURCES.values()) == 17
    assert len(DISALLOWED) == 12 * 12 - 17


def test_every_shared_case_is_in_its_state(shared):
    assert {state: Case.objects.get(pk=pk).state for state, pk in shared.cases.items()} == {s: s for s in STATES}


# --- a. every allowed transition from every source state ------------------------------------------


def _prep_findings(world, case_id: int) -> None:
    for sid in subject_ids(case_id):
        finding_put(case_id=case_id, subject_id=sid, data=dict(ACCIDENT_FINDING), acting_user=world.users[OFFICER])


def _prep_exempt_findings(world, case_id: int) -> None:
    put_exempt_findings(case_id=case_id, data=dict(ACCIDENT_FINDING), acting_user=world.users[OFFICER])


def _prep_tasks_done(world, case_id: int) -> None:
    complete_tasks(world, Case.objects.get(pk=case_id))


ALLOWED: list[tuple[str, str, str, Callable | None]] = [
    # (transition, source, target, preparation of the source case)
    ("transfer", "received", "received", None),
    ("inquire", "received", "inquiring", None),
    ("hold", "received", "held", None),
    ("accept", "received", "investigating", None),
    ("accept", "inquiring", "investigating", None),
    ("accept", "held", "investigating", None),
    ("dismiss", "received", "dismissed", None),
    ("dismiss", "inquiring", "dismissed", None),
    ("dismiss", "held", "dismissed", None),
    ("dismiss", "investigating", "dismissed", None),
    ("submit_findings", "investigating", "assessing", _prep_findings),
    ("conclude", "assessing", "proposing", None),
    ("conclude", "assessing", "not_pursued", _prep_exempt_findings),
    ("propose", "proposing", "approving", None),
    ("reject", "approving", "proposing", None),
    ("approve", "approving", "decided", None),
    ("deliver", "decided", "executing", None),
    ("close", "executing", "closed", _prep_tasks_done),
]


def test_allowed_table_covers_every_fsm_pair():
    assert {(name, source) for name, source, _t, _p in ALLOWED} == {
        (name, source) for name, sources in FSM_SOURCES.items() for source in sources
    }


@pytest.mark.parametrize(("name", "source", "target", "prep"), ALLOWED, ids=[f"{n}:{s}->{t}" for n, s, t, _p in ALLOWED])
def test_allowed_transition_lands_in_target(shared, api, name, source, target, prep):
    world = shared.world
    case_id = shared.cases[source]
    if prep:
        prep(world, case_id)
    persona = persona_for(name)
    client = api(persona)
    before = Case.objects.get(pk=case_id)
    assert name in client.get(f"/api/v1/cases/{case_id}/").json()["available_transitions"]

    response = client.post(transition_url(case_id), {"name": name, **valid_payload(world, name, case_id)}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["state"] == target
    case = Case.objects.get(pk=case_id)
    assert case.state == target
    event = CaseEvent.objects.filter(case_id=case_id).order_by("-seq").first()
    assert (event.kind, event.from_state, event.to_state, event.actor.username) == (name, source, target, persona)
    if name == "transfer":
        # The owner changes only when the target accepts (Art. 34).
        assert case.owner_department_id == before.owner_department_id
        referral = case.referrals.get()
        assert (referral.kind, referral.state, referral.to_department.code) == ("transfer", "sent", "pl-organization")
    if name == "accept":
        assert sorted(case.team.values_list("username", flat=True)) == sorted(TEAM["team"])
    if name == "approve":
        assert case.decided_on == local_today() and case.approved_by.username == LEADER
    if name == "deliver":
        kinds = sorted(case.executions.values_list("kind", flat=True))
        assert kinds == ["archive", "archive", "measure"]
    if target in ("dismissed", "not_pursued", "closed"):
        assert case.closed_at is not None
        assert response.json()["available_transitions"] == []


# --- b. every disallowed (state, transition) pair answers 409 -------------------------------------


@pytest.mark.parametrize(("state", "name"), DISALLOWED, ids=[f"{n}@{s}" for s, n in DISALLOWED])
def test_disallowed_transition_is_409(shared, api, state, name):
    world = shared.world
    case_id = shared.cases[state]
    client = api(persona_for(name))
    assert name not in client.get(f"/api/v1/cases/{case_id}/").json()["available_transitions"]

    body = rejected(client, case_id, {"name": name, **valid_payload(world, name, case_id)}, 409, "transition_not_allowed")

    assert body["state"] == state
    assert name in body["detail"]


# --- c. without the right: 403, or 404 when the case is not visible at all ------------------------


@pytest.mark.parametrize(
    ("name", "state"),
    [
        ("dismiss", "received"),
        ("dismiss", "inquiring"),
        ("dismiss", "held"),
        ("dismiss", "investigating"),
        ("reject", "approving"),
        ("approve", "approving"),
    ],
)
def test_officer_cannot_fire_leader_transitions(shared, api, name, state):
    case_id = shared.cases[state]
    client = api(OFFICER)
    assert name not in client.get(f"/api/v1/cases/{case_id}/").json()["available_transitions"]
    rejected(client, case_id, {"name": name, **valid_payload(shared.world, name, case_id)}, 403, "not_permitted")


def test_leader_who_proposed_cannot_approve(shared, api):
    case_id = shared.cases["proposing"]
    leader = api(LEADER)
    proposed = leader.post(
        transition_url(case_id), {"name": "propose", **valid_payload(shared.world, "propose", case_id)}, format="json"
    )
    assert proposed.status_code == 200, proposed.content
    assert proposed.json()["proposed_by"] == LEADER
    assert "approve" not in proposed.json()["available_transitions"]

    rejected(leader, case_id, {"name": "approve"}, 403, "not_permitted")

    # Another leader may.
    other = api("discipline_leader2")
    response = other.post(transition_url(case_id), {"name": "approve"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "decided" and response.json()["approved_by"] == "discipline_leader2"


def _transfer_to(world, case_id: int, code: str) -> None:
    case_transition(
        case_id=case_id,
        name="transfer",
        payload={"to_department": world.departments[code].pk, "reason": "移送"},
        acting_user=world.users[OFFICER],
    )


# (persona, state of the case, transition, how the case becomes visible to the persona or None)
OTHER_DEPARTMENT_VISIBLE = [
    ("organization_officer", "received", "inquire", "pl-organization"),
    ("organization_officer", "received", "accept", "pl-organization"),
    ("organization_officer", "executing", "close", None),  # sees it through its execution tasks
    ("city_discipline_officer", "received", "inquire", "szs-discipline"),
    ("city_discipline_officer", "received", "hold", "szs-discipline"),
]


@pytest.mark.parametrize(("persona", "state", "name", "transfer_to"), OTHER_DEPARTMENT_VISIBLE)
def test_other_department_on_a_visible_case_is_403(shared, api, persona, state, name, transfer_to):
    world = shared.world
    case_id = shared.cases[state]
    if transfer_to:
        _transfer_to(world, case_id, transfer_to)
    client = api(persona)
    detail = client.get(f"/api/v1/cases/{case_id}/")
    assert detail.status_code == 200 and detail.json()["access"] == "full"
    assert detail.json()["available_transitions"] == []
    rejected(client, case_id, {"name": name, **valid_payload(world, name, case_id)}, 403, "not_permitted")


OTHER_DEPARTMENT_INVISIBLE = [
    ("organization_officer", "received", "inquire"),
    ("organization_officer", "investigating", "dismiss"),
    ("city_discipline_officer", "received", "inquire"),
    ("city_discipline_officer", "executing", "close"),
    ("city_discipline_officer", "approving", "approve"),
    ("emergency_officer", "received", "inquire"),  # the referring agency: status and outcome only
]


@pytest.mark.parametrize(("persona", "state", "name"), OTHER_DEPARTMENT_INVISIBLE)
def test_other_department_on_an_invisible_case_is_404(shared, api, persona, state, name):
    case_id = shared.cases[state]
    client = api(persona)
    detail = client.get(f"/api/v1/cases/{case_id}/")
    assert detail.status_code == 404 or detail.json()["access"] == "source"
    rejected(client, case_id, {"name": name, **valid_payload(shared.world, name, case_id)}, 404, "not_found")


def test_transition_on_a_missing_case_is_404(shared, api):
    missing = Case.objects.order_by("-id").values_list("id", flat=True).first() + 1000
    before = snapshot()
    assert_error(api(OFFICER).post(transition_url(missing), {"name": "inquire"}, format="json"), 404, "not_found")
    assert snapshot() == before


def test_non_numeric_case_id_is_404(shared, api):
    before = snapshot()
    assert_error(api(OFFICER).post("/api/v1/cases/abc/transitions/", {"name": "inquire"}, format="json"), 404, "not_found")
    assert snapshot() == before


# --- f. preconditions: 409 `precondition_failed` --------------------------------------------------


def test_submit_findings_without_findings(shared, api):
    case_id = shared.cases["investigating"]
    body = rejected(api(OFFICER), case_id, {"name": "submit_findings"}, 409, "precondition_failed")
    assert body["subjects"] == [_cadre_name(case_id, 0)]


def test_close_with_open_execution_tasks(shared, api):
    case_id = shared.cases["executing"]
    assert ExecutionTask.objects.filter(case_id=case_id, state="open").count() == 3
    rejected(api(OFFICER), case_id, {"name": "close"}, 409, "precondition_failed")


def test_close_with_one_task_still_open(shared, api):
    world = shared.world
    case_id = shared.cases["executing"]
    tasks = list(ExecutionTask.objects.filter(case_id=case_id).select_related("department").order_by("id"))
    for task in tasks[:-1]:
        user = "organization_officer" if task.department.kind == "organization" else OFFICER
        execution_complete(task_id=task.pk, acting_user=world.users[user])
    body = rejected(api(OFFICER), case_id, {"name": "close"}, 409, "precondition_failed")
    assert "1" in body["detail"]


def test_close_with_an_appeal_pending(shared, api):
    from cases.services.appeals import appeal_file

    world = shared.world
    case_id = shared.cases["executing"]
    _prep_tasks_done(world, case_id)
    appeal_file(
        case_id=case_id,
        subject_id=subject_ids(case_id)[0],
        filed_on=local_today(),
        grounds="认为处理偏重",
        acting_user=world.users[OFFICER],
    )
    rejected(api(OFFICER), case_id, {"name": "close"}, 409, "precondition_failed")


def test_second_transfer_while_one_is_pending(shared, api):
    world = shared.world
    case_id = shared.cases["received"]
    client = api(OFFICER)
    first = client.post(transition_url(case_id), {"name": "transfer", **valid_payload(world, "transfer", case_id)}, format="json")
    assert first.status_code == 200, first.content

    rejected(
        client,
        case_id,
        {"name": "transfer", "to_department": world.departments["pl-emergency"].pk, "reason": "改送应急"},
        409,
        "precondition_failed",
    )
    assert Referral.objects.filter(case_id=case_id).count() == 1


# --- g. the error shape, authentication and parsing ----------------------------------------------


def test_unauthenticated_is_401(shared, api):
    case_id = shared.cases["received"]
    body = rejected(api(), case_id, {"name": "inquire"}, 401, "not_authenticated")
    assert set(body) == {"error", "detail"}
    assert_error(api().get("/api/v1/cases/"), 401, "not_authenticated")


def test_wrong_token_is_401(shared, api):
    client = api()
    client.credentials(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
    body = rejected(client, shared.cases["received"], {"name": "inquire"}, 401, "authentication_failed")
    assert set(body) == {"error", "detail"}


def test_malformed_json_is_400_parse_error(shared, api):
    body = rejected(
        api(OFFICER), shared.cases["received"], '{"name": "inquire",', 400, "parse_error", content_type="application/json"
    )
    assert set(body) == {"error", "detail"}


def test_json_that_is_not_an_object_is_400(shared, api):
    rejected(
        api(OFFICER), shared.cases["received"], '["inquire"]', 400, "invalid", fields=("(body)",), content_type="application/json"
    )


def test_wrong_method_is_405_in_the_error_shape(shared, api):
    assert_error(api(OFFICER).get(transition_url(shared.cases["received"])), 405, "method_not_allowed")


def test_transition_not_allowed_error_carries_the_state(shared, api):
    body = rejected(api(OFFICER), shared.cases["closed"], {"name": "inquire"}, 409, "transition_not_allowed")
    assert set(body) == {"error", "detail", "state"} and body["state"] == "closed"


def test_field_errors_are_a_mapping_of_lists(shared, api):
    body = rejected(api(OFFICER), shared.cases["received"], {"name": "hold", "reason": 42}, 400, "invalid", fields=("reason",))
    assert set(body) == {"error", "detail"}
    assert list(body["detail"]) == ["reason"]
