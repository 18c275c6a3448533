"""Issue 14's other paths in headless Chromium (Chinese pages): a suspected crime holds the case and
shows as an open referral; the organization leader records a 先期免职 and the case page shows it;
an appeal is filed on its route, its body and window listed on the form."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from cases.codes import CaseState
from cases.models import Appeal, Referral
from cases.services.lifecycle import case_transition
from cases.tests.scenarios import case_in_state
from cases.tests.test_crime_referrals import exempt_crime_case
from core.persistence import local_today
from web.tests.test_browser_cases import fire, off_loop, state_label

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_suspected_crime_holds_the_case_and_shows_its_open_referral(page_as, world):
    case = off_loop(lambda: exempt_crime_case(world))
    officer = page_as("discipline_officer")
    officer.goto(f"{officer.base}/cases/{case.pk}/")
    fire(officer, case, "conclude")
    expect(officer.locator("h1 .state")).to_have_text(state_label(CaseState.ASSESSING))  # held, not 不予问责
    referral = Referral.objects.get(case=case, kind=Referral.Kind.CRIME)
    expect(officer.locator("#open-crime-referrals")).to_be_visible()
    expect(officer.locator(f"#referral-{referral.pk}")).to_have_attribute("data-state", "sent")


def test_the_organization_leader_records_an_interim_removal(page_as, world):
    case = off_loop(lambda: case_in_state(world, CaseState.INVESTIGATING, circumstances=("26.5",)))
    subject = case.subjects.get()
    leader = page_as("organization_leader")
    leader.goto(f"{leader.base}/cases/{case.pk}/subjects/{subject.pk}/interim/")
    leader.select_option('#interim-form select[name="interim-kind"]', "removal")
    leader.fill('#interim-form input[name="interim-ordered_on"]', (local_today() - dt.timedelta(days=1)).isoformat())
    leader.fill('#interim-form textarea[name="interim-reason"]', "事故发生后，经研究先期免去其职务。")
    leader.click("#interim-form button.primary")
    expect(leader.locator('#interim-measures tr[id^="interim-measure-"]')).to_have_count(1)

    officer = page_as("discipline_officer")
    officer.goto(f"{officer.base}/cases/{case.pk}/")
    expect(officer.locator(f"#interim-{subject.pk}")).to_contain_text(world.departments["pl-organization"].name)


def test_an_appeal_is_filed_on_its_route_with_the_body_and_window_on_the_form(page_as, world):
    def executing():
        case = case_in_state(world, CaseState.PROPOSING)
        subject = case.subjects.get()
        measures = [{"subject": subject.pk, "measure": "sanction", "sanction_kind": "gov_warning"}]
        for name, who, payload in (
            ("propose", "discipline_officer", {"measures": measures}),
            ("approve", "discipline_leader", {}),
            ("deliver", "discipline_officer", {"delivered_on": local_today().isoformat()}),
        ):
            case_transition(case_id=case.pk, name=name, payload=payload, acting_user=world.users[who])
        return case

    case = off_loop(executing)
    officer = page_as("discipline_officer")
    officer.goto(f"{officer.base}/cases/{case.pk}/appeals/new/")
    routes = officer.locator("#appeal-routes")
    expect(routes).to_contain_text("复审")
    expect(routes).to_contain_text(world.departments["pl-discipline"].name)
    officer.fill('textarea[name="grounds"]', "认为事实认定不清，申请复审。")
    officer.click("form button.primary")
    officer.wait_for_url(f"**/cases/{case.pk}/**")
    appeal = Appeal.objects.get(case=case)
    assert appeal.route == "government_sanction" and appeal.stage == "review"
