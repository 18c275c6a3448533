"""Cadre records over the API (PRODUCT §4): GET /api/v1/cadres/{id}/record/ and its query counts, the
Art. 32 referral on a move (细则第三十二条), and the accident report chain (domain-facts §3.2–3.3).

As in test_records.py, tests that need a fixed calendar move the decision date back (``backdate``).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.codes import CaseState
from cases.models import CaseEvent, Referral, ReportingFinding
from cases.selectors.records import cadre_record, cadre_records
from cases.tests._records_helpers import (
    ACCIDENT,
    DEPUTY,
    EGREGIOUS,
    LEADER,
    OFFICER,
    OTHER_DEPUTY,
    REPORTING,
    D,
    _override_url,
    backdate,
    close,
    decided,
)
from cases.tests._transitions_helpers import assert_error
from cases.tests.scenarios import case_in_state
from core.persistence import local_today
from org.codes import Rank
from org.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(module_world):
    """conftest's ``world``, built once for this module (``module_world``)."""
    return module_world


# --- GET /api/v1/cadres/{id}/record/ -----------------------------------------------------------------


def test_record_api_answers_eligibility_with_cited_reasons_product_4(world, api):
    case = backdate(decided(world, [("sanction", "gov_demerit")]), D)
    cadre = world.cadres[DEPUTY]
    response = api("organization_officer").get(f"/api/v1/cadres/{cadre.pk}/record/?on=2026-03-09")
    assert response.status_code == 200, response.content
    body = response.json()
    assert {"eligible_for_promotion", "eligible_for_awards", "blocking", "cases", "measures"} <= set(body)
    assert body["eligible_for_promotion"] is False and body["eligible_for_awards"] is False
    [item] = body["blocking"]
    assert {"reason", "basis", "until"} <= set(item)
    assert item["until"] == "2026-03-10" and "第八条" in item["basis"] and item["reason"]
    assert [c["id"] for c in body["cases"]] == [case.pk]
    assert body["measures"][0]["sanction_kind"] == "gov_demerit" and body["measures"][0]["influence_until"] == "2026-03-10"

    free = api("organization_officer").get(f"/api/v1/cadres/{cadre.pk}/record/?on=2026-03-10").json()
    assert free["eligible_for_promotion"] is True and free["eligible_for_awards"] is True and free["blocking"] == []


def test_record_api_defaults_to_today(world, api):
    case_in_state(world, CaseState.INVESTIGATING, filed=True)
    cadre = world.cadres[DEPUTY]
    client = api("organization_officer")
    default = client.get(f"/api/v1/cadres/{cadre.pk}/record/")
    assert default.status_code == 200, default.content
    assert default.json()["on"] == local_today().isoformat()
    assert default.json() == client.get(f"/api/v1/cadres/{cadre.pk}/record/?on={local_today().isoformat()}").json()
    assert default.json()["eligible_for_promotion"] is False


def test_record_api_reasons_are_in_chinese(world, api):
    case = case_in_state(world, CaseState.INVESTIGATING, filed=True)
    body = api("organization_officer").get(f"/api/v1/cadres/{world.cadres[DEPUTY].pk}/record/").json()
    [item] = body["blocking"]
    assert re.search("[A-Za-z]", item["reason"].replace(case.number, "")) is None, item["reason"]


@pytest.mark.parametrize("value", ["2026-13-01", "tomorrow", "2026/03/01"])
def test_record_api_bad_date_is_400_naming_on(world, api, value):
    cadre = world.cadres[DEPUTY]
    response = api("organization_officer").get(f"/api/v1/cadres/{cadre.pk}/record/", {"on": value})
    assert_error(response, 400, "invalid", fields=("on",))


@pytest.mark.parametrize("cadre_id", ["999999", "abc"])
def test_record_api_unknown_cadre_is_404(world, api, cadre_id):
    assert_error(api("organization_officer").get(f"/api/v1/cadres/{cadre_id}/record/"), 404, "not_found")


# --- query counts -----------------------------------------------------------------------------------


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx.captured_queries)


