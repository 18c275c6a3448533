"""The API v1 resources besides transitions (PRODUCT §9): auth, departments, cadres and moves,
accidents, leads, the case list and its visibility, referrals, executions, appeals, the rule
engine endpoint, the OpenAPI schema and docs, and the idempotence of ``loaddemo``."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

import cases.lifecycle.handlers
import cases.lifecycle.inputs
import cases.lifecycle.measures
import core.persistence
from cases.codes import MEASURE_ORDER, CaseState
from cases.models import Accident, Appeal, Case, ExecutionTask, MeasureDecision
from cases.selectors.assessments import evaluate
from cases.services.lifecycle import case_transition
from cases.tests.scenarios import case_in_state
from cases.tests.test_api_transitions import assert_error, snapshot
from core.persistence import local_today
from org.codes import DepartmentKind
from org.models import Cadre, Department

pytestmark = pytest.mark.django_db

OFFICER, LEADER = "discipline_officer", "discipline_leader"
BAOFENG_DEPUTY = "pl-baofeng:township_deputy:0"


def dept(world, code: str) -> int:
    return world.departments[code].pk


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def unchanged(call, *, case_id: int | None = None):
    """Run ``call`` and assert that no ``cases`` table (history included) gained or lost a row."""
    before = snapshot(case_id)
    response = call()
    assert snapshot(case_id) == before
    return response


# --- auth -------------------------------------------------------------------------------------------


def test_token_with_good_password_authenticates(world, api, settings):
    response = api().post(
        "/api/v1/auth/token/", {"username": "discipline_officer", "password": settings.DEMO_PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    assert token == Token.objects.get(user=world.users[OFFICER]).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/auth/me/")
    assert me.status_code == 200 and me.json()["username"] == OFFICER


def test_token_with_bad_password_is_refused(world, api):
    response = api().post("/api/v1/auth/token/", {"username": "discipline_officer", "password": "wrong"}, format="json")
    assert response.status_code in (400, 401, 403)
    body = assert_error(response, response.status_code, "authentication_failed")
    assert "token" not in body
    assert not Token.objects.filter(user=world.users[OFFICER]).exists()
    assert_error(
        api().post("/api/v1/auth/token/", {"username": "discipline_officer"}, format="json"), 400, "invalid", fields=("password",)
    )


def test_me_fields(world, api):
    body = api(LEADER).get("/api/v1/auth/me/").json()
    assert {"id", "username", "department", "roles"} <= set(body)
    assert body["id"] == world.users[LEADER].pk and body["username"] == LEADER
    department = world.departments["pl-discipline"]
    assert body["department"] == {"id": department.pk, "kind": "discipline", "name": department.name}
    assert body["roles"] == ["leader"]
    assert api("organization_officer").get("/api/v1/auth/me/").json()["roles"] == ["officer"]
    admin = api("admin").get("/api/v1/auth/me/").json()
    assert admin["department"] is None and "admin" in admin["roles"]
    assert_error(api().get("/api/v1/auth/me/"), 401, "not_authenticated")


# --- departments and cadres -------------------------------------------------------------------------


def test_departments_list(world, api):
    body = api(OFFICER).get("/api/v1/departments/?page_size=200").json()
    # the county's units and the jurisdictions above with their organs; never the neighbouring county's
    codes = {d["code"] for d in body["results"]}
    assert body["count"] == len(body["results"]) == Department.objects.exclude(code__startswith="h").count()
    assert "pl-baofeng" in codes and "szs-discipline" in codes and not {"huinong", "hn-discipline"} & codes
    assert {d["kind"] for d in body["results"]} == set(DepartmentKind.values)
    assert all({"id", "kind", "name"} <= set(d) for d in body["results"])
    kinds = results(api(OFFICER).get("/api/v1/departments/?kind=discipline&page_size=200"))
    assert {d["id"] for d in kinds} == {dept(world, "pl-discipline"), dept(world, "szs-discipline")}


def _assert_cadre_shape(cadre: dict) -> None:
    assert {"id", "name", "status", "current_post"} <= set(cadre)
    post = cadre["current_post"]
    assert {"organization", "role", "title"} <= set(post)
    assert {"id", "kind", "name"} <= set(post["organization"])


def test_cadres_list_and_filters(world, api):
    client = api("organization_officer")
    body = client.get("/api/v1/cadres/?page_size=200").json()
    # the county's cadres, not the neighbouring county's two
    assert body["count"] == Cadre.objects.count() - len(world.neighbour_cadres) >= 60
    for cadre in body["results"]:
        _assert_cadre_shape(cadre)

    deputies = results(client.get("/api/v1/cadres/?role=township_deputy&page_size=200"))
    assert len(deputies) == 10 and {c["current_post"]["role"] for c in deputies} == {"township_deputy"}

    baofeng = dept(world, "pl-baofeng")
    in_baofeng = results(client.get(f"/api/v1/cadres/?department={baofeng}&page_size=200"))
    assert len(in_baofeng) == 4 and {c["current_post"]["organization"]["id"] for c in in_baofeng} == {baofeng}

    both = results(client.get(f"/api/v1/cadres/?role=township_deputy&department={baofeng}"))
    assert len(both) == 2

    target = world.cadres[BAOFENG_DEPUTY]
    by_name = results(client.get("/api/v1/cadres/", {"q": target.name[1:]}))
    assert target.pk in {c["id"] for c in by_name} and all(target.name[1:] in c["name"] for c in by_name)

    assert_error(client.get("/api/v1/cadres/?department=abc"), 400, "invalid", fields=("department",))


def _new_cadre_body(world) -> dict:
    return {
        "name": "测试干部",
        "organization": dept(world, "pl-baofeng"),
        "role": "township_deputy",
        "title": "副镇长",
        "since": "2024-01-02",
    }


def test_register_cadre_by_organization_department(world, api):
    response = api("organization_officer").post("/api/v1/cadres/", _new_cadre_body(world), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    _assert_cadre_shape(body)
    assert body["name"] == "测试干部" and body["status"] == "in_office"
    assert body["current_post"]["organization"]["id"] == dept(world, "pl-baofeng")
    assert (body["current_post"]["role"], body["current_post"]["title"]) == ("township_deputy", "副镇长")
    assert Cadre.objects.get(pk=body["id"]).posts.get().managing_authority.kind == "organization"


def test_register_cadre_refused_to_other_departments(world, api):
    response = unchanged(lambda: api("audit_officer").post("/api/v1/cadres/", _new_cadre_body(world), format="json"))
    assert_error(response, 403, "not_permitted")
    bad_role = unchanged(
        lambda: api("organization_officer").post("/api/v1/cadres/", {**_new_cadre_body(world), "role": "emperor"}, format="json")
    )
    assert_error(bad_role, 400, "invalid", fields=("role",))


@pytest.mark.parametrize(
    ("kind", "status"),
    [("transfer", "transferred"), ("promotion", "promoted")],
)
def test_cadre_transfer_and_promotion(world, api, kind, status):
    cadre = world.cadres[BAOFENG_DEPUTY]
    first_post = cadre.posts.get()
    body = {
        "kind": kind,
        "organization": dept(world, "pl-chengguan"),
        "role": "township_head",
        "title": "镇长",
        "effective_date": "2026-01-10",
    }
    response = api("organization_officer").post(f"/api/v1/cadres/{cadre.pk}/moves/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == status
    assert data["current_post"]["organization"]["id"] == dept(world, "pl-chengguan")
    assert data["current_post"]["role"] == "township_head"
    first_post.refresh_from_db()
    assert first_post.end == dt.date(2026, 1, 9)
    assert len(data["posts"]) == 2


def test_cadre_retirement_needs_only_kind_and_date(world, api):
    cadre = world.cadres[BAOFENG_DEPUTY]
    response = api("organization_officer").post(
        f"/api/v1/cadres/{cadre.pk}/moves/", {"kind": "retirement", "effective_date": "2026-02-01"}, format="json"
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "retired" and data["retired_on"] == "2026-02-01"
    assert data["current_post"] is None
    assert cadre.posts.get().end == dt.date(2026, 1, 31)


def test_cadre_transfer_without_organization_is_400(world, api):
    cadre = world.cadres[BAOFENG_DEPUTY]
    body = {"kind": "transfer", "role": "township_head", "title": "镇长", "effective_date": "2026-01-10"}
    response = unchanged(lambda: api("organization_officer").post(f"/api/v1/cadres/{cadre.pk}/moves/", body, format="json"))
    assert_error(response, 400, "invalid", fields=("organization",))
    refused = unchanged(
        lambda: api("audit_officer").post(
            f"/api/v1/cadres/{cadre.pk}/moves/", {"kind": "retirement", "effective_date": "2026-02-01"}, format="json"
        )
    )
    assert_error(refused, 403, "not_permitted")
    assert Cadre.objects.get(pk=cadre.pk).status == "in_office"


# --- accidents --------------------------------------------------------------------------------------


def test_accident_grade_is_computed_and_recomputed(world, api):
    client = api("emergency_officer")
    response = client.post(
        "/api/v1/accidents/",
        {
            "title": "某企业机械伤害事故",
            "occurred_at": "2026-04-01T08:00:00+08:00",
            "deaths": 1,
            "serious_injuries": 0,
            "direct_loss_yuan": "100000.00",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    accident_id = response.json()["id"]
    assert response.json()["grade"] == "general"

    patched = client.patch(f"/api/v1/accidents/{accident_id}/", {"deaths": 3}, format="json")
    assert patched.status_code == 200, patched.content
    assert patched.json()["grade"] == "larger" and patched.json()["deaths"] == 3
    assert client.get(f"/api/v1/accidents/{accident_id}/").json()["grade"] == "larger"

    grades = list(Accident.history.filter(id=accident_id).order_by("history_date", "history_id").values_list("grade", flat=True))
    assert grades == ["general", "larger"]
    users = set(Accident.history.filter(id=accident_id).values_list("history_user__username", flat=True))
    assert users == {"emergency_officer"}


def test_accident_recording_is_refused_to_audit(world, api):
    body = {"title": "x", "occurred_at": "2026-04-01T08:00:00+08:00", "deaths": 0, "serious_injuries": 0, "direct_loss_yuan": "0"}
    assert_error(unchanged(lambda: api("audit_officer").post("/api/v1/accidents/", body, format="json")), 403, "not_permitted")


# --- leads ------------------------------------------------------------------------------------------


def _lead_body(world, **overrides) -> dict:
    body = {
        "title": "安全检查流于形式",
        "facts": "专项资金使用与检查记录不符",
        "source_kind": "audit",
        "subjects": [world.cadres[BAOFENG_DEPUTY].pk],
        "circumstances": ["26.1"],
    }
    body.update(overrides)
    return body


def test_lead_creates_a_received_case_with_the_discipline_organ(world, api):
    response = api("audit_officer").post("/api/v1/leads/", _lead_body(world), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert re.fullmatch(rf"ZR-{local_today().year}-\d{{4}}", body["number"])
    assert body["state"] == "received"
    assert body["owner_department"]["id"] == dept(world, "pl-discipline")
    assert body["owner_department"]["kind"] == "discipline"
    case = Case.objects.get(pk=body["id"])
    assert case.source_department_id == dept(world, "pl-audit")
    assert list(case.subjects.values_list("cadre_id", flat=True)) == [world.cadres[BAOFENG_DEPUTY].pk]
    assert case.circumstances == ["26.1"]


def test_lead_target_department_is_honoured(world, api):
    body = _lead_body(world, target_department=dept(world, "pl-organization"))
    response = api("emergency_officer").post("/api/v1/leads/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["owner_department"]["id"] == dept(world, "pl-organization")
    assert Case.objects.get(pk=response.json()["id"]).owner_department.code == "pl-organization"


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"circumstances": ["26.1", "26.9"]}, "circumstances", "26.9"),
        ({"source_kind": "rumour"}, "source_kind", "rumour"),
        ({"subjects": []}, "subjects", ""),
        ({"subjects": [99999]}, "subjects", "99999"),
        ({"title": ""}, "title", ""),
    ],
    ids=["circumstance", "source_kind", "no-subjects", "unknown-cadre", "no-title"],
)
def test_bad_lead_is_400_naming_the_field(world, api, overrides, field, text):
    response = unchanged(lambda: api("audit_officer").post("/api/v1/leads/", _lead_body(world, **overrides), format="json"))
    body = assert_error(response, 400, "invalid", fields=(field,))
    assert text in " ".join(body["detail"][field])


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


# --- rule engine, schema, demo ----------------------------------------------------------------------


def test_evaluate_returns_the_engine_output(world, api):
    data = {"circumstances": ["26.5"], "aggravating": ["29.1"], "conduct_date": "2026-03-15"}
    response = api("emergency_officer").post("/api/v1/assessments/evaluate/", data, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    keys = {"accountable", "outcome", "severity", "allowed_measures", "crime_referral", "veto", "lifelong"}
    assert keys | {"citations", "explanation", "policy_version"} <= set(body)
    assert body["accountable"] is True and body["outcome"] == "accountable" and body["severity"] == "heavier"
    assert body["allowed_measures"] == [m for m in MEASURE_ORDER if m in body["allowed_measures"]]
    assert "notice" not in body["allowed_measures"]
    assert body == evaluate(data)[0]


@pytest.mark.parametrize(
    ("data", "field", "text"),
    [
        ({"circumstances": ["26.9"], "conduct_date": "2026-03-15"}, "circumstances", "26.9"),
        ({"circumstances": ["26.5"], "aggravating": ["29.9"], "conduct_date": "2026-03-15"}, "aggravating", "29.9"),
        ({"circumstances": ["26.5"]}, "conduct_date", ""),
        ({"circumstances": ["26.5"], "conduct_date": "2026-03-15", "colour": "red"}, "colour", ""),
    ],
    ids=["circumstance", "aggravating", "no-date", "unknown-field"],
)
def test_evaluate_bad_input_names_the_field(world, api, data, field, text):
    response = unchanged(lambda: api("emergency_officer").post("/api/v1/assessments/evaluate/", data, format="json"))
    body = assert_error(response, 400, "invalid", fields=(field,))
    assert text in " ".join(body["detail"][field])


def test_schema_and_docs_are_served(db):
    client = APIClient()
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/cases/{id}/transitions/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()


def _all_table_counts() -> dict[str, int]:
    return {m._meta.label: m._base_manager.count() for m in apps.get_models(include_auto_created=True)}


def test_loaddemo_twice_changes_nothing(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)  # the demo ledger's evidence files
    call_command("loaddemo", stdout=io.StringIO())
    first = _all_table_counts()
    assert set(Case.objects.values_list("state", flat=True)) == set(CaseState.values)
    assert first["cases.Case"] >= 12 and first["cases.HistoricalCase"] > first["cases.Case"]

    out = io.StringIO()
    call_command("loaddemo", stdout=out)
    assert _all_table_counts() == first
    assert "nothing changed" in out.getvalue()
