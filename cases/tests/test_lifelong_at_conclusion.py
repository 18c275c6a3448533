"""Lifelong referrals at the conclusion (issue 14 item 3; 细则第三十二条; docs/referrals.md).

The typical lifelong case: the leader moved years before the accident, before any case existed,
so no move can refer it. At ``conclude``, every subject whose conclusion says
``lifelong.action == "transfer_materials"`` is referred to the authority that manages the cadre
now (from the post history), once: not again when a lifelong referral of that subject to that
authority exists.
"""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.codes import CaseState, SourceKind
from cases.models import Case, CaseEvent, Referral
from cases.services.cadres import cadre_move
from cases.services.findings import finding_put
from cases.services.leads import lead_create
from cases.services.lifecycle import case_transition
from cases.tests._transitions_helpers import snapshot, transition_url
from cases.tests.scenarios import TEAM, case_in_state
from core.errors import NotPermitted
from org.codes import Rank
from org.models import Membership

pytestmark = pytest.mark.django_db

OFFICER = "discipline_officer"
DEPUTY = "pl-baofeng:township_deputy:0"
OTHER = "pl-touzha:township_head:0"
# Egregious leadership responsibility for an accident (Art. 32), the conduct before the move.
EGREGIOUS_2022 = {
    "circumstances": ["26.5"],
    "egregious": True,
    "conduct_date": "2022-06-01",
    "performance": "2022年批准该项目复工，未督促整改重大隐患。",
}


def fire(world, case, name, persona=OFFICER, **payload) -> Case:
    return case_transition(case_id=case.pk, name=name, payload=payload, acting_user=world.users[persona])


def promote_to_city(world, key=DEPUTY, *, on=dt.date(2023, 3, 1), persona="organization_officer"):
    """Record a promotion to a post the city manages (市委组织部, 干部管理权限)."""
    return cadre_move(
        cadre_id=world.cadres[key].pk,
        kind="promotion",
        effective_date=on,
        organization=world.departments["szs-emergency"],
        role="regulator_deputy",
        title="石嘴山市应急管理局副局长",
        acting_user=world.users[persona],
    )


def lead_about(world, *keys) -> Case:
    return lead_create(
        acting_user=world.users["emergency_officer"],
        title="某企业“6·1”事故领导责任",
        facts="事故调查报告认定：原分管副镇长2022年批准该企业复工，未督促整改重大隐患。",
        source_kind=SourceKind.ACCIDENT_INVESTIGATION,
        subjects=[world.cadres[k] for k in keys],
        circumstances=["26.5"],
    )


def assessed(world, case, finding=EGREGIOUS_2022) -> Case:
    if case.state == CaseState.RECEIVED:
        fire(world, case, "accept", **TEAM)
    for subject in case.subjects.all():
        finding_put(case_id=case.pk, subject_id=subject.pk, data=dict(finding), acting_user=world.users[OFFICER])
    fire(world, case, "submit_findings")
    return Case.objects.get(pk=case.pk)


def lifelong(case) -> list[Referral]:
    return list(Referral.objects.filter(case=case, kind=Referral.Kind.LIFELONG).order_by("id"))


# --- services -------------------------------------------------------------------------------------


def test_leader_promoted_years_before_the_case_gets_a_lifelong_referral_at_conclusion(world):
    """The real pattern: promoted in 2023, accident and case in 2026, conduct in 2022."""
    promote_to_city(world)
    case = assessed(world, lead_about(world, DEPUTY))
    assert lifelong(case) == []  # the move came before the case: nothing referred it
    subject = case.subjects.get()

    case = fire(world, case, "conclude")

    assert case.state == CaseState.PROPOSING
    output = subject.assessments.latest("id").output
    assert output["lifelong"] == {"applies": True, "action": "transfer_materials"}
    [referral] = lifelong(case)
    assert referral.subject == subject and referral.state == Referral.State.SENT
    assert referral.from_department == world.departments["pl-discipline"]
    assert referral.to_department == world.departments["szs-organization"]  # manages the city post now
    assert referral.acknowledge_by is not None and world.cadres[DEPUTY].name in referral.reason
    materials = {m["kind"] for m in referral.materials}
    assert {"case_file", "subject", "facts", "findings", "assessment", "events"} <= materials
    [event] = CaseEvent.objects.filter(case=case, kind="lifelong_referral")
    assert event.payload["referral"] == referral.pk and event.payload["subject"] == subject.pk
    assert event.payload["at_conclusion"] is True and event.payload["egregious"] is True
    assert [e for e in case.events.order_by("seq").values_list("kind", flat=True)][-2:] == ["conclude", "lifelong_referral"]


def test_no_duplicate_when_a_move_during_the_case_already_referred_it(world):
    case = assessed(world, case_in_state(world, CaseState.INVESTIGATING), {**EGREGIOUS_2022, "conduct_date": "2026-03-15"})
    promote_to_city(world, on=dt.date(2026, 6, 1))  # recorded while the case is open: referred by the move
    [by_move] = lifelong(case)
    assert by_move.subject == case.subjects.get()

    fire(world, case, "conclude")

    assert lifelong(case) == [by_move]
    assert CaseEvent.objects.filter(case=case, kind="lifelong_referral").count() == 1


