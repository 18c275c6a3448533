"""The Content-Security-Policy in a real browser: pages whose scripts are inline (with the nonce)
or in static files still work, and Chromium reports no violation."""

from __future__ import annotations

import pytest

from cases.codes import CaseState
from cases.tests.scenarios import case_in_state

pytestmark = pytest.mark.django_db(transaction=True)


def _watch(page) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    return violations


def test_the_language_menu_and_the_lead_forms_search_run_under_the_policy(page_as):
    page = page_as("emergency_officer")
    violations = _watch(page)
    page.goto(f"{page.base}/leads/new/")
    page.fill("#cadre-filter", "宝丰")
    visible = page.locator("#cadre-options li:not([hidden])")
    assert 0 < visible.count() < page.locator("#cadre-options li").count()  # the inline script filtered
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")  # page.js submits the form
    assert page.locator("html").get_attribute("lang") == "en"
    assert violations == []


def test_the_proposal_form_toggles_the_sanction_kind_under_the_policy(page_as, world):
    case = case_in_state(world, CaseState.PROPOSING)
    page = page_as("discipline_officer")
    violations = _watch(page)
    page.goto(f"{page.base}/cases/{case.pk}/transitions/propose/")
    kind = page.locator("fieldset.zm-propose .zm-sanction").first
    assert kind.is_hidden()
    page.locator('fieldset.zm-propose input[type=checkbox][value="sanction"]').first.check()
    assert kind.is_visible()
    assert violations == []
