"""Who may open the intake, referral, cadre, accident and statistics pages; the navigation; English.

Personas (``conftest.py``): audit_officer and inspection_officer refer leads and follow only their
status and outcome; organization_officer keeps cadre records and records moves;
organization_leader may also override a veto; discipline_officer handles cases; emergency_officer
records accidents; admin is a superuser without a department.
"""

from __future__ import annotations

import pytest

from cases.codes import CaseState
from cases.tests.scenarios import case_in_state
from web.tests.helpers import (
    BAOFENG_DEPUTY,
    transfer_to_emergency,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "persona", "status"),
    [
        ("/leads/new/", "audit_officer", 200),
        ("/leads/new/", "inspection_officer", 200),
        ("/leads/new/", "emergency_officer", 200),
        ("/leads/new/", "admin", 403),  # no department to file on behalf of
        ("/referred/", "audit_officer", 200),
        ("/referred/", "organization_officer", 200),
        ("/referrals/", "organization_officer", 200),
        ("/referrals/", "audit_officer", 200),
        ("/cadres/", "organization_officer", 200),
        ("/cadres/", "discipline_officer", 200),
        ("/cadres/", "admin", 200),
        ("/cadres/", "audit_officer", 403),
        ("/cadres/", "inspection_officer", 403),
        ("/cadres/", "emergency_officer", 403),
        ("/stats/", "audit_officer", 200),
        ("/stats/", "discipline_officer", 200),
        ("/stats/", "admin", 200),
        ("/accidents/", "emergency_officer", 200),
        ("/accidents/", "discipline_officer", 200),
        ("/accidents/", "audit_officer", 403),
        ("/accidents/", "organization_officer", 403),
        ("/accidents/new/", "emergency_officer", 200),
        ("/accidents/new/", "inspection_officer", 403),
    ],
)
def test_pages_open_for_the_right_personas(client_as, url, persona, status):
    assert client_as(persona).get(url).status_code == status


@pytest.mark.parametrize("url", ["/leads/new/", "/referred/", "/referrals/", "/cadres/", "/stats/", "/accidents/"])
def test_anonymous_users_are_sent_to_the_login_page(client_as, url):
    response = client_as(None).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_cadre_record_and_accident_detail_answer_403_or_404(client_as, world):
    cadre = world.cadres[BAOFENG_DEPUTY]
    accident = world.accidents["baofeng"]
    assert client_as("organization_officer").get(f"/cadres/{cadre.pk}/").status_code == 200
    assert client_as("audit_officer").get(f"/cadres/{cadre.pk}/").status_code == 403
    assert client_as("organization_officer").get("/cadres/999999/").status_code == 404
    assert client_as("emergency_officer").get(f"/accidents/{accident.pk}/").status_code == 200
    assert client_as("audit_officer").get(f"/accidents/{accident.pk}/").status_code == 403
    assert client_as("emergency_officer").get("/accidents/999999/").status_code == 404


def test_navigation_offers_cadres_only_to_organization_and_discipline(client_as, nav_registered):
    org = client_as("organization_officer").get("/stats/").content.decode()
    audit = client_as("audit_officer").get("/stats/").content.decode()
    for page in (org, audit):
        assert 'href="/leads/new/"' in page and 'href="/referred/"' in page and 'href="/referrals/"' in page
    assert 'href="/cadres/"' in org and 'href="/cadres/"' not in audit
    assert 'href="/accidents/"' not in org
    assert 'href="/accidents/"' in client_as("emergency_officer").get("/stats/").content.decode()


def test_every_page_renders_in_english_as_well(client_as, world, settings):
    case = case_in_state(world, CaseState.EXECUTING)
    _case, referral = transfer_to_emergency(world)
    cadre = world.cadres[BAOFENG_DEPUTY]
    pages = {
        "discipline_officer": ["/leads/new/", "/referred/", "/cadres/", f"/cadres/{cadre.pk}/", "/stats/", "/accidents/"],
        "emergency_officer": ["/referrals/", f"/accidents/{world.accidents['baofeng'].pk}/", "/accidents/new/"],
        "organization_leader": [f"/cadres/{cadre.pk}/"],
    }
    for persona, urls in pages.items():
        client = client_as(persona)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert '<html lang="en">' in response.content.decode(), url
    assert case.number and referral.pk
