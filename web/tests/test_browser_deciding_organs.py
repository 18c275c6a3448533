"""Who decides each measure, in headless Chromium (issue 14 items 1, 6, 7; Chinese pages).

The officer proposes 免职 and 党内警告; the discipline leader approves, and the case page says the
organization department must still decide; the organization leader opens the case, sees its own
approve button and approves; the case is decided; the officer confirms the checklist of
unverified defaults on the documents page and then sees the three documents (the discipline
organ's 处分决定书, its 问责建议书 and the organization department's 组织处理决定书).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cases.codes import CaseState
from cases.tests.scenarios import case_in_state
from web.tests.test_browser_cases import fire, off_loop, state_label, zh

pytestmark = pytest.mark.django_db(transaction=True)


def test_each_organ_decides_its_part_and_every_document_is_issued_after_the_checklist(page_as, world):
    case = off_loop(lambda: case_in_state(world, CaseState.PROPOSING, circumstances=("26.5",)))
    subject = case.subjects.get()
    organization = world.departments["pl-organization"]

    officer = page_as("discipline_officer")
    officer.goto(f"{officer.base}/cases/{case.pk}/")

    def measures(page):
        page.check(f'input[name="measures_{subject.pk}"][value="dismissal"]')
        page.check(f'input[name="measures_{subject.pk}"][value="sanction"]')
        page.select_option(f'select[name="sanction_kind_{subject.pk}"]', "party_warning")

    fire(officer, case, "propose", measures)
    expect(officer.locator("h1 .state")).to_have_text(state_label(CaseState.APPROVING))

    leader = page_as("discipline_leader")
    leader.goto(f"{leader.base}/cases/{case.pk}/")
    fire(leader, case, "approve")
    expect(leader.locator("h1 .state")).to_have_text(state_label(CaseState.APPROVING))
    expect(leader.locator("#waiting-organs")).to_contain_text(organization.name)
    expect(leader.locator('a[data-transition="approve"]')).to_have_count(0)  # its part is decided

    deciding = page_as("organization_leader")
    deciding.goto(f"{deciding.base}/cases/{case.pk}/")
    expect(deciding.locator('a[data-transition="approve"]')).to_have_count(1)
    fire(deciding, case, "approve")
    expect(deciding.locator("h1 .state")).to_have_text(state_label(CaseState.DECIDED))
    expect(deciding.locator(f"#subject-{subject.pk} .zm-measures")).to_contain_text(organization.name)

    officer.goto(f"{officer.base}/cases/{case.pk}/documents/")
    expect(officer.locator("#document-list tbody tr")).to_have_count(3)
    expect(officer.locator("#document-list")).to_contain_text("问责建议书")
    expect(officer.locator("a", has_text="PDF")).to_have_count(0)
    for box in officer.locator('#confirm-form input[name="items"]').all():
        box.check()
    officer.click("#confirm-form button.primary")
    officer.wait_for_url(f"**/cases/{case.pk}/documents/")
    expect(officer.locator("#confirmed")).to_be_visible()
    expect(officer.locator("#document-list a", has_text="PDF")).to_have_count(3)
    officer.screenshot(path="/tmp/zeren-documents.png", full_page=True)
    response = officer.request.get(f"{officer.base}/api/v1/cases/{case.pk}/decision.pdf?document=decision-{organization.pk}")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert zh("Documents of the decision") in officer.content()