def test_cadre_record_reads_a_constant_number_of_queries(world, api):
    """Measures, conclusions, vetoes and overrides of every case are read in bulk (PRODUCT §4)."""
    backdate(decided(world, [("admonishment", "")], key=OTHER_DEPUTY), D)
    cases = [
        backdate(decided(world, measures, finding=finding, deliver=True), D)
        for measures, finding in [
            ([("sanction", "party_warning")], REPORTING),
            ([("sanction", "party_serious_warning"), ("admonishment", "")], REPORTING),
            ([("notice", "")], ACCIDENT),
            ([("sanction", "gov_demerit")], ACCIDENT),
        ]
    ]
    case_in_state(world, CaseState.INVESTIGATING, filed=True)
    assert api(LEADER).post(_override_url(cases[3]), {"until": "2025-06-01", "reason": "理由"}, format="json").status_code == 201

    one, five = world.cadres[OTHER_DEPUTY], world.cadres[DEPUTY]
    cadre_record(world.cadres["pl-chengguan:township_deputy:0"], D)  # warm any per-process caches
    on = dt.date(2025, 12, 1)
    assert len(cadre_record(five, on)["cases"]) == 5 and len(cadre_record(one, on)["cases"]) == 1
    assert _queries(lambda: cadre_record(one, on)) == _queries(lambda: cadre_record(five, on))


def test_cadre_records_reads_a_constant_number_of_queries(world):
    cadres = list(world.cadres.values())[:20]
    keys = [key for key, cadre in world.cadres.items() if cadre in cadres]
    for key in keys[:2]:
        backdate(decided(world, [("sanction", "gov_warning")], key=key, finding=ACCIDENT), D)
    case_in_state(world, CaseState.INVESTIGATING, cadres=(keys[5],), filed=True)
    case_in_state(world, CaseState.INVESTIGATING, cadres=(keys[15], keys[16]), filed=True)
    case_in_state(world, CaseState.INVESTIGATING, cadres=(keys[7],))  # open, not filed: bars nothing

    cadre_records(cadres[:1], D)  # warm any per-process caches
    few = _queries(lambda: cadre_records(cadres[:3], D))
    many = _queries(lambda: cadre_records(cadres, D))
    assert few == many
    records = cadre_records(cadres, D)
    assert len(records) == 20 and [r["cadre"]["id"] for r in records] == [c.pk for c in cadres]
    assert [r["cadre"]["id"] for r in records if not r["eligible_for_promotion"]] == [c.pk for c in cadres[:2]]
    today = cadre_records(cadres, local_today())  # the decided periods are over; the investigations run
    assert [r["cadre"]["id"] for r in today if not r["eligible_for_promotion"]] == [cadres[i].pk for i in (5, 15, 16)]


# --- Art. 32 in motion: moves refer open and egregious cases -------------------------------------------


