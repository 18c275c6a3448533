"""Appeals by route over HTTP (issue 14 item 5): `route`, `stage`, `measures`, `previous` and
`deciding_department` on POST /api/v1/appeals/, `delivered_on` on uphold/revise, the deadline
named in the 400, nothing written on refusal, and each decided measure's routes in the case
detail (additive fields; the old ones stay)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Appeal, Case
from cases.tests._appeal_helpers import DELIVERED, DISMISSAL, GOV_WARNING, PARTY_WARNING, TOUZHA_HEAD, executing, leader_of
from cases.tests._resources_helpers import LEADER, OFFICER, unchanged
from cases.tests._transitions_helpers import assert_error
from core.persistence import add_months, local_today

pytestmark = pytest.mark.django_db
D = dt.timedelta


def _body(case: Case, filed_on: dt.date, **extra) -> dict:
    return {"case": case.pk, "subject": case.subjects.get().pk, "filed_on": filed_on.isoformat(), "grounds": "处分偏重", **extra}


def test_filing_on_a_route_and_stage(world, api):
    case = executing(world, GOV_WARNING)
    last = add_months(DELIVERED, 1)
    response = api(OFFICER).post("/api/v1/appeals/", _body(case, last, route="government_sanction"), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    # The old fields stay; the new ones are added.
    assert {
        "id",
        "case",
        "subject",
        "filed_on",
        "grounds",
        "state",
        "deciding_department",
        "decision_reason",
        "decided_at",
    } <= set(body)
    assert body["route"] == "government_sanction" and body["stage"] == "review" and body["previous"] is None
    assert body["window_ends_on"] == last.isoformat() and body["decision_delivered_on"] is None
    assert body["deciding_department"]["id"] == world.departments["pl-discipline"].pk
    assert body["measures"] == [case.subjects.get().measures.get(state="decided").pk]
    listed = api(OFFICER).get(f"/api/v1/appeals/?case={case.pk}").json()["results"]
    assert [(a["id"], a["route"], a["stage"]) for a in listed] == [(body["id"], "government_sanction", "review")]


def test_outside_the_window_is_a_400_naming_the_deadline_and_writes_nothing(world, api):
    case = executing(world, DISMISSAL)
    last = DELIVERED + D(days=30)
    body = _body(case, last + D(days=1), route="civil_service")
    english = unchanged(
        lambda: api(OFFICER).post("/api/v1/appeals/", body, format="json", HTTP_ACCEPT_LANGUAGE="en"), case_id=case.pk
    )
    message = assert_error(english, 400, "invalid", fields=("filed_on",))["detail"]["filed_on"][0]
    assert "window" in message and last.isoformat() in message and DELIVERED.isoformat() in message
    chinese = unchanged(lambda: api(OFFICER).post("/api/v1/appeals/", body, format="json"), case_id=case.pk)
    assert last.isoformat() in assert_error(chinese, 400, "invalid", fields=("filed_on",))["detail"]["filed_on"][0]
    assert not Appeal.objects.filter(case=case).exists()


def test_a_route_the_measures_do_not_open_is_refused(world, api):
    case = executing(world, PARTY_WARNING, delivered=None)
    for route, field in (("government_sanction", "route"), ("civil_service", "route"), ("nonsense", "route")):
        response = unchanged(
            lambda r=route: api(OFFICER).post("/api/v1/appeals/", _body(case, local_today(), route=r), format="json"),
            case_id=case.pk,
        )
        assert_error(response, 400, "invalid", fields=(field,))
    response = unchanged(
        lambda: api(OFFICER).post("/api/v1/appeals/", _body(case, local_today(), stage="recheck"), format="json"),
        case_id=case.pk,
    )
    assert_error(response, 400, "invalid", fields=("stage",))
    # Not the owner: 403; nothing written either.
    outsider = unchanged(
        lambda: api("organization_officer").post("/api/v1/appeals/", _body(case, local_today()), format="json"),
        case_id=case.pk,
    )
    assert outsider.status_code in (403, 404)


def test_second_stage_over_http(world, api):
    case = executing(world, GOV_WARNING)
    first = api(OFFICER).post("/api/v1/appeals/", _body(case, DELIVERED + D(days=1), route="government_sanction"), format="json")
    assert first.status_code == 201, first.content
    received = DELIVERED + D(days=15)
    bad = unchanged(
        lambda: api(LEADER).post(
            f"/api/v1/appeals/{first.json()['id']}/uphold/", {"reason": "维持", "delivered_on": "2020-01-01"}, format="json"
        ),
        case_id=case.pk,
    )
    assert_error(bad, 400, "invalid", fields=("delivered_on",))
    upheld = api(LEADER).post(
        f"/api/v1/appeals/{first.json()['id']}/uphold/", {"reason": "维持", "delivered_on": received.isoformat()}, format="json"
    )
    assert upheld.status_code == 200, upheld.content
    assert upheld.json()["decision_delivered_on"] == received.isoformat()
    late = add_months(received, 1) + D(days=1)
    body = _body(case, late, route="government_sanction", stage="recheck")
    refused = unchanged(lambda: api(OFFICER).post("/api/v1/appeals/", body, format="json"), case_id=case.pk)
    assert (
        add_months(received, 1).isoformat()
        in assert_error(refused, 400, "invalid", fields=("filed_on",))["detail"]["filed_on"][0]
    )
    second = api(OFFICER).post(
        "/api/v1/appeals/",
        {**body, "filed_on": add_months(received, 1).isoformat(), "previous": first.json()["id"]},
        format="json",
    )
    assert second.status_code == 201, second.content
    assert second.json()["previous"] == first.json()["id"] and second.json()["stage"] == "recheck"
    assert second.json()["deciding_department"]["id"] == world.departments["szs-discipline"].pk
    # The city organ's leader sees and decides it.
    city = leader_of(world, "szs-discipline", "city_discipline_leader")
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=city).key}")
    decided = client.post(f"/api/v1/appeals/{second.json()['id']}/uphold/", {"reason": "复核维持"}, format="json")
    assert decided.status_code == 200, decided.content
    assert decided.json()["state"] == "upheld"


def test_the_case_detail_lists_each_decided_measures_routes(world, api):
    case = executing(world, DISMISSAL, GOV_WARNING)
    detail = api(OFFICER).get(f"/api/v1/cases/{case.pk}/").json()
    (subject,) = detail["subjects"]
    assert {"id", "cadre", "measures"} <= set(subject)  # the old fields stay
    by_code = {(r["code"], r["sanction_kind"]): r for r in subject["appeal_routes"]}
    dismissal = by_code[("dismissal", "")]
    assert dismissal["decided_by"]["id"] == world.departments["pl-organization"].pk
    assert [r["route"] for r in dismissal["routes"]] == ["accountability", "civil_service"]
    civil = dismissal["routes"][1]
    assert civil["route_display"] and civil["basis"].startswith("《公务员法》")
    recheck, appeal = civil["stages"]
    assert (recheck["stage"], recheck["order"], recheck["starts"]) == ("recheck", 1, "delivery")
    assert recheck["body"]["id"] == world.departments["pl-organization"].pk
    assert recheck["window"] == {
        "code": "civil_service_recheck_window",
        "amount": 30,
        "unit": "days",
        "citation": recheck["window"]["citation"],
        "verified": True,
        "starts_on": DELIVERED.isoformat(),
        "ends_on": (DELIVERED + D(days=30)).isoformat(),
        "approximate": False,
    }
    assert "第九十五条" in recheck["window"]["citation"] and recheck["decision"]["amount"] == 30
    assert (appeal["stage"], appeal["after"], appeal["window"]["ends_on"]) == ("appeal", "recheck", None)
    assert [b["id"] for b in [appeal["body"], *appeal["alternatives"]]] == [
        world.departments["szs-organization"].pk,
        world.departments["pl-organization"].pk,
    ]
    assert appeal["direct_window"]["ends_on"] == (DELIVERED + D(days=30)).isoformat()
    gov = by_code[("sanction", "gov_warning")]["routes"]
    assert [(s["stage"], s["body"]["id"]) for s in gov[0]["stages"]] == [
        ("review", world.departments["pl-discipline"].pk),
        ("recheck", world.departments["szs-discipline"].pk),
    ]
    # Before the decision there is nothing to appeal.
    early = executing(world, DISMISSAL, delivered=None)
    from cases.tests.scenarios import case_in_state

    proposing = case_in_state(world, "proposing")
    assert api(OFFICER).get(f"/api/v1/cases/{proposing.pk}/").json()["subjects"][0]["appeal_routes"] == []
    assert api(OFFICER).get(f"/api/v1/cases/{early.pk}/").json()["subjects"][0]["appeal_routes"]


def test_the_case_detail_costs_the_same_queries_with_more_subjects(world, api):
    one = executing(world, DISMISSAL, GOV_WARNING)
    three = executing(
        world, DISMISSAL, GOV_WARNING, cadres=("pl-baofeng:township_deputy:1", TOUZHA_HEAD, "pl-yaofu:township_head:0")
    )
    client = api(OFFICER)

    def cost(case: Case) -> int:
        client.get(f"/api/v1/cases/{case.pk}/")  # warm per-process caches
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/api/v1/cases/{case.pk}/")
        assert response.status_code == 200
        return len(ctx.captured_queries)

    assert cost(one) == cost(three) <= 20  # 14 today: the routes add five, once per case
