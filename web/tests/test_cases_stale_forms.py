"""A transition form sent after the case changed (issue 16 item 4): the reload link opens a page
that exists (the form while its step is still open, otherwise the case), and a user's own
finished step sent again (Back and resubmit) is reported as already done, not as someone else's
change."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from cases.services.lifecycle import case_transition
from cases.tests.scenarios import new_lead
from web.cases.views.transitions import ALREADY_DONE, STALE_FORM
from web.common.labels import TRANSITION_LABELS
from web.tests.helpers import OFFICER, OFFICER2, post_transition, snapshot, transition_url

pytestmark = pytest.mark.django_db


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _reload_link(html: str) -> str:
    match = re.search(r'<a class="button small" href="([^"]+)" id="page-reload">', html)
    assert match, "no reload link"
    return match.group(1)


def test_the_reload_link_opens_the_case_when_the_step_is_gone(login, world):
    case = new_lead(world)
    client = _english(login(OFFICER))
    seen = case.version
    case_transition(case_id=case.pk, name="accept", payload={"team": [OFFICER, OFFICER2]}, acting_user=world.users[OFFICER2])
    response = post_transition(client, case, "accept", {"team": [OFFICER, OFFICER2]}, version=seen)
    html = response.content.decode()
    assert response.status_code == 409 and str(STALE_FORM) in html
    link = _reload_link(html)
    assert link == f"/cases/{case.pk}/"
    assert client.get(link).status_code == 200
    assert client.get(transition_url(case, "accept")).status_code == 404  # what the link used to open


def test_the_reload_link_reopens_the_form_while_the_step_is_still_open(login, world):
    case = new_lead(world)
    client = _english(login(OFFICER))
    seen = case.version
    case_transition(case_id=case.pk, name="inquire", payload={}, acting_user=world.users[OFFICER2])
    response = post_transition(client, case, "accept", {"team": [OFFICER, OFFICER2]}, version=seen)
    assert response.status_code == 409
    link = _reload_link(response.content.decode())
    assert link == transition_url(case, "accept") and client.get(link).status_code == 200


def test_resubmitting_ones_own_finished_step_says_it_is_already_done(login, world):
    case = new_lead(world)
    client = _english(login(OFFICER))
    seen = case.version
    assert post_transition(client, case, "accept", {"team": [OFFICER, OFFICER2]}, version=seen).status_code == 302
    before = snapshot(case.pk)
    response = post_transition(client, case, "accept", {"team": [OFFICER, OFFICER2]}, version=seen)  # Back, submit
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert str(ALREADY_DONE % {"what": TRANSITION_LABELS["accept"]}) in html
    assert str(STALE_FORM) not in html
    assert snapshot(case.pk) == before  # done once


def test_ones_own_step_followed_by_someone_elses_change_is_still_a_conflict(login, world):
    case = new_lead(world)
    client = _english(login(OFFICER))
    seen = case.version
    assert post_transition(client, case, "inquire", {}, version=seen).status_code == 302
    case_transition(case_id=case.pk, name="accept", payload={"team": [OFFICER, OFFICER2]}, acting_user=world.users[OFFICER2])
    response = post_transition(client, case, "inquire", {}, version=seen)
    assert response.status_code == 409 and str(STALE_FORM) in response.content.decode()