def test_no_duplicate_when_the_existing_referral_was_already_handled(world):
    case = assessed(world, case_in_state(world, CaseState.INVESTIGATING), {**EGREGIOUS_2022, "conduct_date": "2026-03-15"})
    promote_to_city(world, on=dt.date(2026, 6, 1))
    [by_move] = lifelong(case)
    Referral.objects.filter(pk=by_move.pk).update(state=Referral.State.ACCEPTED)

    fire(world, case, "conclude")

    assert lifelong(case) == [by_move]


def test_a_referral_made_before_issue_14_without_a_subject_counts_as_existing(world):
    case = assessed(world, case_in_state(world, CaseState.INVESTIGATING), {**EGREGIOUS_2022, "conduct_date": "2026-03-15"})
    promote_to_city(world, on=dt.date(2026, 6, 1))
    Referral.objects.filter(case=case).update(subject=None)

    fire(world, case, "conclude")

    assert len(lifelong(case)) == 1


def test_each_moved_subject_is_referred_once_and_the_one_in_office_not_at_all(world):
    promote_to_city(world)
    case = assessed(world, lead_about(world, DEPUTY, OTHER))
    moved, stayed = (case.subjects.get(cadre=world.cadres[k]) for k in (DEPUTY, OTHER))

    fire(world, case, "conclude")

    assert [(r.subject_id, r.to_department_id) for r in lifelong(case)] == [(moved.pk, world.departments["szs-organization"].pk)]
    assert stayed.assessments.latest("id").output["lifelong"]["action"] == "none"


@pytest.mark.parametrize(
    "finding",
    [
        pytest.param({**EGREGIOUS_2022, "egregious": False}, id="not-egregious"),
        pytest.param(
            {"circumstances": ["26.4"], "egregious": True, "conduct_date": "2022-06-01"}, id="no-accident-responsibility"
        ),
    ],
)
def test_a_moved_cadre_without_lifelong_accountability_is_not_referred(world, finding):
    promote_to_city(world)
    case = assessed(world, lead_about(world, DEPUTY), finding)
    fire(world, case, "conclude")
    assert case.subjects.get().assessments.latest("id").output["lifelong"]["action"] == "none"
    assert lifelong(case) == []


def test_a_refused_conclusion_writes_no_lifelong_referral(world):
    promote_to_city(world)
    case = assessed(world, lead_about(world, DEPUTY))
    before = snapshot(case.pk)
    with pytest.raises(NotPermitted):
        fire(world, case, "conclude", persona="organization_officer")
    assert snapshot(case.pk) == before and lifelong(case) == []


def test_old_lifelong_referrals_get_their_subject_where_the_case_has_one(world):
    """Migration 0019 fills in the subject of a lifelong referral made before issue 14 where it
    cannot be anyone else; on a case with several subjects it stays empty."""
    one = case_in_state(world, CaseState.ASSESSING)
    two = case_in_state(world, CaseState.ASSESSING, cadres=(DEPUTY, OTHER))
    promote_to_city(world, on=dt.date(2026, 6, 1))
    Referral.objects.filter(kind=Referral.Kind.LIFELONG).update(subject=None)
    assert Referral.objects.filter(case__in=[one, two], kind=Referral.Kind.LIFELONG).count() == 2

    migration = importlib.import_module("cases.migrations.0020_referral_crime_and_subject")
    migration.subject_of_old_lifelong_referrals(django_apps, None)

    assert Referral.objects.get(case=one, kind=Referral.Kind.LIFELONG).subject == one.subjects.get()
    assert Referral.objects.get(case=two, kind=Referral.Kind.LIFELONG).subject is None


# --- over HTTP ------------------------------------------------------------------------------------


def test_api_conclude_refers_and_the_receiving_authority_follows_it(world, api):
    promote_to_city(world)
    case = assessed(world, lead_about(world, DEPUTY))

    response = api(OFFICER).post(transition_url(case.pk), {"name": "conclude"}, format="json")

    assert response.status_code == 200, response.content
    [item] = [r for r in response.json()["referrals"] if r["kind"] == "lifelong"]
    city = world.departments["szs-organization"]
    assert item["to_department"]["id"] == city.pk and item["cadre"]["id"] == world.cadres[DEPUTY].pk
    assert item["state"] == "sent" and item["blocks_end"] is False  # only crime referrals block the end

    user = get_user_model().objects.create_user("szs_org_officer", password="x")
    Membership.objects.create(user=user, department=city, rank=Rank.OFFICER)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    listed = client.get("/api/v1/referrals/", {"case": case.pk}).json()["results"]
    assert [(r["id"], r["kind"], r["subject"]) for r in listed] == [(item["id"], "lifelong", item["subject"])]
    assert client.post(f"/api/v1/referrals/{item['id']}/accept/", {}, format="json").json()["state"] == "accepted"

    record = api("organization_officer").get(f"/api/v1/cadres/{world.cadres[DEPUTY].pk}/record/").json()
    [entry] = [r for r in record["referrals"] if r["kind"] == "lifelong"]
    assert (entry["id"], entry["state"], entry["to_department"]["id"]) == (item["id"], "accepted", city.pk)


def test_case_page_shows_the_lifelong_referral_and_its_state(world, client):
    promote_to_city(world)
    case = fire(world, assessed(world, lead_about(world, DEPUTY)), "conclude")
    [referral] = lifelong(case)
    client.force_login(world.users[OFFICER])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'id="referral-{referral.pk}" data-kind="lifelong" data-state="sent"' in html
    assert 'id="open-crime-referrals"' not in html
