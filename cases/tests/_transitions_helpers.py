"""Helpers of the case-lifecycle API tests (test_api_transitions.py, test_api_transitions_payloads.py), the
state table they check, and the ones other API tests import: ``assert_error`` (the one error shape) and
``snapshot`` (row counts of every ``cases`` table, to show a failing request wrote nothing).

The module-scoped ``shared`` fixture (the demo county and one case in each state) is in conftest.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps

from cases.codes import CaseState
from cases.models import Case, ExecutionTask
from cases.services.executions import execution_complete
from cases.services.lifecycle import TRANSITIONS, case_transition
from cases.tests.scenarios import PATHS, TEAM, case_in_state
from core.persistence import local_today

OFFICER, LEADER = "discipline_officer", "discipline_leader"
# Known extras: the state a 409 was judged in, the subjects a transition lacks, the cases a move of a
# cadre under investigation names and the article that bars it.
EXTRA_ERROR_KEYS = {"state", "subjects", "cases", "basis", "referrals"}

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


def _cadre_name(case_id: int, index: int) -> str:
    return Case.objects.get(pk=case_id).subjects.order_by("id")[index].cadre.name
