"""Authority (issue 15 item 9): a move of a cadre whose post a higher authority manages needs that
authority (干部管理权限); an accident's figures are changed only by the department that recorded it,
and a regrade behind an open case is an event on that case.

Personas: organization_officer / organization_leader (中共平罗县委组织部) record moves of the posts the
county manages; a member of 中共石嘴山市委组织部 (made here: the demo has no city organization user)
moves the county leaders it manages; emergency_officer recorded the demo accidents; discipline_officer
handles the cases.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from cases.codes import CaseEventKind, CaseState
from cases.models import Accident, CaseEvent
from cases.services.accidents import accident_update
from cases.services.cadres import cadre_move
from cases.services.leads import lead_create
from cases.tests.scenarios import advance, case_in_state, new_lead
from core.errors import NotPermitted, PreconditionFailed
from notifications.models import Notification
from notifications.services import dispatch_pending
from org.codes import Rank
from org.models import Cadre, Membership, Post

pytestmark = pytest.mark.django_db

SECRETARY = "pingluo:county_party_secretary:0"  # managed by 中共石嘴山市委组织部
DEPUTY = "pl-baofeng:township_deputy:0"  # managed by 中共平罗县委组织部
CITY_ORGANIZATION = "中共石嘴山市委组织部"


def _city_organization(world, rank=Rank.LEADER):
    user = get_user_model().objects.create_user(username=f"city_organization_{rank}", password="x")
    Membership.objects.create(user=user, department=world.departments["szs-organization"], rank=rank)
    return user


def _retirement() -> dict:
    return {"kind": "retirement", "effective_date": dt.date(2027, 1, 1)}


def _transfer(world) -> dict:
    return {
        "kind": "transfer",
        "organization": world.departments["pl-party-office"],
        "role": "department_head",
        "title": "主任",
        "effective_date": dt.date(2027, 1, 1),
    }


def _moves_state(cadre: Cadre) -> tuple:
    cadre.refresh_from_db()
    return (
        cadre.status,
        cadre.retired_on,
        list(Post.objects.filter(cadre=cadre).order_by("id").values_list("id", "end")),
        Post.history.count(),
        Cadre.history.count(),
        CaseEvent.objects.count(),
    )


# --- 干部管理权限: moves --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["organization_officer", "organization_leader"])
@pytest.mark.parametrize("kind", ["retirement", "transfer"])
def test_the_county_cannot_move_a_cadre_the_city_manages(world, persona, kind):
    cadre = world.cadres[SECRETARY]
    before = _moves_state(cadre)
    data = _retirement() if kind == "retirement" else _transfer(world)
    with pytest.raises(NotPermitted) as refused:
        cadre_move(cadre_id=cadre.pk, acting_user=world.users[persona], **data)
    assert refused.value.status == 403
    text = str(refused.value.detail)
    assert CITY_ORGANIZATION in text and "干部管理权限" in text and cadre.name in text
    assert _moves_state(cadre) == before


def test_the_city_organization_department_moves_the_county_leader_it_manages(world):
    cadre = world.cadres[SECRETARY]
    moved = cadre_move(cadre_id=cadre.pk, acting_user=_city_organization(world, Rank.OFFICER), **_retirement())
    assert moved.status == "retired" and moved.retired_on == dt.date(2027, 1, 1)
    assert not cadre.posts.filter(end__isnull=True).exists()


def test_the_county_still_moves_the_cadres_it_manages(world):
    cadre = world.cadres[DEPUTY]
    cadre_move(cadre_id=cadre.pk, acting_user=world.users["organization_officer"], **_retirement())
    cadre.refresh_from_db()
    assert cadre.status == "retired"


def test_article_52_still_holds_for_the_managing_authority(world):
    """The authority check comes first; the under-investigation refusal and confirmation are unchanged."""
    case = case_in_state(world, CaseState.INVESTIGATING, filed=True, cadres=(SECRETARY,))
    cadre = world.cadres[SECRETARY]
    before = _moves_state(cadre)
    city = _city_organization(world)
    with pytest.raises(PreconditionFailed) as refused:
        cadre_move(cadre_id=cadre.pk, acting_user=city, **_retirement())
    assert refused.value.code == "under_investigation" and refused.value.extra["cases"] == [case.number]
    assert _moves_state(cadre) == before
    # the county leader's confirmation does not lift the missing authority
    with pytest.raises(NotPermitted):
        cadre_move(
            cadre_id=cadre.pk,
            acting_user=world.users["organization_leader"],
            confirm_under_investigation=True,
            reason="县委决定",
            **_retirement(),
        )
    assert _moves_state(cadre) == before
    cadre_move(cadre_id=cadre.pk, acting_user=city, confirm_under_investigation=True, reason="市委研究决定", **_retirement())
    [event] = CaseEvent.objects.filter(case=case, kind=CaseEventKind.SUBJECT_MOVED_UNDER_INVESTIGATION)
    assert event.actor == city and event.reason == "市委研究决定"


def test_api_a_county_move_of_a_city_managed_cadre_is_403_naming_the_authority(world, api):
    cadre = world.cadres[SECRETARY]
    before = _moves_state(cadre)
    response = api("organization_leader").post(
        f"/api/v1/cadres/{cadre.pk}/moves/", {"kind": "retirement", "effective_date": "2027-01-01"}, format="json"
    )
    assert response.status_code == 403, response.content
    body = response.json()
    assert body["error"] == "not_permitted" and CITY_ORGANIZATION in body["detail"] and "干部管理权限" in body["detail"]
    assert _moves_state(cadre) == before


def test_api_the_city_organization_department_records_the_move(world):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    city = _city_organization(world, Rank.OFFICER)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=city).key}")
    cadre = world.cadres[SECRETARY]
    response = client.post(
        f"/api/v1/cadres/{cadre.pk}/moves/", {"kind": "retirement", "effective_date": "2027-01-01"}, format="json"
    )
    assert response.status_code == 201, response.content
    cadre.refresh_from_db()
    assert cadre.status == "retired"


# --- accident figures ----------------------------------------------------------------------------


def _accident_state(accident: Accident) -> tuple:
    accident.refresh_from_db()
    return (accident.deaths, accident.serious_injuries, accident.direct_loss_yuan, accident.grade, Accident.history.count())


@pytest.mark.parametrize(
    "change", [{"deaths": 3}, {"serious_injuries": 12}, {"direct_loss_yuan": "20000000"}], ids=["deaths", "injuries", "loss"]
)
def test_the_discipline_organ_cannot_change_an_accidents_figures(world, api, change):
    accident = world.accidents["baofeng"]
    before = _accident_state(accident)
    events = CaseEvent.objects.count()
    response = api("discipline_officer").patch(f"/api/v1/accidents/{accident.pk}/", change, format="json")
    assert response.status_code == 403, response.content
    assert response.json()["error"] == "not_permitted" and "平罗县应急管理局" in response.json()["detail"]
    assert _accident_state(accident) == before and CaseEvent.objects.count() == events


def test_the_discipline_organ_still_edits_what_does_not_grade(world, api):
    accident = world.accidents["baofeng"]
    response = api("discipline_officer").patch(
        f"/api/v1/accidents/{accident.pk}/", {"description": "补充说明", "deaths": accident.deaths}, format="json"
    )
    assert response.status_code == 200, response.content
    accident.refresh_from_db()
    assert accident.description == "补充说明"


def test_service_another_department_of_the_county_is_refused(world):
    accident = world.accidents["baofeng"]
    before = _accident_state(accident)
    with pytest.raises(NotPermitted):
        accident_update(accident_id=accident.pk, data={"deaths": 3}, acting_user=world.users["discipline_leader"])
    assert _accident_state(accident) == before


def test_a_regrade_behind_an_open_case_is_an_event_on_it_and_the_organ_is_told(world, api):
    accident = world.accidents["baofeng"]
    assert accident.grade == "general"
    open_case = lead_create(
        acting_user=world.users["emergency_officer"],
        title="宝丰镇事故线索",
        facts="事实",
        source_kind="accident_investigation",
        subjects=[world.cadres[DEPUTY]],
        accident=accident,
    )
    closed_case = advance(
        world,
        lead_create(
            acting_user=world.users["emergency_officer"],
            title="宝丰镇事故线索（已办结）",
            facts="事实",
            source_kind="accident_investigation",
            subjects=[world.cadres["pl-baofeng:township_deputy:1"]],
            accident=accident,
        ),
        CaseState.DISMISSED,
    )
    dispatch_pending()
    closed_events = list(closed_case.events.values_list("pk", flat=True))
    response = api("emergency_officer").patch(f"/api/v1/accidents/{accident.pk}/", {"deaths": 3}, format="json")
    assert response.status_code == 200 and response.json()["grade"] == "larger"
    [event] = CaseEvent.objects.filter(case=open_case, kind=CaseEventKind.ACCIDENT_REGRADED)
    assert event.payload["old_grade"] == "general" and event.payload["new_grade"] == "larger"
    assert event.payload["accident"] == accident.pk and event.payload["deaths"] == 3
    assert event.actor == world.users["emergency_officer"] and event.from_state == event.to_state == open_case.state
    assert list(closed_case.events.values_list("pk", flat=True)) == closed_events  # a closed case is left alone
    dispatch_pending()
    told = Notification.objects.filter(case=open_case, kind="accident_regraded")
    assert told.filter(recipient=world.users["discipline_officer"]).exists()
    # a change that keeps the grade writes no event
    again = api("emergency_officer").patch(f"/api/v1/accidents/{accident.pk}/", {"deaths": 4}, format="json")
    assert again.status_code == 200
    assert CaseEvent.objects.filter(case=open_case, kind=CaseEventKind.ACCIDENT_REGRADED).count() == 1


def test_new_lead_helper_cases_without_an_accident_are_untouched(world, api):
    case = new_lead(world)
    events = case.events.count()
    accident = world.accidents["baofeng"]
    assert api("emergency_officer").patch(f"/api/v1/accidents/{accident.pk}/", {"deaths": 3}, format="json").status_code == 200
    assert case.events.count() == events


# --- the API shows a department what its pages show ---------------------------------------------


@pytest.mark.parametrize("persona", ["audit_officer", "inspection_officer"])
def test_a_department_without_the_pages_gets_no_cadre_or_accident_from_the_api(world, api, persona):
    client = api(persona)
    assert client.get("/api/v1/cadres/?page_size=200").json()["results"] == []
    assert client.get("/api/v1/accidents/?page_size=200").json()["results"] == []
    cadre, accident = world.cadres[DEPUTY], world.accidents["baofeng"]
    assert client.get(f"/api/v1/cadres/{cadre.pk}/").status_code == 403
    assert client.get(f"/api/v1/accidents/{accident.pk}/").status_code == 403
    history = Accident.history.count()
    assert client.patch(f"/api/v1/accidents/{accident.pk}/", {"title": "改"}, format="json").status_code == 403
    assert Accident.history.count() == history
