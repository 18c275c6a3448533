"""One proceeding in headless Chromium, as the officers click through it (Chinese pages).

discipline_officer claims a referred accident lead from the queue, accepts it with a team,
records findings and sees the rule engine's assessment, submits, concludes and proposes;
discipline_leader claims the approval from the queue and approves it from the inbox; the officer
records delivery; the case page then shows the process chart and the timeline. The page is
saved as /tmp/zeren-case.png for a look.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.utils import translation
from playwright.sync_api import expect

from cases.codes import CaseState, SourceKind
from cases.services.leads import lead_create

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOT = "/tmp/zeren-case.png"


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def state_label(state: str) -> str:
    with translation.override("zh-hans"):
        return str(CaseState(state).label)


def off_loop(fn, *args):
    """Run a service call in a worker thread: Playwright's sync API keeps an event loop running in
    the test's thread, where the services' on-commit WebSocket push (``async_to_sync``) may not run."""
    from django.db import connection

    def run():
        try:
            return fn(*args)
        finally:
            connection.close()  # the worker thread's own connection

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def demo_like_lead(world):
    return off_loop(_create_lead, world)


def _create_lead(world):
    return lead_create(
        acting_user=world.users["emergency_officer"],
        title="宝丰镇某化工企业“3·15”中毒事故领导责任",
        facts="2026年3月15日，宝丰镇某化工企业发生中毒事故，造成1人死亡、3人重伤。事故调查组认定分管副镇长对辖区企业安全检查不到位。",
        source_kind=SourceKind.ACCIDENT_INVESTIGATION,
        subjects=[world.cadres["pl-baofeng:township_deputy:0"]],
        accident=world.accidents["baofeng"],
        circumstances=["26.5"],
    )


def fire(page, case, name: str, fill=None) -> None:
    """Click the transition's button on the case page, fill its form, submit, land back."""
    page.click(f'a[data-transition="{name}"]')
    page.wait_for_url(f"**/cases/{case.pk}/transitions/{name}/")
    if fill:
        fill(page)
    page.click('#transition-form button[type="submit"]')
    page.wait_for_url(f"**/cases/{case.pk}/")


def claim_from_queue(page, case) -> None:
    page.goto(f"{page.base}/queue/")
    row = page.locator("tr", has=page.locator(f'a[href="/cases/{case.pk}/"]'))
    expect(row).to_have_count(1)
    row.locator('button[name="claim"]').click()
    page.wait_for_url("**/queue/")
    page.goto(f"{page.base}/inbox/")
    page.locator("tr", has=page.locator(f'a[href="/cases/{case.pk}/"]')).locator("a.button").click()
    page.wait_for_url(f"**/cases/{case.pk}/")


def test_a_lead_goes_from_the_queue_to_delivery_in_the_browser(page_as, world):
    case = demo_like_lead(world)
    subject = case.subjects.get()
    officer = page_as("discipline_officer")

    # The officer claims the intake step and opens the case from the inbox.
    claim_from_queue(officer, case)
    expect(officer.locator("h1 .state")).to_have_text(state_label(CaseState.RECEIVED))

    fire(officer, case, "accept", lambda p: p.check('input[name="team"][value="discipline_officer2"]'))
    expect(officer.locator("h1 .state")).to_have_text(state_label(CaseState.INVESTIGATING))

    # Findings: the circumstance claimed at intake is pre-checked; the engine's output appears.
    officer.click(f'a[href="/cases/{case.pk}/subjects/{subject.pk}/findings/"]')
    expect(officer.locator('input[name="circumstances"][value="26.5"]')).to_be_checked()
    officer.fill('input[name="conduct_date"]', "2026-03-15")
    officer.fill('textarea[name="post_duties"]', "分管辖区安全生产，每月至少带队检查1次。")
    officer.fill('textarea[name="performance"]', "2026年1—3月未带队检查该企业。")
    officer.fill('textarea[name="evidence"]', "事故调查报告；检查记录台账。")
    officer.click('#findings-form button[type="submit"]')
    officer.wait_for_url(re.compile(rf"/cases/{case.pk}/subjects/{subject.pk}/findings/#engine$"))
    expect(officer.locator("#engine .zm-engine-outcome.accountable")).to_be_visible()
    expect(officer.locator("#engine .zm-explain li").first).to_contain_text("第二十六条第（五）项")

    officer.goto(f"{officer.base}/cases/{case.pk}/")
    expect(officer.locator(f"#subject-{subject.pk} .zm-engine")).to_contain_text("26.5")
    fire(officer, case, "submit_findings")
    fire(officer, case, "conclude")
    expect(officer.locator("h1 .state")).to_have_text(state_label(CaseState.PROPOSING))
    fire(officer, case, "propose", lambda p: p.check(f'input[name="measures_{subject.pk}"][value="admonishment"]'))
    expect(officer.locator("h1 .state")).to_have_text(state_label(CaseState.APPROVING))
    expect(officer.locator('a[data-transition="approve"]')).to_have_count(0)  # leaders approve

    # The leader takes the approval from the queue and approves it from the inbox.
    leader = page_as("discipline_leader")
    claim_from_queue(leader, case)
    fire(leader, case, "approve")
    expect(leader.locator("h1 .state")).to_have_text(state_label(CaseState.DECIDED))
    expect(leader.locator(f'a[href="/api/v1/cases/{case.pk}/decision.pdf"]')).to_be_visible()

    # The officer records delivery; execution starts.
    officer.goto(f"{officer.base}/cases/{case.pk}/")
    fire(officer, case, "deliver")
    expect(officer.locator("h1 .state")).to_have_text(state_label(CaseState.EXECUTING))
    expect(officer.locator(".messages li.success")).to_be_visible()

    # The case page: stepper, chart with the waiting steps, timeline, execution tasks.
    expect(officer.locator(".zm-stepper li.current")).to_contain_text(state_label(CaseState.EXECUTING))
    expect(officer.locator(".flowchart svg")).to_be_visible()
    assert officer.locator(".flowchart svg g.new, .flowchart svg g.assigned").count() >= 2
    assert officer.locator(".flowchart svg g.done").count() >= 6
    expect(officer.locator(".flowchart g#delivery")).to_have_class("done")
    timeline = officer.locator("#timeline .zm-timeline > li")
    assert timeline.count() >= 9
    expect(timeline.first).to_contain_text(zh("Decision delivered"))
    expect(officer.locator("#timeline")).to_contain_text(zh("Measures approved"))
    expect(officer.locator("#executions tbody tr")).to_have_count(3)
    officer.locator("#timeline details").first.evaluate("d => d.open = true")
    officer.screenshot(path=SCREENSHOT, full_page=True)


def test_a_refused_form_shows_the_error_next_to_the_field(page_as, world):
    case = demo_like_lead(world)
    officer = page_as("discipline_officer")
    officer.goto(f"{officer.base}/cases/{case.pk}/transitions/hold/")
    officer.click('#transition-form button[type="submit"]')
    error = officer.locator('#field-reason ul.errorlist[data-field="reason"]')
    expect(error).to_have_text(zh("This field is required."))
    assert officer.url.endswith(f"/cases/{case.pk}/transitions/hold/")
    officer.fill('textarea[name="reason"]', "线索笼统，暂存待查")
    officer.click('#transition-form button[type="submit"]')
    officer.wait_for_url(f"**/cases/{case.pk}/")
    expect(officer.locator("h1 .state")).to_have_text(state_label(CaseState.HELD))
