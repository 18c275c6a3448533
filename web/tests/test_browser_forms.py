"""Forms in headless Chromium as an officer meets them (issue 16 item 5).

- An audit officer pastes a 5,000-character title into the lead form: nothing is cut, the counter
  says 5015 / 300 and how much is too much, the browser does not send the form; shortened, the
  counter goes back to normal and the lead is filed.
- On the proposal form the sanction kinds are in two labelled groups, 党纪处分 and 政务处分.
- In English, a finding with a future conduct date is refused in English only.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.codes import CaseState
from cases.models import Case
from cases.tests.scenarios import case_in_state
from web.tests.test_browser_cases import off_loop

pytestmark = pytest.mark.django_db(transaction=True)

LONG = "某镇燃气管道安全隐患排查整治不到位" * 295  # 5,015 characters


def test_a_pasted_long_title_is_kept_counted_and_not_sent_until_shortened(page_as, world):
    page = page_as("audit_officer")
    page.goto(f"{page.base}/leads/new/")
    title = page.locator("input[name=title]")
    title.fill(LONG)  # as a paste: the whole text goes in, no maxlength cuts it
    assert len(title.input_value()) == len(LONG)
    counter = page.locator("#id_title-counter")
    expect(counter).to_have_class("zm-counter over")
    expect(counter).to_contain_text("5015 / 300")
    expect(counter).to_contain_text("最多 300 个字符，现有 5015 个")
    page.fill("textarea[name=facts]", "某镇燃气管道排查整治不到位。")
    before = Case.objects.count()
    page.locator("form button[type=submit].primary").first.click()
    # The browser keeps the form: the field is invalid and nothing was sent.
    assert page.url.endswith("/leads/new/")
    assert title.evaluate("el => !el.validity.valid") and Case.objects.count() == before
    title.fill("某镇燃气管道安全隐患排查整治不到位")
    expect(counter).to_have_class("zm-counter")
    expect(counter).to_have_text("17 / 300")
    assert title.evaluate("el => el.validity.valid")


def test_sanction_kinds_are_grouped_on_the_proposal_form(page_as, world):
    case = off_loop(case_in_state, world, CaseState.PROPOSING)
    subject = case.subjects.get()
    page = page_as("discipline_officer")
    page.goto(f"{page.base}/cases/{case.pk}/transitions/propose/")
    select = page.locator(f"select[name=sanction_kind_{subject.pk}]")
    labels = select.locator("optgroup").evaluate_all("groups => groups.map(g => g.label)")
    assert labels == ["党纪处分", "政务处分"]
    assert select.locator("optgroup[label=党纪处分] option").first.inner_text() == "党内警告"


def test_in_english_a_future_conduct_date_is_refused_in_english(page_as, world):
    case = off_loop(case_in_state, world, CaseState.INVESTIGATING)
    subject = case.subjects.get()
    page = page_as("discipline_officer")
    with page.expect_navigation():
        page.select_option("header select[name=language]", "en")  # the switch in the header
    page.goto(f"{page.base}/cases/{case.pk}/subjects/{subject.pk}/findings/")
    conduct = page.locator("input[name=conduct_date]")
    assert conduct.get_attribute("max") == timezone.localdate().isoformat()
    future = (timezone.localdate() + timezone.timedelta(days=30)).isoformat()
    conduct.evaluate("(el, v) => { el.removeAttribute('max'); el.value = v; }", future)  # past the picker's limit
    page.locator("textarea[name=performance]").fill("未按期检查")
    page.locator("textarea[name=evidence]").fill("检查台账")
    page.locator("form button[type=submit].primary").first.click()
    error = page.locator('ul.errorlist[data-field="conduct_date"]')
    expect(error).to_contain_text("is in the future")
    assert "晚于" not in error.inner_text() and " / " not in error.inner_text()
