"""Chapters 4–5 in headless Chromium, in Chinese by default: a patrol finding handed over as a
lead, an Art. 25 award granted, and the year's results with the unit ranked last and failed.

Screenshots go to /tmp/zeren-c4-*.png for a person to look at.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from appraisal.models import Award, PatrolFinding
from appraisal.services.assessment import assessment_record, publish
from cases.codes import CaseState
from cases.models import Case
from cases.tests.scenarios import case_in_state
from core.persistence import local_today
from tests.seeding import reseed

pytestmark = pytest.mark.django_db(transaction=True)

YEAR = local_today().year - 1
TOUZHA_HEAD = "pl-touzha:township_head:0"
YAOFU_HEAD = "pl-yaofu:township_head:0"
BAOFENG_DEPUTY = "pl-baofeng:township_deputy:0"


@pytest.fixture(autouse=True)
def seeded_policies(transactional_db):
    """A transactional test empties every table when it ends, the seeded policies included
    (see ``test_browser_leads_cadres_stats``): run the idempotent seeds again."""

    reseed()


def off_loop(fn, *args, **kwargs):
    """Run a service call outside the thread of Playwright's event loop: services push
    notifications with ``async_to_sync`` on commit, which refuses to run inside a loop."""
    from django.db import connection

    def run():
        try:
            return fn(*args, **kwargs)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def test_emergency_officer_hands_a_patrol_finding_over_as_a_lead(page_as, world):
    cadre = world.cadres[TOUZHA_HEAD]
    page = page_as("emergency_officer")
    page.goto(f"{page.base}/assessment/")
    page.click(".zm-section-tabs a[href='/assessment/patrols/']")
    page.wait_for_url(f"{page.base}/assessment/patrols/")
    page.fill("input[name=patrol-title]", "2025年度县安委会安全生产巡查")
    page.fill("input[name=patrol-started_on]", f"{YEAR}-09-01")
    page.fill("input[name=patrol-ended_on]", f"{YEAR}-09-26")
    page.check("#targets-field label:has-text('头闸镇') input")
    page.check("#targets-field label:has-text('宝丰镇') input")
    page.fill("textarea[name=patrol-summary]", "延伸巡查镇域内危险化学品企业")
    page.click("#new-patrol button.primary")
    page.wait_for_url(f"{page.base}/assessment/patrols/*/")
    assert page.locator("#patrol-facts .zm-chip").count() == 2

    # Choosing the unit narrows the cadre list to the people who hold posts there.
    page.select_option("select[name=finding-department]", label="头闸镇")
    visible = page.locator("#cadre-options li[data-orgs]:not([hidden])")
    assert 0 < visible.count() < page.locator("#cadre-options li[data-orgs]").count()
    visible.filter(has_text=cadre.name).locator("input").check()
    page.fill("textarea[name=finding-text]", "两家企业重大事故隐患逾期未整改，镇政府未督促落实")
    page.click("#add-finding button.primary")
    page.wait_for_selector("#findings tbody tr")
    finding = PatrolFinding.objects.get(text__startswith="两家企业")
    assert [c.pk for c in finding.cadres.all()] == [cadre.pk]
    page.screenshot(path="/tmp/zeren-c4-patrol.png", full_page=True)

    page.click(f"#finding-{finding.pk} button:has-text('移送线索')")
    page.wait_for_selector(f"#finding-{finding.pk} a.zm-case-link")
    finding.refresh_from_db()
    case = Case.objects.get(pk=finding.case_id)
    assert case.state == CaseState.RECEIVED and case.owner_department == world.departments["pl-discipline"]
    assert case.number in page.inner_text(".messages")
    link = page.locator(f"#finding-{finding.pk} a.zm-case-link")
    assert link.inner_text() == case.number
    page.screenshot(path="/tmp/zeren-c4-patrol-referred.png", full_page=True)
    link.click()
    page.wait_for_url(f"{page.base}/cases/{case.pk}/")
    assert case.number in page.inner_text("main")

    page.goto(f"{page.base}/assessment/patrols/")
    assert page.locator("#patrols tbody tr").count() == 1
    page.screenshot(path="/tmp/zeren-c4-patrols.png", full_page=True)


def test_organization_leader_grants_an_award_on_the_rewards_page(page_as, world):
    user = world.users["organization_officer"]
    for year in (YEAR - 2, YEAR - 1, YEAR):
        off_loop(assessment_record, acting_user=user, year=year, grade="excellent", cadre=world.cadres[YAOFU_HEAD])
    for key in (TOUZHA_HEAD, BAOFENG_DEPUTY):
        off_loop(assessment_record, acting_user=user, year=YEAR, grade="excellent", cadre=world.cadres[key])
    off_loop(case_in_state, world, CaseState.EXECUTING, cadres=(BAOFENG_DEPUTY,))
    cadre = world.cadres[YAOFU_HEAD]

    page = page_as("organization_leader")
    page.goto(f"{page.base}/assessment/rewards/?year={YEAR}")
    assert page.locator("#candidates tbody tr").count() == 3
    barred = page.locator(f"#candidate-{world.cadres[BAOFENG_DEPUTY].pk}")
    assert barred.locator(".zm-reasons li").count() >= 1 and barred.locator("button").count() == 0
    row = page.locator(f"#candidate-{cadre.pk}")
    assert "记功" in row.inner_text()
    page.screenshot(path="/tmp/zeren-c4-rewards.png", full_page=True)
    row.locator("button.primary").click()
    page.wait_for_selector(f"#candidate-{cadre.pk} .zm-pill.accepted")
    award = Award.objects.get(cadre=cadre, year=YEAR)
    assert award.kind == "merit" and award.granted_by == world.users["organization_leader"]
    assert page.locator(f"#candidate-{cadre.pk} button").count() == 0
    page.screenshot(path="/tmp/zeren-c4-rewards-granted.png", full_page=True)

    # The cadre record shows the award next to the assessment results.
    page.goto(f"{page.base}/cadres/{cadre.pk}/")
    assert "记功" in page.inner_text("#awards")
    assert page.locator("#annual-assessments tbody tr").count() == 3
    page.screenshot(path="/tmp/zeren-c4-record.png", full_page=True)


def test_results_flag_the_unit_ranked_last_and_failed_and_lead_to_a_yuetan(page_as, world):
    user = world.users["emergency_officer"]
    units = ["pl-chengguan", "pl-huangquqiao", "pl-baofeng", "pl-yaofu", "pl-touzha"]
    for rank, code in enumerate(units, start=1):
        grade = "excellent" if rank == 1 else "fail" if rank == len(units) else "good"
        off_loop(
            assessment_record,
            acting_user=user,
            year=YEAR,
            grade=grade,
            department=world.departments[code],
            rank=rank,
            ranked_of=len(units),
            score=Decimal(96 - rank * 6),
        )
    off_loop(assessment_record, acting_user=user, year=YEAR, grade="good", cadre=world.cadres[TOUZHA_HEAD])
    off_loop(publish, acting_user=user, year=YEAR, published_on=local_today() - dt.timedelta(days=1), channel="县安委会文件通报")

    page = page_as("emergency_officer")
    page.goto(f"{page.base}/assessment/?year={YEAR}")
    assert page.locator("#departments tr.zm-alarm").count() == 1
    assert "头闸镇" in page.inner_text("#departments tr.zm-alarm")
    assert page.locator("#publication .zm-publications li").count() == 1
    page.screenshot(path="/tmp/zeren-c4-results.png", full_page=True)

    page.click("#departments tr.zm-alarm a.button")
    page.wait_for_url("**/assessment/interviews/**")
    assert page.is_visible("#assessment-field")  # shown for this ground only
    assert page.input_value("select[name=iv-department]") == str(world.departments["pl-touzha"].pk)
    page.select_option("select[name=iv-cadre]", str(world.cadres[TOUZHA_HEAD].pk))
    page.fill("textarea[name=iv-notes]", "通报考核结果，提醒告诫，要求三个月内完成整改")
    page.screenshot(path="/tmp/zeren-c4-interview-form.png", full_page=True)
    page.click("#record button.primary")
    page.wait_for_selector("#interviews tbody tr")
    assert "通报考核结果" in page.inner_text("#interviews")
    assert "安全生产约谈不能代替" in page.inner_text("#not-a-measure")
    page.select_option("select[name=iv-ground]", "hazard_rectification")
    assert not page.is_visible("#assessment-field")
    page.screenshot(path="/tmp/zeren-c4-interviews.png", full_page=True)

    other = page_as("discipline_officer")
    other.goto(f"{other.base}/assessment/?year={YEAR}")
    assert other.locator("#departments tr.zm-alarm a.button").count() == 0
