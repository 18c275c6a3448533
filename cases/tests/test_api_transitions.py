"""The case lifecycle over HTTP (PRODUCT §1.6, §9): every allowed transition from every source
state, every disallowed pair (409), missing rights (403/404), bad payloads (400), failed
preconditions (409) and the error shape, each failing request checked to have written nothing.

The demo county and one case in each of the 12 states are built once per module inside an outer
transaction; every test runs in a savepoint rolled back after it, so tests stay independent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction

from cases.codes import MEASURE_ORDER, CaseState
from cases.models import Case, CaseEvent, ExecutionTask, Referral
from cases.services.executions import execution_complete
from cases.services.findings import finding_put
from cases.services.lifecycle import TRANSITIONS, case_transition
from cases.tests.scenarios import ACCIDENT_FINDING, PATHS, TEAM, case_in_state
from core.persistence import local_today

pytestmark = pytest.mark.django_db

OFFICER, LEADER = "discipline_officer", "discipline_leader"
EXTRA_ERROR_KEYS = {"state", "subjects"}

# PATHS reaches every state but `closed`; closing needs the execution tasks done first.
STATES: list[str] = [*PATHS, CaseState.CLOSED]

# The transition table of PRODUCT §1.6, written out from the spec (the oracle for the FSM).
SPEC_TABLE: dict[str, tuple[list[str], str]] = {
    "transfer": (["received"], "received"),
    "inquire": (["received"], "inquiring"),
    "hold": (["received"], "held"),
    "accept": (["received", "inquiring", "held"], "investigating"),
    "dismiss": (["received", "inquiring", "held", "investigating"], "dismissed"),
    "submit_findings": (["investigating"], "assessing"),
    "conclude": (["assessing"], "proposing | not_pursued"),
    "propose": (["proposing"], "approving"),
    "reject": (["approving"], "proposing"),
    "approve": (["approving"], "decided"),
    "deliver": (["decided"], "executing"),
    "close": (["executing"], "closed"),
}


def _fsm_sources() -> dict[str, set[str]]:
    sources: dict[str, set[str]] = {}
    for t in Case._meta.get_field("state").get_all_transitions(Case):
        sources.setdefault(t.name, set()).add(t.source)
    return sources


FSM_SOURCES = _fsm_sources()
DISALLOWED = [(state, name) for state in STATES for name in TRANSITIONS if state not in FSM_SOURCES.get(name, set())]


# --- module-wide data ---------------------------------------------------------------------------


@dataclass
class Shared:
    world: Any
    cases: dict[str, int]  # state → id of a case in that state


def close_case(world, case: Case) -> Case:
    """Finish every execution and archive task of an executing case, then close it."""
    complete_tasks(world, case)
    case_transition(case_id=case.pk, name="close", payload={}, acting_user=world.users[OFFICER])
    return Case.objects.get(pk=case.pk)


def complete_tasks(world, case: Case) -> None:
    for task in ExecutionTask.objects.filter(case=case, state=ExecutionTask.State.OPEN).select_related("department"):
        user = "organization_officer" if task.department.kind == "organization" else OFFICER
        execution_complete(task_id=task.pk, acting_user=world.users[user], note="已办结")


def reach(world, state: str, **lead_kwargs) -> Case:
    if state == CaseState.CLOSED:
        return close_case(world, case_in_state(world, CaseState.EXECUTING, **lead_kwargs))
    return case_in_state(world, state, **lead_kwargs)


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker):
    from demo.world import build_world

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_world()
            cases = {}
            for state in STATES:
                case = reach(world, state)
                assert case.state == state
                cases[state] = case.pk
            yield Shared(world, cases)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def world(shared, db):
    """Overrides the conftest ``world`` (and so the ``api`` clients) with the module's world."""
    return shared.world


# --- helpers shared by the failing-request tests -------------------------------------------------


def _tracked_models() -> list:
    """Every model of the ``cases`` app (auto-created m2m tables included) and its history model."""
    found = {}
    for model in apps.get_app_config("cases").get_models(include_auto_created=True):
        found[model._meta.label] = model
        history = getattr(model, "history", None)
        if history is not None and hasattr(history, "model"):
            found[history.model._meta.label] = history.model
    return [found[label] for label in sorted(found)]


