"""Personas, findings and helpers shared by the cadre-record tests (test_records.py, test_records_api.py):
decide a case (``decided``), move its decision date back (``backdate``), read a cadre's record.
"""

from __future__ import annotations

import datetime as dt

from cases.codes import CaseState
from cases.models import Case, ExecutionTask, MeasureDecision
from cases.selectors.records import cadre_record
from cases.services.executions import execution_complete
from cases.services.findings import finding_put
from cases.services.lifecycle import case_transition
from cases.tests.scenarios import approve_all, case_in_state
from core.persistence import local_today

OFFICER, LEADER = "discipline_officer", "discipline_leader"
DEPUTY = "pl-baofeng:township_deputy:0"
OTHER_DEPUTY = "pl-baofeng:township_deputy:1"
D = dt.date(2025, 3, 10)  # the decision date used for fixed-calendar tests
DAY = dt.timedelta(days=1)

# Findings without an accident circumstance: 26.4 (reporting failures) allows all eight measures
# at standard severity and carries no Art. 28 veto, so influence periods can be seen alone.
REPORTING = {"circumstances": ["26.4"], "conduct_date": "2024-12-01"}
ACCIDENT = {"circumstances": ["26.5"], "conduct_date": "2024-12-01"}
DUTIES_ONLY = {"circumstances": ["26.1"], "conduct_date": "2024-12-01"}
EGREGIOUS = {"circumstances": ["26.5"], "egregious": True, "conduct_date": "2024-12-01"}

VETO_BASIS = "细则第二十八条"
INVESTIGATION_BASIS = "第五十二条"


# --- helpers -----------------------------------------------------------------------------------------


def fire(world, case: Case, name: str, persona: str = OFFICER, **payload) -> None:
    case_transition(case_id=case.pk, name=name, payload=payload, acting_user=world.users[persona])


def decided(world, measures=(("admonishment", ""),), *, key=DEPUTY, finding=REPORTING, deliver=False) -> Case:
    """A case with one subject whose measures were approved today (and delivered if asked)."""
    case = case_in_state(world, CaseState.INVESTIGATING, cadres=(key,), circumstances=finding["circumstances"])
    subject = case.subjects.get()
    finding_put(case_id=case.pk, subject_id=subject.pk, data=dict(finding), acting_user=world.users[OFFICER])
    fire(world, case, "submit_findings")
    fire(world, case, "conclude")
    items = [{"subject": subject.pk, "measure": m, **({"sanction_kind": k} if k else {})} for m, k in measures]
    fire(world, case, "propose", measures=items)
    approve_all(world, case, LEADER)
    if deliver:
        fire(world, case, "deliver", delivered_on=local_today().isoformat())
    return Case.objects.get(pk=case.pk)


def backdate(case: Case, on: dt.date) -> Case:
    """Pretend the decision was made on ``on`` (measures and case alike)."""
    Case.objects.filter(pk=case.pk).update(decided_on=on)
    MeasureDecision.objects.filter(subject__case=case, state=MeasureDecision.State.DECIDED).update(decided_on=on)
    return Case.objects.get(pk=case.pk)


def close(world, case: Case) -> Case:
    """Complete every execution and archive task as the executing department, then close."""
    performers = {world.departments["pl-discipline"].pk: OFFICER, world.departments["pl-organization"].pk: "organization_officer"}
    for task in ExecutionTask.objects.filter(case=case, state=ExecutionTask.State.OPEN):
        execution_complete(task_id=task.pk, acting_user=world.users[performers[task.department_id]], note="已办结")
    fire(world, case, "close")
    return Case.objects.get(pk=case.pk)


def record(world, on: dt.date, key: str = DEPUTY) -> dict:
    return cadre_record(world.cadres[key], on)


def items_of(rec: dict, case: Case) -> list[dict]:
    return [b for b in rec["blocking"] if b["case"] == case.pk]


def veto_items(rec: dict) -> list[dict]:
    return [b for b in rec["blocking"] if b["basis"].startswith(VETO_BASIS)]


def assert_well_formed(item: dict) -> None:
    """Every blocking item names its reason and basis, its end, what it bars and whether the rule
    behind it was verified (PRODUCT §4)."""
    assert {"reason", "basis", "until", "applies_to", "verified"} <= set(item), item
    assert isinstance(item["reason"], str) and item["reason"].strip()
    assert isinstance(item["basis"], str) and item["basis"].strip()
    assert item["until"] is None or isinstance(item["until"], dt.date)
    assert item["applies_to"] and set(item["applies_to"]) <= {"promotion", "awards"}
    assert isinstance(item["verified"], bool)


def _override_url(case: Case) -> str:
    return f"/api/v1/cases/{case.pk}/subjects/{case.subjects.get().pk}/veto-override/"
