"""Authority and visibility on the pages (issue 15 item 9): the cadre page refuses a move the
user's department has no authority for (干部管理权限) with the managing authority named, and a
patrol page names a handed-over case only to a viewer who can open it.

Personas: organization_officer / organization_leader (county organization department) keep the
records; emergency_officer keeps the patrols and hands findings over (the source of the lead);
discipline_officer handles the case; organization_officer reads the patrol but cannot open the case.
"""

from __future__ import annotations

import datetime as dt

import pytest

from appraisal.services.assessment import patrol_finding_refer
from cases.selectors.cases import case_access
from core.persistence import local_today
from org.models import Cadre, Post
from web.tests.helpers import make_finding, make_patrol

pytestmark = pytest.mark.django_db

SECRETARY = "pingluo:county_party_secretary:0"  # managed by 中共石嘴山市委组织部
DEPUTY = "pl-baofeng:township_deputy:0"


def _retire(client, cadre: Cadre):
    return client.post(
        f"/cadres/{cadre.pk}/",
        {"action": "move", "move-kind": "retirement", "move-effective_date": (local_today() + dt.timedelta(days=1)).isoformat()},
    )


@pytest.mark.parametrize("persona", ["organization_officer", "organization_leader"])
def test_the_cadre_page_refuses_a_move_of_a_city_managed_cadre_with_403(client_as, world, persona):
    cadre = world.cadres[SECRETARY]
    client = client_as(persona)
    page = client.get(f"/cadres/{cadre.pk}/")
    assert page.status_code == 200 and page.context["can_move"] is False
    html = page.content.decode()
    assert 'id="move"' not in html and "中共石嘴山市委组织部" in html and "干部管理权限" in html
    history = (Post.history.count(), Cadre.history.count())
    response = _retire(client, cadre)
    assert response.status_code == 403
    assert "中共石嘴山市委组织部" in response.content.decode()
    cadre.refresh_from_db()
    assert cadre.status != "retired" and (Post.history.count(), Cadre.history.count()) == history


def test_the_cadre_page_still_moves_a_cadre_the_county_manages(client_as, world):
    cadre = world.cadres[DEPUTY]
    client = client_as("organization_officer")
    page = client.get(f"/cadres/{cadre.pk}/")
    assert page.context["can_move"] is True and 'id="move"' in page.content.decode()
    assert _retire(client, cadre).status_code == 302
    cadre.refresh_from_db()
    assert cadre.status == "retired"


def test_a_patrol_page_names_a_handed_over_case_only_to_those_who_can_open_it(client_as, world):
    patrol = make_patrol(world)
    case = patrol_finding_refer(acting_user=world.users["emergency_officer"], finding_id=make_finding(world, patrol).pk)
    for persona in ("emergency_officer", "discipline_officer", "organization_officer"):
        html = client_as(persona).get(f"/assessment/patrols/{patrol.pk}/").content.decode()
        if case_access(case, world.users[persona]) is not None:
            assert case.number in html and f'href="/cases/{case.pk}/"' in html, persona
        else:
            assert case.number not in html and f"/cases/{case.pk}/" not in html, persona
            assert "zm-case-hidden" in html, persona
    # the organization department reads the patrol but cannot open the discipline organ's case
    assert case_access(case, world.users["organization_officer"]) is None
    assert case_access(case, world.users["discipline_officer"]) is not None