def snapshot(case_id: int | None = None) -> dict[str, Any]:
    """Row counts of every ``cases`` table (history included) and the case's own row."""
    snap: dict[str, Any] = {model._meta.label: model._base_manager.count() for model in _tracked_models()}
    if case_id is not None:
        snap["case row"] = Case.objects.filter(pk=case_id).values().first()
    return snap


def test_snapshot_covers_history_tables_and_case_row(world):
    labels = {m._meta.label for m in _tracked_models()}
    assert {"cases.Case", "cases.HistoricalCase", "cases.Referral", "cases.HistoricalReferral", "cases.CaseEvent"} <= labels
    assert "cases.Case_team" in labels
    case_id = Case.objects.order_by("id").values_list("id", flat=True).first()
    snap = snapshot(case_id)
    assert snap["case row"]["state"] and snap["case row"]["owner_department_id"]


def assert_error(response, status: int, code: str, *, fields: tuple[str, ...] = ()) -> dict:
    """The one error shape: a JSON object ``{"error", "detail"}`` plus known extras only."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body, dict)
    assert {"error", "detail"} <= set(body), body
    assert set(body) - {"error", "detail"} <= EXTRA_ERROR_KEYS, body
    assert body["error"] == code, body
    assert isinstance(body["detail"], str | dict)
    if isinstance(body["detail"], dict):
        for name, messages in body["detail"].items():
            assert isinstance(name, str)
            assert isinstance(messages, list) and messages and all(isinstance(m, str) and m for m in messages), body
    else:
        assert body["detail"]
    for name in fields:
        assert isinstance(body["detail"], dict) and name in body["detail"], body
    return body


def transition_url(case_id: int) -> str:
    return f"/api/v1/cases/{case_id}/transitions/"


def rejected(client, case_id: int, body, status: int, code: str, *, fields: tuple[str, ...] = (), **post) -> dict:
    """POST a transition that must fail, assert its error and that nothing at all was written."""
    before = snapshot(case_id)
    if post:
        response = client.post(transition_url(case_id), body, **post)
    else:
        response = client.post(transition_url(case_id), body, format="json")
    data = assert_error(response, status, code, fields=fields)
    assert snapshot(case_id) == before
    return data


def subject_ids(case_id: int) -> list[int]:
    return list(Case.objects.get(pk=case_id).subjects.order_by("id").values_list("id", flat=True))


def valid_payload(world, name: str, case_id: int) -> dict[str, Any]:
    """A well-formed payload for ``name``, so a refusal can only come from the state or the right."""
    today = local_today().isoformat()
    return {
        "transfer": {"to_department": world.departments["pl-organization"].pk, "reason": "属组织处理事项"},
        "inquire": {},
        "hold": {"reason": "线索笼统"},
        "accept": dict(TEAM),
        "dismiss": {"reason": "不属实"},
        "submit_findings": {},
        "conclude": {},
        "propose": {"measures": [{"subject": sid, "measure": "admonishment"} for sid in subject_ids(case_id)]},
        "reject": {"reason": "偏轻"},
        "approve": {},
        "deliver": {"delivered_on": today},
        "close": {},
    }[name]


def persona_for(name: str) -> str:
    return LEADER if TRANSITIONS[name].leader_only else OFFICER


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
    data = {**ACCIDENT_FINDING, "duties_fully_performed": True, "exemption_justification": "纸质台账已附卷。"}
    for sid in subject_ids(case_id):
        finding_put(case_id=case_id, subject_id=sid, data=data, acting_user=world.users[OFFICER])


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


# --- d. bad payloads: 400 `invalid` naming the field ---------------------------------------------


@dataclass
class Ctx:
    world: Any
    shared: Shared
    case_id: int

    def sids(self) -> list[int]:
        return subject_ids(self.case_id)

    def dept(self, code: str) -> int:
        return self.world.departments[code].pk


def _proposing_with(world, finding: dict, cadres=("pl-baofeng:township_deputy:0",)) -> int:
    """A case in `proposing` concluded on the given findings."""
    case = case_in_state(world, CaseState.INVESTIGATING, cadres=cadres)
    for sid in subject_ids(case.pk):
        finding_put(case_id=case.pk, subject_id=sid, data=dict(finding), acting_user=world.users[OFFICER])
    for name in ("submit_findings", "conclude"):
        case_transition(case_id=case.pk, name=name, payload={}, acting_user=world.users[OFFICER])
    assert Case.objects.get(pk=case.pk).state == CaseState.PROPOSING
    return case.pk


def _restricted_case(ctx_world) -> int:
    # 26.1 at standard severity allows notice, admonishment, suspension, reassignment, sanction only.
    return _proposing_with(ctx_world, {"circumstances": ["26.1"], "conduct_date": "2026-03-15"})


def _two_subjects(ctx_world) -> int:
    return _proposing_with(ctx_world, ACCIDENT_FINDING, cadres=("pl-baofeng:township_deputy:0", "pl-baofeng:township_deputy:1"))


def _cadre_name(case_id: int, index: int) -> str:
    return Case.objects.get(pk=case_id).subjects.order_by("id")[index].cadre.name


def _future() -> str:
    return (local_today() + dt.timedelta(days=1)).isoformat()


def _before_decision() -> str:
    return (local_today() - dt.timedelta(days=1)).isoformat()


# (id, source state or builder, persona, payload builder, field, substrings expected in the message)
BAD_PAYLOADS: list[tuple[str, Any, str, Callable[[Ctx], dict], str, Callable[[Ctx], list[str]]]] = [
    (
        "transfer-no-reason",
        "received",
        OFFICER,
        lambda c: {"name": "transfer", "to_department": c.dept("pl-organization")},
        "reason",
        lambda c: [],
    ),
    (
        "transfer-blank-reason",
        "received",
        OFFICER,
        lambda c: {"name": "transfer", "to_department": c.dept("pl-organization"), "reason": "  "},
        "reason",
        lambda c: [],
    ),
    (
        "transfer-unknown-department",
        "received",
        OFFICER,
        lambda c: {"name": "transfer", "to_department": 987654, "reason": "移送"},
        "to_department",
        lambda c: ["987654"],
    ),
    (
        "transfer-no-department",
        "received",
        OFFICER,
        lambda c: {"name": "transfer", "reason": "移送"},
        "to_department",
        lambda c: [],
    ),
    (
        "transfer-own-department",
        "received",
        OFFICER,
        lambda c: {"name": "transfer", "to_department": c.dept("pl-discipline"), "reason": "移送"},
        "to_department",
        lambda c: [],
    ),
    ("hold-no-reason", "received", OFFICER, lambda c: {"name": "hold"}, "reason", lambda c: []),
    ("dismiss-no-reason", "received", LEADER, lambda c: {"name": "dismiss"}, "reason", lambda c: []),
    (
        "dismiss-no-reason-investigating",
        "investigating",
        LEADER,
        lambda c: {"name": "dismiss", "reason": ""},
        "reason",
        lambda c: [],
    ),
    ("reject-no-reason", "approving", LEADER, lambda c: {"name": "reject"}, "reason", lambda c: []),
    (
        "accept-team-of-one",
        "received",
        OFFICER,
        lambda c: {"name": "accept", "team": ["discipline_officer"]},
        "team",
        lambda c: [],
    ),
    (
        "accept-team-repeated",
        "received",
        OFFICER,
        lambda c: {"name": "accept", "team": ["discipline_officer", "discipline_officer"]},
        "team",
        lambda c: [],
    ),
    (
        "accept-team-non-member",
        "inquiring",
        OFFICER,
        lambda c: {"name": "accept", "team": ["discipline_officer", "organization_officer"]},
        "team",
        lambda c: ["organization_officer"],
    ),
    (
        "accept-team-unknown-user",
        "held",
        OFFICER,
        lambda c: {"name": "accept", "team": ["discipline_officer", "nobody_here"]},
        "team",
        lambda c: ["nobody_here"],
    ),
    ("accept-no-team", "received", OFFICER, lambda c: {"name": "accept"}, "team", lambda c: []),
    ("propose-no-measures", "proposing", OFFICER, lambda c: {"name": "propose", "measures": []}, "measures", lambda c: []),
    (
        "propose-unknown-measure",
        "proposing",
        OFFICER,
        lambda c: {"name": "propose", "measures": [{"subject": c.sids()[0], "measure": "fine"}]},
        "measures[0].measure",
        lambda c: ["fine"],
    ),
    (
        "propose-interview",
        "proposing",
        OFFICER,
        lambda c: {"name": "propose", "measures": [{"subject": c.sids()[0], "measure": "interview"}]},
        "measures[0].measure",
        lambda c: ["约谈"],
    ),
    (
        "propose-not-allowed-for-subject",
        _restricted_case,
        OFFICER,
        lambda c: {"name": "propose", "measures": [{"subject": c.sids()[0], "measure": "demotion"}]},
        "measures[0].measure",
        lambda c: ["demotion", _cadre_name(c.case_id, 0), str(c.sids()[0])],
    ),
    (
        "propose-sanction-without-kind",
        "proposing",
        OFFICER,
        lambda c: {"name": "propose", "measures": [{"subject": c.sids()[0], "measure": "sanction"}]},
        "measures[0].sanction_kind",
        lambda c: [],
    ),
    (
        "propose-sanction-unknown-kind",
        "proposing",
        OFFICER,
        lambda c: {"name": "propose", "measures": [{"subject": c.sids()[0], "measure": "sanction", "sanction_kind": "flogging"}]},
        "measures[0].sanction_kind",
        lambda c: [],
    ),
    (
        "propose-kind-on-non-sanction",
        "proposing",
        OFFICER,
        lambda c: {
            "name": "propose",
            "measures": [{"subject": c.sids()[0], "measure": "admonishment", "sanction_kind": "party_warning"}],
        },
        "measures[0].sanction_kind",
        lambda c: [],
    ),
    (
        "propose-subject-of-another-case",
        "proposing",
        OFFICER,
        lambda c: {
            "name": "propose",
            "measures": [{"subject": subject_ids(c.shared.cases["approving"])[0], "measure": "admonishment"}],
        },
        "measures[0].subject",
        lambda c: [],
    ),
    (
        "propose-second-item-bad",
        "proposing",
        OFFICER,
        lambda c: {
            "name": "propose",
            "measures": [{"subject": c.sids()[0], "measure": "admonishment"}, {"subject": c.sids()[0], "measure": "warning"}],
        },
        "measures[1].measure",
        lambda c: ["warning"],
    ),
    (
        "propose-accountable-subject-left-out",
        _two_subjects,
        OFFICER,
        lambda c: {"name": "propose", "measures": [{"subject": c.sids()[0], "measure": "admonishment"}]},
        "measures",
        lambda c: [_cadre_name(c.case_id, 1)],
    ),
    ("deliver-no-date", "decided", OFFICER, lambda c: {"name": "deliver"}, "delivered_on", lambda c: []),
    (
        "deliver-bad-date",
        "decided",
        OFFICER,
        lambda c: {"name": "deliver", "delivered_on": "31/12/2026"},
        "delivered_on",
        lambda c: [],
    ),
    (
        "deliver-future",
        "decided",
        OFFICER,
        lambda c: {"name": "deliver", "delivered_on": _future()},
        "delivered_on",
        lambda c: [],
    ),
    (
        "deliver-before-decision",
        "decided",
        OFFICER,
        lambda c: {"name": "deliver", "delivered_on": _before_decision()},
        "delivered_on",
        lambda c: [local_today().isoformat()],
    ),
    ("inquire-unknown-field", "received", OFFICER, lambda c: {"name": "inquire", "priority": "high"}, "priority", lambda c: []),
    ("approve-unknown-field", "approving", LEADER, lambda c: {"name": "approve", "measures": []}, "measures", lambda c: []),
    ("unknown-transition", "received", OFFICER, lambda c: {"name": "explode"}, "name", lambda c: ["explode"]),
    ("missing-name", "received", OFFICER, lambda c: {"reason": "x"}, "name", lambda c: []),
]


@pytest.mark.parametrize(
    ("source", "persona", "payload", "field", "expect"), [row[1:] for row in BAD_PAYLOADS], ids=[row[0] for row in BAD_PAYLOADS]
)
def test_bad_payload_is_400_naming_the_field(shared, api, source, persona, payload, field, expect):
    world = shared.world
    case_id = shared.cases[source] if isinstance(source, str) else source(world)
    ctx = Ctx(world, shared, case_id)
    state = Case.objects.get(pk=case_id).state

    body = rejected(api(persona), case_id, payload(ctx), 400, "invalid", fields=(field,))

    message = " ".join(body["detail"][field])
    for text in expect(ctx):
        assert text in message, (text, message)
    assert Case.objects.get(pk=case_id).state == state


def test_a_measure_not_allowed_is_checked_against_the_concluded_assessment(shared, api):
    """The restricted case really restricts: the measure refused above is absent from the engine's list."""
    case_id = _restricted_case(shared.world)
    detail = api(OFFICER).get(f"/api/v1/cases/{case_id}/").json()
    allowed = detail["subjects"][0]["assessment"]["output"]["allowed_measures"]
    assert "demotion" not in allowed and set(allowed) <= set(MEASURE_ORDER)
    response = api(OFFICER).post(
        transition_url(case_id),
        {"name": "propose", "measures": [{"subject": detail["subjects"][0]["id"], "measure": allowed[0]}]},
        format="json",
    )
    assert response.status_code == 200, response.content


