"""Zeren's own error pages and conflict messages in headless Chromium (issue 16 item 4), as the
officers meet them:

- a page the persona may not open is Zeren's 403, in Chinese, with the navigation and a way back;
- the sixth wrong password is Zeren's 429 lockout page, not a bare error;
- a form sent after someone else changed the case says so, and its reload button opens the case
  (the step is gone) instead of a 404;
- Back and resubmit of one's own finished step says it is already done, and nothing is done twice.
"""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.utils import translation
from playwright.sync_api import expect

from cases.models import CaseEvent
from cases.services.lifecycle import case_transition
from web.cases.views.transitions import ALREADY_DONE
from web.common.labels import TRANSITION_LABELS
from web.tests.test_browser_cases import claim_from_queue, demo_like_lead, off_loop, zh

pytestmark = pytest.mark.django_db(transaction=True)
TEAM = ["discipline_officer", "discipline_officer2"]


def test_a_forbidden_page_is_zerens_403_with_navigation_and_a_way_back(page_as, world):
    page = page_as("audit_officer")
    page.goto(f"{page.base}/referred/")
    response = page.goto(f"{page.base}/cadres/", referer=f"{page.base}/referred/")
    assert response is not None and response.status == 403
    assert page.locator("[data-error-page='403']").is_visible()
    assert page.locator("nav.mainnav").count() == 1  # Zeren's header, not viewflow's
    assert "We're sorry" not in page.content()
    page.locator("#error-back").click()
    page.wait_for_url(f"{page.base}/referred/")


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_wrong_passwords_meet_zerens_429_page(browser, live_server, world):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    try:
        status = None
        for _ in range(4):
            page.goto(f"{live_server.url}/login/")
            page.fill("input[name=username]", "discipline_officer")
            page.fill("input[name=password]", "not-the-password")
            with page.expect_response(lambda r: r.request.method == "POST" and "/login/" in r.url) as answer:
                page.click("button.primary")
            status = answer.value.status
        assert status == 429
        expect(page.locator("[data-locked-out]")).to_have_text(zh("Too many failed logins"))
        assert page.locator("[data-error-page='429']").count() == 1
    finally:
        context.close()


def test_a_stale_form_reloads_the_case_and_a_resubmitted_own_step_is_already_done(page_as, world):
    case = demo_like_lead(world)
    page = page_as("discipline_officer")
    url = f"{page.base}/cases/{case.pk}/transitions/accept/"

    # Someone else accepts the case while the officer has the form open.
    claim_from_queue(page, case)
    page.goto(url)
    off_loop(
        lambda: case_transition(
            case_id=case.pk, name="accept", payload={"team": TEAM}, acting_user=world.users["discipline_officer2"]
        )
    )
    page.check('input[name="team"][value="discipline_officer2"]')  # the officer is on the team already
    page.click('#transition-form button[type="submit"]')
    expect(page.locator("#page-error")).to_be_visible()
    page.locator("#page-reload").click()
    page.wait_for_url(f"{page.base}/cases/{case.pk}/")  # the step is gone: the case, not a 404
    assert page.locator("[data-error-page]").count() == 0

    # Their own step, sent twice: the form also open in a second tab (as Back shows it from the
    # browser's cache), submitted again after the first went through.
    case2 = demo_like_lead(world)
    url2 = f"{page.base}/cases/{case2.pk}/transitions/accept/"
    claim_from_queue(page, case2)
    page.goto(url2)
    again = page.context.new_page()
    again.goto(url2)
    for tab in (page, again):
        tab.check('input[name="team"][value="discipline_officer2"]')  # the officer is on the team already
        tab.click('#transition-form button[type="submit"]')
        tab.wait_for_url(f"{page.base}/cases/{case2.pk}/")
    page = again
    with translation.override("zh-hans"):
        done = str(ALREADY_DONE % {"what": TRANSITION_LABELS["accept"]})
    expect(page.locator("ul.messages")).to_contain_text(done)
    assert CaseEvent.objects.filter(case=case2, kind="accept").count() == 1  # done once