def _promote_to_city(api, world, key=DEPUTY, *, kind="promotion", effective="2026-06-01", title="副局长"):
    body = {
        "kind": kind,
        "organization": world.departments["szs-emergency"].pk,
        "role": "regulator_deputy",
        "title": title,
        "effective_date": effective,
    }
    response = api("organization_officer").post(f"/api/v1/cadres/{world.cadres[key].pk}/moves/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def _city_organization_client(world) -> APIClient:
    user = get_user_model().objects.create_user("szs_org_officer", password="x")
    Membership.objects.create(user=user, department=world.departments["szs-organization"], rank=Rank.OFFICER)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_art32_promotion_refers_an_open_case_to_the_authority_now_managing_the_cadre(world, api):
    case = case_in_state(world, CaseState.ASSESSING)
    moved = _promote_to_city(api, world)
    assert moved["status"] == "promoted"
    assert moved["current_post"]["organization"]["id"] == world.departments["szs-emergency"].pk

    [referral] = Referral.objects.filter(case=case, kind=Referral.Kind.LIFELONG)
    assert referral.from_department == world.departments["pl-discipline"]
    assert referral.to_department == world.departments["szs-organization"]
    assert referral.state == Referral.State.SENT and referral.acknowledge_by is not None
    kinds = [m["kind"] for m in referral.materials]
    assert kinds[0] == "case_file" and "findings" in kinds and "events" in kinds
    assert referral.materials[0]["ref"] == case.number
    assert world.cadres[DEPUTY].name in referral.reason

    [event] = CaseEvent.objects.filter(case=case, kind="lifelong_referral")
    assert event.payload["referral"] == referral.pk and event.payload["to_department"] == referral.to_department_id
    assert event.payload["move"] == "promotion" and event.payload["egregious"] is False

    case.refresh_from_db()
    assert case.state == CaseState.ASSESSING and case.subjects.get().cadre_id == world.cadres[DEPUTY].pk

    # A second move under the same authority while the referral is open does not duplicate it.
    # The city now manages the post (干部管理权限): the county organization department may not
    # record the move (issue 15), the city organization department does.
    body = {
        "kind": "transfer",
        "organization": world.departments["szs-emergency"].pk,
        "role": "regulator_deputy",
        "title": "副局长（调整分工）",
        "effective_date": "2026-09-01",
    }
    url = f"/api/v1/cadres/{world.cadres[DEPUTY].pk}/moves/"
    assert api("organization_officer").post(url, body, format="json").status_code == 403
    response = _city_organization_client(world).post(url, body, format="json")
    assert response.status_code == 201, response.content
    assert Referral.objects.filter(case=case, kind=Referral.Kind.LIFELONG).count() == 1
    assert CaseEvent.objects.filter(case=case, kind="lifelong_referral").count() == 1


def test_art32_both_departments_see_the_case_and_the_receiver_acknowledges(world, api):
    case = case_in_state(world, CaseState.ASSESSING)
    _promote_to_city(api, world)
    referral = Referral.objects.get(case=case, kind=Referral.Kind.LIFELONG)

    sender = api(OFFICER).get(f"/api/v1/cases/{case.pk}/")
    assert sender.status_code == 200 and sender.json()["state"] == CaseState.ASSESSING and "subjects" in sender.json()

    receiver = _city_organization_client(world)
    seen = receiver.get(f"/api/v1/cases/{case.pk}/")
    assert seen.status_code == 200, seen.content
    assert seen.json()["number"] == case.number and [s["cadre"]["id"] for s in seen.json()["subjects"]] == [
        world.cadres[DEPUTY].pk
    ]
    listed = receiver.get("/api/v1/referrals/", {"case": case.pk}).json()["results"]
    assert [(r["id"], r["kind"], r["state"]) for r in listed] == [(referral.pk, "lifelong", "sent")]

    acknowledged = receiver.post(f"/api/v1/referrals/{referral.pk}/acknowledge/", {}, format="json")
    assert acknowledged.status_code == 200, acknowledged.content
    assert acknowledged.json()["state"] == "acknowledged"
    assert CaseEvent.objects.filter(case=case, kind="referral_acknowledge").count() == 1
    # The sender still sees the case, with the referral's new status.
    assert api(OFFICER).get(f"/api/v1/cases/{case.pk}/").status_code == 200
    assert api(OFFICER).get("/api/v1/referrals/", {"case": case.pk}).json()["results"][0]["state"] == "acknowledged"


def test_art32_closed_case_that_was_not_egregious_is_not_referred(world, api):
    case = close(world, decided(world, [("notice", "")], finding=ACCIDENT, deliver=True))
    assert case.state == CaseState.CLOSED
    assert case.subjects.get().assessments.latest("id").output["lifelong"]["applies"] is False
    _promote_to_city(api, world)
    assert not Referral.objects.filter(case=case).exists()
    assert not CaseEvent.objects.filter(case=case, kind="lifelong_referral").exists()


def test_art32_closed_egregious_case_is_referred_on_retirement(world, api):
    """Egregious accident responsibility is pursued whatever the cadre's status (Art. 32): a retiree's
    closed case goes to the authority that managed the last post."""
    case = close(world, decided(world, [("admonishment", "")], finding=EGREGIOUS, deliver=True))
    assert case.subjects.get().assessments.latest("id").output["lifelong"]["applies"] is True
    last_post = world.cadres[DEPUTY].posts.get()

    response = api("organization_officer").post(
        f"/api/v1/cadres/{world.cadres[DEPUTY].pk}/moves/", {"kind": "retirement", "effective_date": "2026-10-01"}, format="json"
    )
    assert response.status_code == 201, response.content

    [referral] = Referral.objects.filter(case=case, kind=Referral.Kind.LIFELONG)
    assert referral.to_department == last_post.managing_authority == world.departments["pl-organization"]
    assert referral.from_department == world.departments["pl-discipline"]
    kinds = {m["kind"] for m in referral.materials}
    assert {"case_file", "findings", "assessment", "measure", "events"} <= kinds
    [event] = CaseEvent.objects.filter(case=case, kind="lifelong_referral")
    assert event.payload["move"] == "retirement" and event.payload["egregious"] is True


# --- accidents: the report chain (条例第九、十一条) and reporting findings -----------------------------------


OCCURRED = dt.datetime(2026, 4, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _accident(api, **extra) -> dict:
    body = {
        "title": "某企业机械伤害事故",
        "occurred_at": OCCURRED.isoformat(),
        "deaths": 1,
        "serious_injuries": 0,
        "direct_loss_yuan": "100000.00",
        **extra,
    }
    response = api("emergency_officer").post("/api/v1/accidents/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def _when(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def test_accident_unit_report_after_61_minutes_is_late_条例第九条(world, api):
    unit = OCCURRED + dt.timedelta(minutes=61)
    body = _accident(api, unit_reported_at=unit.isoformat())
    timeliness = body["timeliness"]
    assert timeliness["late"] is True and "第九条" in timeliness["basis"]
    [step] = timeliness["steps"]
    assert step["level"] == 0 and step["late"] is True and step["minutes_late"] == 1
    assert _when(step["deadline"]) == OCCURRED + dt.timedelta(hours=1)


def test_accident_unit_report_at_60_minutes_is_on_time_条例第九条(world, api):
    body = _accident(api, unit_reported_at=(OCCURRED + dt.timedelta(hours=1)).isoformat())
    assert body["timeliness"]["late"] is False


def test_accident_level_report_two_hours_after_the_unit_is_on_time_条例第十一条(world, api):
    unit = OCCURRED + dt.timedelta(minutes=61)
    accident = _accident(api, unit_reported_at=unit.isoformat())
    body = {"level": 1, "reporter": "平罗县应急管理局", "reported_at": (unit + dt.timedelta(hours=2)).isoformat()}
    response = api("emergency_officer").post(f"/api/v1/accidents/{accident['id']}/reports/", body, format="json")
    assert response.status_code == 201, response.content
    steps = response.json()["timeliness"]["steps"]
    assert [(s["level"], s["late"]) for s in steps] == [(0, True), (1, False)]
    assert _when(steps[1]["deadline"]) == unit + dt.timedelta(hours=2)
    assert response.json()["reports"][0]["level"] == 1

    late = dict(body, level=2, reported_at=(unit + dt.timedelta(hours=4, minutes=5)).isoformat())
    steps = (
        api("emergency_officer")
        .post(f"/api/v1/accidents/{accident['id']}/reports/", late, format="json")
        .json()["timeliness"]["steps"]
    )
    assert (steps[2]["late"], steps[2]["minutes_late"]) == (True, 5)


def test_reporting_finding_concealed_瞒报_with_evidence_is_listed_应急管理部令第14号(world, api):
    accident = _accident(api)
    body = {"kind": "concealed", "evidence": "企业隐瞒事故2小时，经调查组查证属实"}
    response = api("emergency_officer").post(f"/api/v1/accidents/{accident['id']}/reporting-findings/", body, format="json")
    assert response.status_code == 201, response.content
    [finding] = response.json()["reporting_findings"]
    assert finding["kind"] == "concealed" and finding["evidence"] == body["evidence"]
    assert "瞒报" in finding["kind_display"]
    listed = api("emergency_officer").get(f"/api/v1/accidents/{accident['id']}/").json()["reporting_findings"]
    assert [f["kind"] for f in listed] == ["concealed"]


def test_reporting_finding_kind_label_is_chinese_瞒报(world, api):
    accident = _accident(api)
    body = {"kind": "concealed", "evidence": "经查证属实"}
    response = api("emergency_officer").post(f"/api/v1/accidents/{accident['id']}/reporting-findings/", body, format="json")
    assert response.json()["reporting_findings"][0]["kind_display"] == "瞒报"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "concealed"}, "evidence"),
        ({"kind": "concealed", "evidence": "  "}, "evidence"),
        ({"kind": "lost", "evidence": "x"}, "kind"),
    ],
    ids=["no-evidence", "blank-evidence", "unknown-kind"],
)
def test_reporting_finding_without_evidence_is_400_domain_facts_3_3(world, api, body, field):
    accident = _accident(api)
    response = api("emergency_officer").post(f"/api/v1/accidents/{accident['id']}/reporting-findings/", body, format="json")
    assert_error(response, 400, "invalid", fields=(field,))
    assert not ReportingFinding.objects.exists()


def test_reporting_finding_by_audit_is_403(world, api):
    accident = _accident(api)
    body = {"kind": "omitted", "evidence": "遗漏伤亡人数"}
    response = api("audit_officer").post(f"/api/v1/accidents/{accident['id']}/reporting-findings/", body, format="json")
    assert_error(response, 403, "not_permitted")
    assert not ReportingFinding.objects.exists()


def test_accident_grade_change_is_in_its_history_条例第三条(world, api):
    accident = _accident(api)
    assert accident["grade"] == "general"
    patched = api("emergency_officer").patch(f"/api/v1/accidents/{accident['id']}/", {"deaths": 3}, format="json")
    assert patched.status_code == 200, patched.content
    assert patched.json()["grade"] == "larger"
    history = api("emergency_officer").get(f"/api/v1/accidents/{accident['id']}/history/")
    assert history.status_code == 200, history.content
    changes = history.json()["changes"]
    assert [(c["grade"], c["deaths"]) for c in changes] == [("general", 1), ("larger", 3)]
    assert {c["user"] for c in changes} == {"emergency_officer"}
    assert "general → larger" in changes[1]["reason"]
