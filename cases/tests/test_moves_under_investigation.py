"""Moves of a cadre 被立案调查 (《公职人员政务处分法》第五十二条：被立案调查期间，所在机关、单位及上级机关、
单位不得对其交流、晋升……或者办理退休手续). A move of a filed cadre is refused unless a leader of the
organization department confirms it with a reason; the confirmed move is recorded with a case
event naming who confirmed it and why, and the Art. 32 referral follows as for any move.

Personas: organization_officer records moves (may not confirm); organization_leader may confirm;
discipline_leader files the subject (立案) and is told of a confirmed move.
"""

from __future__ import annotations

import datetime as dt

import pytest

from cases.codes import CaseEventKind, CaseState
from cases.models import CaseEvent, Referral
from cases.services.cadres import CONFIRM_LEADER_ONLY, cadre_move
from cases.tests._transitions_helpers import assert_error
from cases.tests.scenarios import case_in_state
from core.errors import InvalidInput, NotPermitted, PreconditionFailed
from org.models import Cadre, Post

pytestmark = pytest.mark.django_db

DEPUTY = "pl-baofeng:township_deputy:0"
REASON = "市委已研究决定交流任职，纪委监委知悉。"


@pytest.fixture(scope="module")
def world(module_world):
    """conftest's ``world``, built once for this module (``module_world``)."""
    return module_world


def _promotion(world) -> dict:
    return {
        "kind": "promotion",
        "organization": world.departments["szs-emergency"],
        "role": "regulator_deputy",
        "title": "副局长",
        "effective_date": dt.date(2027, 1, 1),
    }


def _state(cadre: Cadre) -> tuple:
    """What a move changes: the cadre row, its posts, and every case event and referral."""
    cadre.refresh_from_db()
    return (
        cadre.status,
        cadre.retired_on,
        list(Post.objects.filter(cadre=cadre).order_by("id").values_list("id", "end")),
        Post.history.count(),
        CaseEvent.objects.count(),
        Referral.objects.count(),
    )


# --- the service ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["promotion", "transfer", "retirement"])
def test_a_move_of_a_filed_cadre_is_refused_without_confirmation_naming_the_case_and_article_52(world, kind):
    case = case_in_state(world, CaseState.INVESTIGATING, filed=True)
    cadre = world.cadres[DEPUTY]
    before = _state(cadre)
    data = _promotion(world) if kind != "retirement" else {"kind": kind, "effective_date": _promotion(world)["effective_date"]}
    data["kind"] = kind
    with pytest.raises(PreconditionFailed) as refused:
        cadre_move(cadre_id=cadre.pk, acting_user=world.users["organization_leader"], **data)
    assert refused.value.code == "under_investigation" and refused.value.status == 409
    assert case.number in str(refused.value.detail) and "第五十二条" in str(refused.value.detail)
    assert refused.value.extra["cases"] == [case.number] and "第五十二条" in refused.value.extra["basis"]
    assert _state(cadre) == before