BUG_NAME_TYPE = (
    "BUG: a non-string transition name (a JSON list or object) reaches `TRANSITIONS.get(name)` in "
    "cases.services.lifecycle.case_transition, which raises TypeError (unhashable) and answers 500 server_error "
    "instead of 400 invalid naming `name`."
)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(7, id="number"),
        pytest.param(["inquire"], id="list"),
        pytest.param({"transition": "inquire"}, id="object"),
    ],
)
def test_non_string_transition_name_is_400(shared, api, name):
    rejected(api(OFFICER), shared.cases["received"], {"name": name}, 400, "invalid", fields=("name",))


@pytest.mark.parametrize("fmt", ["multipart", "urlencoded"])
def test_form_encoded_transition_is_not_a_server_error(shared, api, fmt):
    case_id = shared.cases["received"]
    client = api(OFFICER)
    before = snapshot(case_id)
    if fmt == "multipart":
        response = client.post(transition_url(case_id), {"name": "inquire"}, format="multipart")
    else:
        response = client.post(transition_url(case_id), "name=inquire", content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500, response.content
    if response.status_code == 200:
        assert Case.objects.get(pk=case_id).state == "inquiring"
    else:
        assert_error(response, response.status_code, response.json()["error"])
        assert snapshot(case_id) == before


BUG_SUBJECT_TYPE = (
    "BUG: cases.services.lifecycle.validate_measures tests `sid not in subjects` on a dict, so a measure whose "
    "`subject` is a JSON list or object raises TypeError (unhashable) and answers 500 server_error instead of "
    "400 invalid naming `measures[0].subject` (also reachable through POST /appeals/{id}/revise/)."
)


@pytest.mark.parametrize(
    "shape",
    [
        pytest.param("string", id="string"),
        pytest.param("list", id="list"),
        pytest.param("object", id="object"),
    ],
)
def test_propose_with_a_malformed_subject_is_400(shared, api, shape):
    case_id = shared.cases["proposing"]
    sid = subject_ids(case_id)[0]
    subject = {"string": str(sid), "list": [sid], "object": {"id": sid}}[shape]
    rejected(
        api(OFFICER),
        case_id,
        {"name": "propose", "measures": [{"subject": subject, "measure": "admonishment"}]},
        400,
        "invalid",
        fields=("measures[0].subject",),
    )


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
