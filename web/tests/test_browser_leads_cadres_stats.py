"""Intake, cadre record and statistics in headless Chromium, in Chinese by default.

Screenshots go to /tmp/zeren-record.png and /tmp/zeren-stats.png for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import importlib
from concurrent.futures import ThreadPoolExecutor

import pytest

from cases.codes import CaseState
from cases.models import Case
from cases.tests.scenarios import case_in_state, new_lead
from core.persistence import local_today

pytestmark = pytest.mark.django_db(transaction=True)

SEED_MIGRATIONS = (
    "0002_seed_policies",
    "0005_seed_influence_periods",
    "0008_seed_deadline_warning",
    "0015_inquiry_reply_in_working_days",
    "0017_party_stacking_from_2024",
)


@pytest.fixture(autouse=True)
def seeded_policies(transactional_db):
    """A transactional test empties every table when it ends, and with them the policies the
    migrations seed (measures policy, influence periods, deadlines) that the rule engine and the
    cadre record read. ``serialized_rollback`` should restore them but does not survive a session
    that also runs the Playwright event loop and other tests, so the seeds (idempotent
    ``get_or_create``) are simply run again."""
    from django.apps import apps

    for name in SEED_MIGRATIONS:
        importlib.import_module(f"cases.migrations.{name}").seed(apps, None)


def off_loop(fn, *args, **kwargs):
    """Run a service call outside the thread where Playwright's event loop runs: the services
    push notifications with ``async_to_sync`` on commit, which refuses to run inside a loop."""
    from django.db import connection

    def run():
        try:
            return fn(*args, **kwargs)
        finally:
            connection.close()  # the worker thread's own connection

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def test_audit_officer_files_a_lead_and_follows_it(page_as, world):
    cadre = world.cadres["pl-baofeng:township_deputy:0"]
    page = page_as("audit_officer")
    page.goto(f"{page.base}/leads/new/")
    page.fill("input[name=title]", "审计发现宝丰镇安全生产专项资金拨付迟缓")
    page.fill("textarea[name=facts]", "2025年度预算执行审计发现，专项资金滞留镇财政所九个月。")
    assert page.input_value("select[name=source_kind]") == "audit"  # preselected for an audit office
    page.fill("#cadre-filter", cadre.name)
    visible = page.locator("#cadre-options li:not([hidden])")
    assert visible.count() == 1
    visible.locator("input").check()
    assert page.inner_text("#picked-count") == "1"
    page.check("input[name=circumstances][value='26.1']")
    page.click("form.zm-form button.primary")
    page.wait_for_url(f"{page.base}/referred/")
    case = Case.objects.get(title="审计发现宝丰镇安全生产专项资金拨付迟缓")
    assert case.owner_department == world.departments["pl-discipline"]
    row = page.locator("#referred-cases tbody tr", has_text=case.number)
    assert row.count() == 1
    assert world.departments["pl-discipline"].name in row.inner_text()
    assert "专项资金滞留" not in page.content()  # status and outcome only


def test_lead_form_keeps_input_and_marks_the_missing_cadre(page_as, world):
    page = page_as("inspection_officer")
    page.goto(f"{page.base}/leads/new/")
    page.fill("input[name=title]", "巡察发现问题线索")
    page.fill("textarea[name=facts]", "事实")
    page.click("form.zm-form button.primary")
    assert page.url.endswith("/leads/new/")
    assert page.locator("#subjects-errors").count() == 1
    assert page.input_value("input[name=title]") == "巡察发现问题线索"
    assert Case.objects.filter(title="巡察发现问题线索").count() == 0


def test_organization_officer_reads_a_record_on_another_date(page_as, world):
    case = off_loop(case_in_state, world, CaseState.EXECUTING)
    off_loop(new_lead, world, cadres=("pl-baofeng:township_deputy:0",), circumstances=("26.1",))
    cadre = world.cadres["pl-baofeng:township_deputy:0"]
    page = page_as("organization_officer")
    page.goto(f"{page.base}/cadres/")
    page.fill("input[name=q]", cadre.name)
    page.click("form.zm-filters button.primary")
    page.click(f"#cadres a:has-text('{cadre.name}')")
    page.wait_for_url(f"{page.base}/cadres/{cadre.pk}/")
    assert page.locator(".zm-verdict.no").count() == 2
    assert case.number in page.inner_text("#blocking")
    assert page.locator("#blocking .zm-flag").count() >= 1  # unverified defaults are marked
    page.screenshot(path="/tmp/zeren-record.png", full_page=True)

    later = local_today() + dt.timedelta(days=365 * 3)
    page.fill("#record-date input[name=on]", later.isoformat())
    page.click("#record-date button")
    page.wait_for_url(f"{page.base}/cadres/{cadre.pk}/?on={later.isoformat()}")
    assert page.locator(".zm-verdict.ok").count() == 2
    assert page.locator("#blocking tbody tr").count() == 0


def test_statistics_render_as_inline_svg(page_as, world):
    off_loop(case_in_state, world, CaseState.EXECUTING)
    off_loop(case_in_state, world, CaseState.DECIDED, cadres=("pl-touzha:township_head:0",))
    off_loop(new_lead, world, cadres=("pl-yaofu:township_head:0",), circumstances=("26.1", "26.4"))
    off_loop(new_lead, world, source="audit_officer", cadres=("pl-chengguan:township_head:0",), circumstances=("26.7",))
    page = page_as("discipline_officer")
    page.goto(f"{page.base}/stats/")
    assert page.locator("svg.zm-svg").count() == 5
    assert page.inner_text("#kpi-total") == "4"
    # Every chart has its data table; the bars come from the server, no script draws them.
    assert page.locator("table.zm-datatable").count() == 5
    assert page.locator("#chart-circumstance rect.zm-bar").count() == 4  # 26.1, 26.4, 26.5, 26.7
    page.screenshot(path="/tmp/zeren-stats.png", full_page=True)