def test_an_open_case_without_a_filing_does_not_hold_the_move(world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    cadre_move(cadre_id=world.cadres[DEPUTY].pk, acting_user=world.users["organization_officer"], **_promotion(world))
    assert world.cadres[DEPUTY].posts.filter(end__isnull=True).get().title == "副局长"
    assert not CaseEvent.objects.filter(case=case, kind=CaseEventKind.SUBJECT_MOVED_UNDER_INVESTIGATION).exists()
    assert Referral.objects.filter(case=case, kind=Referral.Kind.LIFELONG).count() == 1  # Art. 32 as before


def test_a_leader_confirms_the_move_which_is_recorded_with_a_case_event(world):
    case = case_in_state(world, CaseState.INVESTIGATING, filed=True)
    cadre = world.cadres[DEPUTY]
    moved = cadre_move(
        cadre_id=cadre.pk,
        acting_user=world.users["organization_leader"],
        confirm_under_investigation=True,
        reason=REASON,
        **_promotion(world),
    )
    assert moved.status == "promoted" and cadre.posts.filter(end__isnull=True).get().title == "副局长"
    [event] = CaseEvent.objects.filter(case=case, kind=CaseEventKind.SUBJECT_MOVED_UNDER_INVESTIGATION)
    assert event.actor == world.users["organization_leader"] and event.reason == REASON
    assert event.payload["move"] == "promotion" and event.payload["effective_date"] == "2027-01-01"
    assert event.payload["confirmed_by"] == "organization_leader" and event.payload["cadre"] == cadre.pk
    assert event.payload["filed_on"] is not None and "第五十二条" in event.payload["basis"]
    # Art. 32 unchanged: the open case still goes to the authority now managing the cadre.
    [referral] = Referral.objects.filter(case=case, kind=Referral.Kind.LIFELONG)
    assert referral.to_department == world.departments["szs-organization"]
    case.refresh_from_db()
    assert case.state == CaseState.INVESTIGATING


def test_an_officer_cannot_confirm(world):
    case_in_state(world, CaseState.INVESTIGATING, filed=True)
    cadre = world.cadres[DEPUTY]
    before = _state(cadre)
    with pytest.raises(NotPermitted) as refused:
        cadre_move(
            cadre_id=cadre.pk,
            acting_user=world.users["organization_officer"],
            confirm_under_investigation=True,
            reason=REASON,
            **_promotion(world),
        )
    assert str(refused.value.detail) == str(CONFIRM_LEADER_ONLY)
    assert _state(cadre) == before


def test_a_confirmation_needs_a_reason(world):
    case_in_state(world, CaseState.INVESTIGATING, filed=True)
    cadre = world.cadres[DEPUTY]
    before = _state(cadre)
    with pytest.raises(InvalidInput) as refused:
        cadre_move(
            cadre_id=cadre.pk,
            acting_user=world.users["organization_leader"],
            confirm_under_investigation=True,
            reason="  ",
            **_promotion(world),
        )
    assert set(refused.value.detail) == {"reason"}
    assert _state(cadre) == before


def test_the_bar_ends_with_the_decision(world):
    """Once decided the subject is no longer 被立案调查: a move is recorded without confirmation."""
    case = case_in_state(world, CaseState.DECIDED, filed=True)
    cadre_move(cadre_id=world.cadres[DEPUTY].pk, acting_user=world.users["organization_officer"], **_promotion(world))
    assert not CaseEvent.objects.filter(case=case, kind=CaseEventKind.SUBJECT_MOVED_UNDER_INVESTIGATION).exists()


# --- over HTTP -----------------------------------------------------------------------------------


def _body(world, **extra) -> dict:
    return {
        "kind": "promotion",
        "organization": world.departments["szs-emergency"].pk,
        "role": "regulator_deputy",
        "title": "副局长",
        "effective_date": "2027-01-01",
        **extra,
    }


def _url(world) -> str:
    return f"/api/v1/cadres/{world.cadres[DEPUTY].pk}/moves/"


def test_api_move_without_confirmation_is_409_naming_the_case_and_writes_nothing(world, api):
    case = case_in_state(world, CaseState.ASSESSING, filed=True)
    before = _state(world.cadres[DEPUTY])
    body = assert_error(api("organization_officer").post(_url(world), _body(world), format="json"), 409, "under_investigation")
    assert case.number in body["detail"] and "第五十二条" in body["detail"]
    assert body["cases"] == [case.number] and "第五十二条" in body["basis"]
    assert _state(world.cadres[DEPUTY]) == before


def test_api_officer_confirming_is_403_and_writes_nothing(world, api):
    case_in_state(world, CaseState.INVESTIGATING, filed=True)
    before = _state(world.cadres[DEPUTY])
    response = api("organization_officer").post(
        _url(world), _body(world, confirm_under_investigation=True, reason=REASON), format="json"
    )
    assert_error(response, 403, "not_permitted")
    assert _state(world.cadres[DEPUTY]) == before


def test_api_confirmation_without_reason_is_400_and_writes_nothing(world, api):
    case_in_state(world, CaseState.INVESTIGATING, filed=True)
    before = _state(world.cadres[DEPUTY])
    response = api("organization_leader").post(_url(world), _body(world, confirm_under_investigation=True), format="json")
    assert_error(response, 400, "invalid", fields=("reason",))
    assert _state(world.cadres[DEPUTY]) == before


def test_api_confirmed_move_is_201_with_the_case_event(world, api):
    case = case_in_state(world, CaseState.INVESTIGATING, filed=True)
    response = api("organization_leader").post(
        _url(world), _body(world, confirm_under_investigation=True, reason=REASON), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "promoted"
    history = api("discipline_officer").get(f"/api/v1/cases/{case.pk}/history/").json()["events"]
    [event] = [e for e in history if e["kind"] == "subject_moved_under_investigation"]
    assert event["actor"] == "organization_leader" and event["reason"] == REASON
