"""Inputs bounded (issue 15, item 10, text lengths and dates) over HTTP.

Personas (``conftest.py``): emergency_officer refers leads; discipline_officer moves a case;
organization_officer records cadre moves; organization_leader overrides a veto. A refusal is a
400 naming the field and writes nothing.
"""

from __future__ import annotations

import pytest

from cases.codes import CaseState
from cases.models import Case, VetoOverride
from cases.tests._resources_helpers import _lead_body, unchanged
from cases.tests._transitions_helpers import assert_error
from cases.tests.scenarios import case_in_state
from core.inputs import FACTS_MAX_LENGTH, TEXT_MAX_LENGTH
from org.models import Post

pytestmark = pytest.mark.django_db
BAOFENG_DEPUTY = "pl-baofeng:township_deputy:0"


def test_facts_beyond_the_limit_are_refused_and_the_limit_is_in_the_schema(world, api):
    client = api("emergency_officer")
    leads = Case.objects.count()
    response = unchanged(
        lambda: client.post("/api/v1/leads/", _lead_body(world, facts="事" * (FACTS_MAX_LENGTH + 1)), format="json")
    )
    assert_error(response, 400, "invalid", fields=("facts",))
    assert Case.objects.count() == leads
    response = client.post("/api/v1/leads/", _lead_body(world, facts="事" * FACTS_MAX_LENGTH), format="json")
    assert response.status_code == 201, response.content
    schema = api("discipline_officer").get("/api/schema/?format=json").json()
    lead = schema["components"]["schemas"]["LeadRequest"]["properties"]
    assert lead["facts"]["maxLength"] == FACTS_MAX_LENGTH


def test_the_lead_page_refuses_facts_beyond_the_limit(world, client):
    client.force_login(world.users["emergency_officer"])
    leads = Case.objects.count()
    response = client.post(
        "/leads/new/",
        {
            "title": "x",
            "facts": "事" * (FACTS_MAX_LENGTH + 1),
            "source_kind": "audit",
            "subjects": [world.cadres[BAOFENG_DEPUTY].pk],
        },
    )
    assert response.status_code in (200, 400)
    assert Case.objects.count() == leads


def test_a_transition_reason_beyond_the_limit_is_refused(world, api):
    case = case_in_state(world, CaseState.RECEIVED)
    body = {"name": "dismiss", "reason": "由" * (TEXT_MAX_LENGTH + 1)}
    response = unchanged(
        lambda: api("discipline_leader").post(f"/api/v1/cases/{case.pk}/transitions/", body, format="json"), case_id=case.pk
    )
    assert_error(response, 400, "invalid", fields=("reason",))
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED


@pytest.mark.parametrize("day", ["0001-01-01", "1948-12-31", "9999-12-31"])
def test_a_move_on_an_implausible_date_is_refused(world, api, day):
    cadre = world.cadres[BAOFENG_DEPUTY]
    posts = list(Post.objects.filter(cadre=cadre).values_list("pk", "start", "end"))
    response = unchanged(
        lambda: api("organization_officer").post(
            f"/api/v1/cadres/{cadre.pk}/moves/", {"kind": "retirement", "effective_date": day}, format="json"
        )
    )
    assert_error(response, 400, "invalid", fields=("effective_date",))
    assert list(Post.objects.filter(cadre=cadre).values_list("pk", "start", "end")) == posts
    cadre.refresh_from_db()
    assert cadre.status == "in_office"


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_veto_override_on_an_implausible_date_is_refused(world, api, day):
    case = case_in_state(world, CaseState.RECEIVED)
    subject = case.subjects.get()
    response = unchanged(
        lambda: api("organization_leader").post(
            f"/api/v1/cases/{case.pk}/subjects/{subject.pk}/veto-override/", {"until": day, "reason": "理由"}, format="json"
        ),
        case_id=case.pk,
    )
    assert_error(response, 400, "invalid", fields=("until",))
    assert not VetoOverride.objects.exists()
