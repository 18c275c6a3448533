"""The list pages' controls in headless Chromium, as an officer uses them (issue 16 item 6).

discipline_officer sorts the case list by clicking a header (and again to reverse it), types in
the search box and sees the rows narrow with the matches marked while the address follows, picks
a page size, saves the view, reloads and applies it from another page, and deletes it; then
selects two tasks in the department queue and claims both at once. The cadre and accident lists
sort and search the same way. Assertions read data-* attributes, URLs and numbers, not the
Chinese labels. Screenshots: /tmp/zeren-lists.png (a live search) and /tmp/zeren-queue-bulk.png.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cases.codes import SourceKind
from cases.models import CaseEvent
from cases.services.leads import lead_create
from core.models import SavedListView
from web.tests.test_browser_leads_cadres_stats import off_loop, seeded_policies  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def _lead(world, title: str):
    return lead_create(
        acting_user=world.users["emergency_officer"],
        title=title,
        facts="测试事实",
        source_kind=SourceKind.ACCIDENT_INVESTIGATION,
        subjects=[world.cadres["pl-baofeng:township_deputy:0"]],
        circumstances=["26.5"],
    )


def _rows(page) -> list[str]:
    return page.locator("tr[data-case]").evaluate_all("rows => rows.map(r => r.dataset.case)")


def test_officer_sorts_searches_sizes_and_saves_a_view_of_the_case_list(page_as, world):
    cases = [off_loop(_lead, world, title) for title in ("乙燃气管道", "甲燃气管道", "丙道路运输", "丁燃气泄漏")]
    numbers = sorted(c.number for c in cases)
    page = page_as("discipline_officer")
    page.goto(f"{page.base}/cases/")
    newest_first = _rows(page)
    assert newest_first[:4] == [c.number for c in reversed(cases)]

    # a header click sorts ascending, a second click reverses
    page.click("th[data-sort-key=number] a")
    page.wait_for_url(re.compile(r"sort=number"))
    expect(page.locator("th[data-sort-key=number]")).to_have_attribute("aria-sort", "ascending")
    assert _rows(page)[:4] == numbers
    page.click("th[data-sort-key=number] a")
    page.wait_for_url(re.compile(r"sort=-number"))
    expect(page.locator("th[data-sort-key=number]")).to_have_attribute("aria-sort", "descending")
    assert _rows(page)[:4] == numbers[::-1]

    # search as you type: the rows narrow without a page load, matches marked, the address follows
    page.evaluate("window.__sameDocument = true")
    page.fill("form[data-live-search] input[name=q]", "燃气")
    expect(page).to_have_url(re.compile(r"q=%E7%87%83%E6%B0%94"))  # replaced once the rows are in
    expect(page.locator("tr[data-case]")).to_have_count(3)
    assert page.evaluate("window.__sameDocument") is True  # swapped in place, not reloaded
    assert set(_rows(page)) == {cases[0].number, cases[1].number, cases[3].number}
    expect(page.locator("tr[data-case] mark").first).to_have_text("燃气")
    assert page.locator("tr[data-case] mark").count() >= 3
    expect(page.locator("[data-list-tally]")).to_have_text("3")  # the header's count follows
    assert "q=%E7%87%83%E6%B0%94" in page.get_attribute("a[data-follow-query]", "href")  # so does the export
    assert "sort=-number" in page.url  # the sort survives the search
    assert _rows(page) == sorted(_rows(page), reverse=True)
    page.screenshot(path="/tmp/zeren-lists.png", full_page=True)

    # page size: the select submits; the size is kept with the view
    page.select_option("[data-list-tools] select[name=page_size]", "50")
    page.wait_for_url(re.compile(r"page_size=50"))
    assert "q=%E7%87%83%E6%B0%94" in page.url

    # save the view, reload, apply it from the plain list
    page.fill("form.zm-saveview input[name=name]", "燃气专项")
    page.click("form.zm-saveview button[name=save]")
    page.wait_for_load_state()
    view = SavedListView.objects.get(user=world.users["discipline_officer"], list_key="cases")
    assert "page_size=50" in view.query and "sort=-number" in view.query and "q=" in view.query
    page.goto(f"{page.base}/cases/")
    page.reload()
    assert len(_rows(page)) == 4  # the plain list: everything (at 50 a page, remembered)
    page.click("[data-saved-view='燃气专项'] a")
    page.wait_for_url(re.compile(r"q=%E7%87%83%E6%B0%94"))
    assert len(_rows(page)) == 3
    expect(page.locator("th[data-sort-key=number]")).to_have_attribute("aria-sort", "descending")

    # another officer does not see it; the owner deletes it
    other = page_as("discipline_officer2")
    other.goto(f"{other.base}/cases/")
    expect(other.locator("[data-saved-view]")).to_have_count(0)
    page.click("[data-saved-view='燃气专项'] button[name=delete]")
    page.wait_for_load_state()
    expect(page.locator("[data-saved-view='燃气专项']")).to_have_count(0)
    assert not SavedListView.objects.exists()


def test_search_works_without_script_too(browser, live_server, world):
    from django.conf import settings

    off_loop(_lead, world, "无脚本燃气")
    off_loop(_lead, world, "无脚本道路")
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", "discipline_officer")
        page.fill("input[name=password]", settings.DEMO_PASSWORD)
        page.click("button.primary")
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}/cases/")
        page.fill("form[data-live-search] input[name=q]", "燃气")
        page.press("form[data-live-search] input[name=q]", "Enter")
        page.wait_for_url(re.compile(r"q=%E7%87%83%E6%B0%94"))
        assert page.locator("tr[data-case]").count() == 1
        assert page.locator("tr[data-case] mark").inner_text() == "燃气"
    finally:
        context.close()


def test_officer_claims_two_queue_tasks_at_once(page_as, world):
    cases = [off_loop(_lead, world, title) for title in ("批量一", "批量二", "批量三")]
    page = page_as("discipline_officer")
    page.goto(f"{page.base}/queue/")
    claim = page.locator("#bulk-tasks button[value=claim]")
    expect(claim).to_be_disabled()  # nothing selected yet
    rows = {c.pk: page.locator("tr", has=page.locator(f"a[href='/cases/{c.pk}/']")) for c in cases}
    picks = [rows[c.pk].locator("input[form=bulk-tasks]") for c in cases[:2]]
    task_ids = [p.get_attribute("value") for p in picks]
    for pick in picks:
        pick.check()
    expect(page.locator("#bulk-tasks [data-bulk-count]")).to_have_text("2")
    page.screenshot(path="/tmp/zeren-queue-bulk.png", full_page=True)
    claim.click()
    page.wait_for_load_state()
    expect(page.locator("ul.messages li.success")).to_have_count(1)
    assert "2" in page.locator("ul.messages li.success").inner_text()
    for task_id in task_ids:
        expect(page.locator(f"#task-{task_id}")).to_have_count(0)  # out of the queue
    page.goto(f"{page.base}/inbox/")
    for task_id in task_ids:
        expect(page.locator(f"#task-{task_id}")).to_have_count(1)
    claimed = CaseEvent.objects.filter(kind="task_claimed", case__in=cases[:2], actor=world.users["discipline_officer"])
    assert claimed.count() == 2
    assert not CaseEvent.objects.filter(kind="task_claimed", case=cases[2]).exists()


def test_cadre_and_accident_lists_sort_and_search(page_as, world):
    cadre = world.cadres["pl-baofeng:township_deputy:0"]
    page = page_as("organization_officer")
    page.goto(f"{page.base}/cadres/")
    page.click("th[data-sort-key=name] a")
    page.wait_for_url(re.compile(r"sort=name"))
    expect(page.locator("th[data-sort-key=name]")).to_have_attribute("aria-sort", "ascending")
    page.fill("form[data-live-search] input[name=q]", cadre.name)
    expect(page).to_have_url(re.compile(r"q="))
    expect(page.locator("#cadres tbody tr mark").first).to_have_text(cadre.name)
    names = page.locator("#cadres tbody tr strong").all_inner_texts()
    assert names and all(cadre.name in n for n in names)
    assert "sort=name" in page.url

    emergency = page_as("emergency_officer")
    emergency.goto(f"{emergency.base}/accidents/")
    before = emergency.locator("tr[data-accident]").count()
    assert before >= 1
    emergency.click("th[data-sort-key=grade] a")
    emergency.wait_for_url(re.compile(r"sort=grade"))
    expect(emergency.locator("th[data-sort-key=grade]")).to_have_attribute("aria-sort", "ascending")
    first_title = emergency.locator("tr[data-accident] strong").first.inner_text()
    emergency.fill("form[data-live-search] input[name=q]", first_title[:3])
    expect(emergency).to_have_url(re.compile(r"q="))
    expect(emergency.locator("tr[data-accident] mark").first).to_have_text(first_title[:3])
