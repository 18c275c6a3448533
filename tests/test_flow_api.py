"""End to end over the REST API: a lead taken from ``received`` to ``closed`` by following
``available_transitions``, each step visible in ``/history/`` with the acting user (issue 2)."""

from __future__ import annotations

import pytest

from core.persistence import local_today

pytestmark = pytest.mark.django_db(transaction=False)


def test_lead_to_closed_through_the_api_alone(world, api):
    emergency, officer, leader = api("emergency_officer"), api("discipline_officer"), api("discipline_leader")
    organization = api("organization_officer")
    cadre = world.cadres["pl-baofeng:township_deputy:0"]

    # An agency refers a lead; it lands with the county discipline organ.
    r = emergency.post(
        "/api/v1/leads/",
        {
            "title": "化工企业中毒事故",
            "facts": "1人死亡",
            "source_kind": "accident_investigation",
            "subjects": [cadre.pk],
            "circumstances": ["26.5"],
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    case = r.json()
    assert case["state"] == "received"
    assert case["number"].startswith(f"ZR-{local_today().year}-")
    case_id = case["id"]

    # The referring agency sees status and outcome only.
    r = emergency.get(f"/api/v1/cases/{case_id}/")
    assert r.status_code == 200
    assert r.json()["access"] == "source"
    assert "facts" not in r.json()

    def fire(client, name, **payload):
        detail = client.get(f"/api/v1/cases/{case_id}/").json()
        assert name in detail["available_transitions"], (name, detail["state"], detail["available_transitions"])
        r = client.post(f"/api/v1/cases/{case_id}/transitions/", {"name": name, **payload}, format="json")
        assert r.status_code == 200, r.content
        return r.json()

    fire(officer, "accept", team=["discipline_officer", "discipline_officer2"])
    subject_id = officer.get(f"/api/v1/cases/{case_id}/").json()["subjects"][0]["id"]
    r = officer.put(
        f"/api/v1/cases/{case_id}/subjects/{subject_id}/findings/",
        {"circumstances": ["26.5"], "conduct_date": "2026-03-15", "performance": "未按期带队检查"},
        format="json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["accountable"] is True
    assert "admonishment" in r.json()["allowed_measures"]

    fire(officer, "submit_findings")
    detail = fire(officer, "conclude")
    assert detail["state"] == "proposing"
    assert detail["subjects"][0]["assessment"]["output"]["veto"] == {"applies": True, "floor_months": None}
    fire(officer, "propose", measures=[{"subject": subject_id, "measure": "admonishment"}])
    # The proposer is an officer; a leader approves.
    assert "approve" not in officer.get(f"/api/v1/cases/{case_id}/").json()["available_transitions"]
    detail = fire(leader, "approve")
    assert detail["decided_on"] == local_today().isoformat()
    fire(officer, "deliver", delivered_on=local_today().isoformat())

    # 诫勉 goes to the organization department; two archive tasks follow the decision.
    tasks = officer.get(f"/api/v1/executions/?case={case_id}").json()["results"]
    assert sorted((t["kind"], t["measure"] or t["archive"], t["department"]["kind"]) for t in tasks) == [
        ("archive", "integrity", "discipline"),
        ("archive", "personnel", "organization"),
        ("measure", "admonishment", "organization"),
    ]
    assert "close" in officer.get(f"/api/v1/cases/{case_id}/").json()["available_transitions"]
    r = officer.post(f"/api/v1/cases/{case_id}/transitions/", {"name": "close"}, format="json")
    assert r.status_code == 409 and r.json()["error"] == "precondition_failed"
    for task in tasks:
        client = organization if task["department"]["kind"] == "organization" else officer
        r = client.post(f"/api/v1/executions/{task['id']}/complete/", {"note": "已办结"}, format="json")
        assert r.status_code == 200, r.content
    detail = fire(officer, "close")
    assert detail["state"] == "closed"
    assert detail["available_transitions"] == []

    history = officer.get(f"/api/v1/cases/{case_id}/history/").json()
    kinds = [(e["kind"], e["actor"]) for e in history["events"]]
    assert kinds == [
        ("lead", "emergency_officer"),
        ("accept", "discipline_officer"),
        ("findings", "discipline_officer"),
        ("submit_findings", "discipline_officer"),
        ("conclude", "discipline_officer"),
        ("propose", "discipline_officer"),
        ("approve", "discipline_leader"),
        ("deliver", "discipline_officer"),
        ("execution_complete", "organization_officer"),
        ("execution_complete", "discipline_officer"),
        ("execution_complete", "organization_officer"),
        ("close", "discipline_officer"),
    ]
    states = [(e["from_state"], e["to_state"]) for e in history["events"] if e["kind"] in ("accept", "close")]
    assert states == [("received", "investigating"), ("executing", "closed")]
    case_changes = [c for c in history["changes"] if c["model"] == "case"]
    state_changes = [ch for c in case_changes for ch in c["changes"] if ch["field"] == "state"]
    assert [ch["new"] for ch in state_changes] == [
        "received",
        "investigating",
        "assessing",
        "proposing",
        "approving",
        "decided",
        "executing",
        "closed",
    ]
    assert {c["user"] for c in case_changes} >= {"emergency_officer", "discipline_officer", "discipline_leader"}

    # Every row written along the way has history naming who wrote it and why.
    from cases.models import Case, CaseSubject, ExecutionTask, Finding, MeasureDecision

    case_obj = Case.objects.get(pk=case_id)
    rows = (
        list(case_obj.history.all())
        + list(CaseSubject.history.filter(case_id=case_id))
        + list(Finding.history.filter(subject_id=subject_id))
        + list(MeasureDecision.history.filter(subject_id=subject_id))
        + list(ExecutionTask.history.filter(case_id=case_id))
    )
    assert len(rows) >= 15
    assert all(r.history_user_id and r.history_change_reason for r in rows), [
        (r._meta.model_name, r.history_user_id, r.history_change_reason) for r in rows
    ]

    # The referring agency now sees the outcome, and still nothing else.
    outcome = emergency.get(f"/api/v1/cases/{case_id}/").json()
    assert outcome["state"] == "closed"
    assert outcome["outcome"]["measures"] == [{"cadre": cadre.name, "measure": "admonishment", "sanction_kind": ""}]
    assert emergency.get(f"/api/v1/cases/{case_id}/history/").status_code == 404


def test_a_pending_transfer_freezes_the_case_until_the_target_decides(world, api):
    """Art. 34: while the receiving department has not accepted or returned a transfer, neither
    side moves the case; a return gives it back to the sender."""
    officer, organization = api("discipline_officer"), api("organization_officer")
    from cases.tests.scenarios import new_lead

    case = new_lead(world)
    org_id = world.departments["pl-organization"].pk
    r = officer.post(
        f"/api/v1/cases/{case.pk}/transitions/",
        {"name": "transfer", "to_department": org_id, "reason": "组织处理"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["available_transitions"] == []
    r = officer.post(
        f"/api/v1/cases/{case.pk}/transitions/",
        {"name": "accept", "team": ["discipline_officer", "discipline_officer2"]},
        format="json",
    )
    assert r.status_code == 409 and r.json()["error"] == "precondition_failed"
    referral = case.referrals.get()
    # The target sees the case in full while deciding.
    assert organization.get(f"/api/v1/cases/{case.pk}/").json()["access"] == "full"
    r = organization.post(f"/api/v1/referrals/{referral.pk}/return/", {"reason": "不属组织处理范围"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "returned"
    assert "accept" in officer.get(f"/api/v1/cases/{case.pk}/").json()["available_transitions"]
    # Having returned it, the target no longer sees the case.
    assert organization.get(f"/api/v1/cases/{case.pk}/").status_code == 404
