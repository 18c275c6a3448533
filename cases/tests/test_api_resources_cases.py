"""The case resources of the API beside the transitions (PRODUCT §9): the case list, its filters and
visibility, referrals, executions and appeals. The other resources are in test_api_resources.py.
"""

from __future__ import annotations

import datetime as dt

import pytest

import cases.lifecycle.handlers
import cases.lifecycle.inputs
import cases.lifecycle.measures
import core.persistence
from cases.codes import CaseState
from cases.models import Appeal, Case, ExecutionTask, MeasureDecision
from cases.services.lifecycle import case_transition
from cases.tests._resources_helpers import LEADER, OFFICER, _lead_body, dept, results, unchanged
from cases.tests._transitions_helpers import assert_error
from cases.tests.scenarios import case_in_state
from core.persistence import local_today

pytestmark = pytest.mark.django_db


# --- case list, filters, visibility -----------------------------------------------------------------


def _lead(api, world, persona, **overrides) -> dict:
    response = api(persona).post("/api/v1/leads/", _lead_body(world, **overrides), format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_case_list_filters_and_pagination(world, api):
    x, y = world.cadres["pl-park:park_director:0"], world.cadres["pl-touzha:township_head:0"]
    assert x.name != y.name and x.name not in y.name and y.name not in x.name
    a = _lead(api, world, "emergency_officer", title="化工园区隐患督办不力", facts="台账缺失甲乙丙", subjects=[x.pk])
    b = _lead(api, world, "emergency_officer", title="道路运输监管缺位", facts="检查记录造假丁戊", subjects=[y.pk])
    officer = api(OFFICER)

    def ids(query: str) -> set[int]:
        return {c["id"] for c in results(officer.get(f"/api/v1/cases/?{query}"))}

    assert ids("") == {a["id"], b["id"]}
    assert ids(f"q={a['number']}") == {a["id"]}
    assert ids("q=隐患督办") == {a["id"]}
    assert ids("q=丁戊") == {b["id"]}
    assert ids(f"q={y.name}") == {b["id"]}
    assert ids("q=不存在的内容") == set()

    case_transition(case_id=a["id"], name="hold", payload={"reason": "待查"}, acting_user=world.users[OFFICER])
    assert ids("state=held") == {a["id"]}
    assert ids("state=received") == {b["id"]}
    assert ids("state=held,received") == {a["id"], b["id"]}

    # B goes to the organization department; its owner changes on acceptance.
    case_transition(
        case_id=b["id"],
        name="transfer",
        payload={"to_department": dept(world, "pl-organization"), "reason": "组织处理"},
        acting_user=world.users[OFFICER],
    )
    referral = Case.objects.get(pk=b["id"]).referrals.get()
    assert api("organization_officer").post(f"/api/v1/referrals/{referral.pk}/accept/", {}, format="json").status_code == 200
    assert ids(f"department={dept(world, 'pl-organization')}") == {b["id"]}
    assert ids(f"department={dept(world, 'pl-discipline')}") == {a["id"]}

    page = officer.get("/api/v1/cases/?page_size=1").json()
    assert set(page) == {"count", "count_estimated", "next", "previous", "results"}
    assert page["count"] == 2 and len(page["results"]) == 1 and page["next"] and page["previous"] is None
    assert page["count_estimated"] is False  # exact up to 1,000 rows (cases.api.pagination)
    second = officer.get("/api/v1/cases/?page_size=1&page=2").json()
    assert {page["results"][0]["id"], second["results"][0]["id"]} == {a["id"], b["id"]}
    assert_error(officer.get("/api/v1/cases/?department=x"), 400, "invalid", fields=("department",))


def test_case_visibility_by_department(world, api):
    mine = _lead(api, world, "audit_officer", title="审计移交线索")
    other = _lead(api, world, "emergency_officer", title="应急移交线索")
    discipline = api(OFFICER)
    assert {c["id"] for c in results(discipline.get("/api/v1/cases/"))} == {mine["id"], other["id"]}
    full = discipline.get(f"/api/v1/cases/{mine['id']}/").json()
    assert full["access"] == "full" and full["facts"] and full["subjects"][0]["cadre"]["name"]

    audit = api("audit_officer")
    listed = results(audit.get("/api/v1/cases/"))
    assert [c["id"] for c in listed] == [mine["id"]]
    assert not {"facts", "subjects", "available_transitions"} & set(listed[0])
    detail = audit.get(f"/api/v1/cases/{mine['id']}/")
    assert detail.status_code == 200
    shape = detail.json()
    assert shape["access"] == "source" and shape["state"] == "received" and shape["outcome"] is None
    assert not {"facts", "subjects", "available_transitions", "team", "circumstances"} & set(shape)
    assert_error(audit.get(f"/api/v1/cases/{other['id']}/"), 404, "not_found")
    assert_error(audit.get(f"/api/v1/cases/{mine['id']}/history/"), 404, "not_found")

    city = api("city_discipline_officer")
    assert city.get("/api/v1/cases/").json()["count"] == 0
    assert_error(city.get(f"/api/v1/cases/{mine['id']}/"), 404, "not_found")


@pytest.mark.parametrize(
    ("persona", "method", "url"),
    [
        (OFFICER, "get", "/api/v1/cases/abc/"),
        (OFFICER, "get", "/api/v1/cases/abc/history/"),
        ("organization_officer", "post", "/api/v1/cadres/abc/moves/"),
    ],
    ids=["case-detail", "case-history", "cadre-moves"],
)
def test_non_numeric_id_is_404(world, api, persona, method, url):
    client = api(persona)
    if method == "get":
        response = client.get(url)
    else:
        response = unchanged(lambda: client.post(url, {"kind": "retirement", "effective_date": "2026-02-01"}, format="json"))
    assert_error(response, 404, "not_found")


def test_non_numeric_id_elsewhere_is_404(world, api):
    assert_error(api("organization_officer").get("/api/v1/cadres/abc/"), 404, "not_found")
    assert_error(api(OFFICER).post("/api/v1/referrals/abc/accept/", {}, format="json"), 404, "not_found")
    assert_error(api(OFFICER).post("/api/v1/appeals/abc/uphold/", {"reason": "x"}, format="json"), 404, "not_found")


def test_sending_department_sees_only_status_after_its_transfer_is_accepted(world, api):
    case = case_in_state(world, CaseState.RECEIVED)
    case_transition(
        case_id=case.pk,
        name="transfer",
        payload={"to_department": dept(world, "pl-organization"), "reason": "组织处理"},
        acting_user=world.users[OFFICER],
    )
    referral = case.referrals.get()
    assert api("organization_officer").post(f"/api/v1/referrals/{referral.pk}/accept/", {}, format="json").status_code == 200
    detail = api(OFFICER).get(f"/api/v1/cases/{case.pk}/")
    assert detail.status_code == 200 and detail.json()["state"] == "received"
    assert "facts" not in detail.json() and "subjects" not in detail.json()


# --- referrals --------------------------------------------------------------------------------------


def _transferred(world, api, to: str = "pl-organization") -> tuple[int, dict]:
    case = case_in_state(world, CaseState.RECEIVED)
    response = api(OFFICER).post(
        f"/api/v1/cases/{case.pk}/transitions/",
        {"name": "transfer", "to_department": dept(world, to), "reason": "属组织处理事项"},
        format="json",
    )
    assert response.status_code == 200, response.content
    listed = results(api("organization_officer").get(f"/api/v1/referrals/?case={case.pk}"))
    assert len(listed) == 1
    return case.pk, listed[0]


def test_referral_acknowledge_then_accept_moves_the_owner(world, api):
    case_id, referral = _transferred(world, api)
    assert {"id", "case", "kind", "from_department", "to_department", "state", "reason"} <= set(referral)
    assert (referral["case"], referral["kind"], referral["state"]) == (case_id, "transfer", "sent")
    assert referral["from_department"]["id"] == dept(world, "pl-discipline")
    assert referral["to_department"]["id"] == dept(world, "pl-organization")
    assert referral["reason"] == "属组织处理事项"
    org = api("organization_officer")
    url = f"/api/v1/referrals/{referral['id']}"

    acknowledged = org.post(f"{url}/acknowledge/", {}, format="json")
    assert acknowledged.status_code == 200 and acknowledged.json()["state"] == "acknowledged"
    assert_error(unchanged(lambda: org.post(f"{url}/acknowledge/", {}, format="json")), 409, "transition_not_allowed")
    assert Case.objects.get(pk=case_id).owner_department.code == "pl-discipline"

    accepted = org.post(f"{url}/accept/", {}, format="json")
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    case = Case.objects.get(pk=case_id)
    assert case.owner_department.code == "pl-organization" and case.state == "received"
    detail = org.get(f"/api/v1/cases/{case_id}/").json()
    assert detail["owner_department"]["id"] == dept(world, "pl-organization")
    assert "inquire" in detail["available_transitions"]
    # The sender now sees status and outcome only (PRODUCT §5), and cannot act on the case.
    assert api(OFFICER).get(f"/api/v1/cases/{case_id}/").json()["access"] == "source"
    refused = unchanged(
        lambda: api(OFFICER).post(f"/api/v1/cases/{case_id}/transitions/", {"name": "inquire"}, format="json"), case_id=case_id
    )
    assert_error(refused, 404, "not_found")


def test_referral_return_needs_a_reason(world, api):
    case_id, referral = _transferred(world, api)
    org = api("organization_officer")
    url = f"/api/v1/referrals/{referral['id']}/return/"
    no_reason = unchanged(lambda: org.post(url, {}, format="json"), case_id=case_id)
    assert_error(no_reason, 400, "invalid", fields=("reason",))
    blank = unchanged(lambda: org.post(url, {"reason": "   "}, format="json"), case_id=case_id)
    assert_error(blank, 400, "invalid", fields=("reason",))

    returned = org.post(url, {"reason": "不属组织处理范围"}, format="json")
    assert returned.status_code == 200, returned.content
    assert returned.json()["state"] == "returned" and returned.json()["return_reason"] == "不属组织处理范围"
    assert Case.objects.get(pk=case_id).owner_department.code == "pl-discipline"
    # Nothing is pending any more: the owner may transfer again.
    again = api(OFFICER).post(
        f"/api/v1/cases/{case_id}/transitions/",
        {"name": "transfer", "to_department": dept(world, "pl-emergency"), "reason": "改送应急管理局"},
        format="json",
    )
    assert again.status_code == 200, again.content


def test_referral_moves_by_a_non_member_of_the_target(world, api):
    case_id, referral = _transferred(world, api)
    url = f"/api/v1/referrals/{referral['id']}"
    # The sender sees the referral but may not act for the receiving department.
    for move in ("acknowledge", "accept", "return"):
        response = unchanged(lambda m=move: api(OFFICER).post(f"{url}/{m}/", {"reason": "x"}, format="json"), case_id=case_id)
        assert_error(response, 403, "not_permitted")
    # A department with no part in it does not see it at all.
    outsider = unchanged(lambda: api("city_discipline_officer").post(f"{url}/accept/", {}, format="json"), case_id=case_id)
    assert_error(outsider, 404, "not_found")
    assert Case.objects.get(pk=case_id).owner_department.code == "pl-discipline"


# --- executions -------------------------------------------------------------------------------------


def test_execution_completed_only_by_the_executing_department(world, api):
    case = case_in_state(world, CaseState.EXECUTING)
    tasks = results(api(OFFICER).get(f"/api/v1/executions/?case={case.pk}"))
    assert len(tasks) == 3
    for task in tasks:
        assert {"id", "case", "kind", "measure", "department", "state"} <= set(task) and task["state"] == "open"
    org_task = next(t for t in tasks if t["kind"] == "measure")
    assert (org_task["measure"], org_task["department"]["kind"]) == ("admonishment", "organization")
    url = f"/api/v1/executions/{org_task['id']}/complete/"

    refused = unchanged(lambda: api(OFFICER).post(url, {"note": "越权"}, format="json"), case_id=case.pk)
    assert_error(refused, 403, "not_permitted")
    outsider = unchanged(lambda: api("city_discipline_officer").post(url, {}, format="json"), case_id=case.pk)
    assert_error(outsider, 404, "not_found")

    done = api("organization_officer").post(url, {"note": "已诫勉谈话"}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "done" and done.json()["note"] == "已诫勉谈话"
    again = unchanged(lambda: api("organization_officer").post(url, {}, format="json"), case_id=case.pk)
    assert_error(again, 409, "transition_not_allowed")


# --- appeals ----------------------------------------------------------------------------------------


def _appeal_body(case: Case, filed_on: dt.date) -> dict:
    return {"case": case.pk, "subject": case.subjects.get().pk, "filed_on": filed_on.isoformat(), "grounds": "认为处理偏重"}


def _filed(world, api) -> tuple[Case, dict]:
    case = case_in_state(world, CaseState.EXECUTING)
    response = api(OFFICER).post("/api/v1/appeals/", _appeal_body(case, local_today()), format="json")
    assert response.status_code == 201, response.content
    return case, response.json()


def test_appeal_filed_within_the_window(world, api):
    case, appeal = _filed(world, api)
    assert appeal["state"] == "filed" and appeal["case"] == case.pk
    assert appeal["deciding_department"]["id"] == dept(world, "pl-discipline")
    assert Appeal.objects.get(pk=appeal["id"]).recorded_by == world.users[OFFICER]
    # Execution is not suspended by an appeal.
    assert case.executions.filter(state="open").count() == 3


def test_appeal_out_of_window_is_400(world, api, monkeypatch):
    long_ago = local_today() - dt.timedelta(days=70)
    with monkeypatch.context() as patch:
        # Where the lifecycle reads the date (approve, the delivery date's check, execution tasks).
        for module in (cases.lifecycle.handlers, cases.lifecycle.inputs, cases.lifecycle.measures):
            patch.setattr(module, "local_today", lambda: long_ago)
        patch.setattr(core.persistence, "local_today", lambda: long_ago)
        case = case_in_state(world, CaseState.EXECUTING)
    assert case.delivered_on == long_ago

    late = unchanged(lambda: api(OFFICER).post("/api/v1/appeals/", _appeal_body(case, local_today()), format="json"))
    assert_error(late, 400, "invalid", fields=("filed_on",))
    early = unchanged(
        lambda: api(OFFICER).post("/api/v1/appeals/", _appeal_body(case, long_ago - dt.timedelta(days=1)), format="json")
    )
    assert_error(early, 400, "invalid", fields=("filed_on",))
    in_time = api(OFFICER).post("/api/v1/appeals/", _appeal_body(case, long_ago + dt.timedelta(days=20)), format="json")
    assert in_time.status_code == 201, in_time.content


def test_appeal_before_delivery_is_refused(world, api):
    case = case_in_state(world, CaseState.EXECUTING)
    before = unchanged(
        lambda: api(OFFICER).post("/api/v1/appeals/", _appeal_body(case, local_today() - dt.timedelta(days=1)), format="json")
    )
    assert_error(before, 400, "invalid", fields=("filed_on",))
    future = unchanged(
        lambda: api(OFFICER).post("/api/v1/appeals/", _appeal_body(case, local_today() + dt.timedelta(days=1)), format="json")
    )
    assert_error(future, 400, "invalid", fields=("filed_on",))
    # A decision not yet delivered cannot be appealed at all (the case is not ready: 409).
    decided = case_in_state(world, CaseState.DECIDED)
    undelivered = unchanged(lambda: api(OFFICER).post("/api/v1/appeals/", _appeal_body(decided, local_today()), format="json"))
    assert_error(undelivered, 409, "precondition_failed")


def test_appeal_upheld_by_a_leader_and_not_by_an_officer(world, api):
    case, appeal = _filed(world, api)
    url = f"/api/v1/appeals/{appeal['id']}"
    for outcome in ("uphold", "revise"):
        refused = unchanged(
            lambda o=outcome: api(OFFICER).post(
                f"{url}/{o}/",
                {"reason": "维持", "measures": [{"subject": appeal["subject"], "measure": "notice"}]},
                format="json",
            ),
            case_id=case.pk,
        )
        assert_error(refused, 403, "not_permitted")
    no_reason = unchanged(lambda: api(LEADER).post(f"{url}/uphold/", {}, format="json"), case_id=case.pk)
    assert_error(no_reason, 400, "invalid", fields=("reason",))

    upheld = api(LEADER).post(f"{url}/uphold/", {"reason": "事实清楚，处理适当"}, format="json")
    assert upheld.status_code == 200, upheld.content
    assert upheld.json()["state"] == "upheld" and upheld.json()["decision_reason"] == "事实清楚，处理适当"
    assert case.executions.filter(state="open").count() == 3
    assert_error(
        unchanged(lambda: api(LEADER).post(f"{url}/uphold/", {"reason": "再次"}, format="json")), 409, "transition_not_allowed"
    )


def test_appeal_revised_replaces_measures_and_execution_tasks(world, api):
    case, appeal = _filed(world, api)
    subject = appeal["subject"]
    old_measure = MeasureDecision.objects.get(subject_id=subject, state="decided")
    old_task = ExecutionTask.objects.get(case=case, kind="measure")
    archives = set(ExecutionTask.objects.filter(case=case, kind="archive").values_list("id", flat=True))
    url = f"/api/v1/appeals/{appeal['id']}/revise/"

    bad = unchanged(
        lambda: api(LEADER).post(
            url, {"reason": "变更", "measures": [{"subject": subject, "measure": "interview"}]}, format="json"
        ),
        case_id=case.pk,
    )
    assert_error(bad, 400, "invalid", fields=("measures[0].measure",))

    revised = api(LEADER).post(
        url, {"reason": "情节较轻，改为通报", "measures": [{"subject": subject, "measure": "notice"}]}, format="json"
    )
    assert revised.status_code == 200, revised.content
    assert revised.json()["state"] == "revised"

    old_measure.refresh_from_db()
    old_task.refresh_from_db()
    assert old_measure.state == "revoked" and old_task.state == "cancelled"
    assert MeasureDecision.objects.get(subject_id=subject, state="decided").measure == "notice"
    tasks = {t["id"]: t for t in results(api(OFFICER).get(f"/api/v1/executions/?case={case.pk}"))}
    assert {tid for tid, t in tasks.items() if t["kind"] == "archive" and t["state"] == "open"} == archives
    new = [t for t in tasks.values() if t["kind"] == "measure" and t["state"] == "open"]
    assert len(new) == 1 and new[0]["measure"] == "notice" and new[0]["department"]["kind"] == "discipline"
    assert tasks[old_task.pk]["state"] == "cancelled"


def test_appeal_revise_with_a_malformed_subject_is_400(world, api):
    case, appeal = _filed(world, api)
    body = {"reason": "变更", "measures": [{"subject": [appeal["subject"]], "measure": "notice"}]}
    response = unchanged(
        lambda: api(LEADER).post(f"/api/v1/appeals/{appeal['id']}/revise/", body, format="json"), case_id=case.pk
    )
    assert_error(response, 400, "invalid", fields=("measures[0].subject",))
