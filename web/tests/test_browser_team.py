"""Team work in headless Chromium (issue 16 item 3): discipline_officer accepts a case with the
team [discipline_officer, discipline_officer2]; discipline_officer2 signs in, finds the next step
in 我的待办 marked 团队待办 with the other member's name, and claims it with one click; the step is
then theirs, and it is not in the department queue."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cases.codes import CaseState
from cases.models import CaseEvent
from web.tests.test_browser_cases import demo_like_lead, fire, state_label, zh

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_team_member_claims_the_teams_step_from_the_inbox_with_one_click(page_as, world):
    case = demo_like_lead(world)
    officer = page_as("discipline_officer")
    officer.goto(f"{officer.base}/cases/{case.pk}/")
    fire(officer, case, "accept", lambda p: p.check('input[name="team"][value="discipline_officer2"]'))
    expect(officer.locator("h1 .state")).to_have_text(state_label(CaseState.INVESTIGATING))

    member = page_as("discipline_officer2")
    member.goto(f"{member.base}/inbox/")
    row = member.locator("tr", has=member.locator(f'a[href="/cases/{case.pk}/"]'))
    expect(row).to_have_count(1)
    expect(row.locator(".zm-team-tag")).to_have_text(zh("Team task"))
    expect(row.locator(".zm-teammates")).to_contain_text(world.users["discipline_officer"].get_full_name())
    row.locator('button[name="claim"]').click()  # the one click
    member.wait_for_url("**/inbox/")
    row = member.locator("tr", has=member.locator(f'a[href="/cases/{case.pk}/"]'))
    expect(row.locator('button[name="release"]')).to_have_count(1)
    expect(row.locator(".zm-team-tag")).to_have_count(0)
    assert CaseEvent.objects.filter(case=case, kind="task_claimed", actor=world.users["discipline_officer2"]).count() == 1

    member.goto(f"{member.base}/queue/")
    expect(member.locator("tr", has=member.locator(f'a[href="/cases/{case.pk}/"]'))).to_have_count(0)
    officer.goto(f"{officer.base}/inbox/")  # claimed: it left the other member's inbox
    expect(officer.locator("tr", has=officer.locator(f'a[href="/cases/{case.pk}/"]'))).to_have_count(0)
