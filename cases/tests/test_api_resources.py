"""The API v1 resources besides transitions (PRODUCT §9): auth, departments, cadres and moves,
accidents, leads, the rule engine endpoint, the OpenAPI schema and docs, and the idempotence of
``loaddemo``. The case list and its visibility, referrals, executions and appeals are in
test_api_resources_cases.py."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.codes import MEASURE_ORDER, CaseState
from cases.models import Accident, Case
from cases.selectors.assessments import evaluate
from cases.tests._resources_helpers import BAOFENG_DEPUTY, LEADER, OFFICER, _lead_body, dept, results, unchanged
from cases.tests._transitions_helpers import assert_error
from core.auth import digest
from core.models import ApiToken
from core.persistence import local_today
from org.codes import DepartmentKind
from org.models import Cadre, Department

pytestmark = pytest.mark.django_db


# --- auth -------------------------------------------------------------------------------------------


def test_token_with_good_password_authenticates(world, api, settings):
    response = api().post(
        "/api/v1/auth/token/", {"username": "discipline_officer", "password": settings.DEMO_PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    assert ApiToken.objects.get(user=world.users[OFFICER]).digest == digest(token)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/auth/me/")
    assert me.status_code == 200 and me.json()["username"] == OFFICER


def test_token_with_bad_password_is_refused(world, api):
    response = api().post("/api/v1/auth/token/", {"username": "discipline_officer", "password": "wrong"}, format="json")
    body = assert_error(response, 401, "authentication_failed")
    assert response["WWW-Authenticate"] == "Token"
    assert "token" not in body
    assert not Token.objects.filter(user=world.users[OFFICER]).exists()
    assert not ApiToken.objects.filter(user=world.users[OFFICER]).exists()
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
    assert body == evaluate(data, jurisdiction=world.departments["pingluo"])[0]
    assert body["rulebook"]["code"] == "pingluo-2021"


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
