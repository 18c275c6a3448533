"""Statistics as an officer uses them, in headless Chromium (issue 16 item 9): filter, click a
bar, land on the case list counting as many cases, remove a filter chip, export.

Screenshot: /tmp/zeren-stats-filtered.png.
"""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from cases.codes import CaseState
from cases.tests.scenarios import case_in_state, new_lead
from core.persistence import local_today
from web.tests.test_browser_leads_cadres_stats import off_loop, seeded_policies  # noqa: F401 - the autouse fixture

pytestmark = pytest.mark.django_db(transaction=True)


def test_filter_click_a_bar_and_export(page_as, world):
    off_loop(case_in_state, world, CaseState.EXECUTING, cadres=("pl-touzha:township_head:0", "pl-yaofu:township_head:0"))
    off_loop(case_in_state, world, CaseState.DECIDED, cadres=("pl-chengguan:township_head:0",))
    off_loop(new_lead, world, cadres=("pl-yaofu:township_head:0",), circumstances=("26.1", "26.4"))
    off_loop(new_lead, world, source="audit_officer", cadres=("pl-chengguan:township_head:0",), circumstances=("26.1",))
    page = page_as("discipline_officer")
    page.goto(f"{page.base}/stats/")
    assert page.inner_text("#kpi-total") == "4"

    # Filter: this year, circumstance 26.1 (the two leads).
    year = str(local_today().year)
    page.select_option("#stats-filters select[name=year]", year)
    page.select_option("#stats-filters select[name=circumstance]", "26.1")
    page.click("#stats-filters button.primary")
    page.wait_for_url(re.compile(rf"/stats/\?year={year}&.*circumstance=26\.1"))
    assert page.inner_text("#kpi-total") == "2"
    assert page.locator("#active-filters li").count() == 2
    page.screenshot(path="/tmp/zeren-stats-filtered.png", full_page=True)

    # The state chart's bar (both leads are received): the list counts as many.
    bar = page.locator("#chart-state svg a.zm-drill").first
    assert bar.get_attribute("data-key") == CaseState.RECEIVED
    count = bar.get_attribute("data-count")
    assert count == "2"
    bar.locator("rect.zm-bar").click()
    page.wait_for_url(re.compile(r"/cases/\?"))
    assert "circumstance=26.1" in page.url and f"year={year}" in page.url and "state=received" in page.url
    assert page.inner_text(".zm-tally") == count
    assert page.locator("table.zm-cases tbody tr").count() == 2
    assert page.locator("#active-filters li").count() == 3

    # Removing the circumstance chip widens the list to every case received this year.
    page.click("#active-filters li[data-filter=circumstance] a.zm-chip-remove")
    page.wait_for_url(lambda url: "circumstance" not in url)
    assert page.inner_text(".zm-tally") == "2"  # the two leads are the only received cases

    # The measure bar under the year filter: cases with an admonishment, not decisions.
    page.goto(f"{page.base}/stats/")
    measure = page.locator("#chart-measure svg a.zm-drill[data-key=admonishment]")
    assert measure.get_attribute("data-count") == "2"  # two cases, three decisions
    measure.locator("rect.zm-bar").click()
    page.wait_for_url(re.compile(r"/cases/\?measure=admonishment$"))
    assert page.inner_text(".zm-tally") == "2"

    # A month column and a KPI open their lists too.
    page.goto(f"{page.base}/stats/")
    column = page.locator("#chart-month svg a.zm-drill").last
    expected = column.get_attribute("data-count")
    column.locator("rect.zm-bar").click()
    page.wait_for_url(re.compile(r"/cases/\?month=\d{4}-\d{2}$"))
    assert page.inner_text(".zm-tally") == expected

    # Export under the filters downloads a workbook with the filtered total.
    page.goto(f"{page.base}/stats/?year={year}&circumstance=26.1")
    with page.expect_download() as info:
        page.click("#stats-export-xlsx")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(handle.read())).active.iter_rows()]
    assert [r[1] for r in rows if r[0] == page.locator("#kpi-total + .zm-kpi-label").inner_text()] == [2]
    with page.expect_download() as info:
        page.click("#stats-export-csv")
    assert info.value.suggested_filename.endswith(".csv")

    # A bad value in a shared link says what is wrong instead of failing.
    response = page.goto(f"{page.base}/stats/?measure=bribe")
    assert response.status == 400
    assert "bribe" in page.inner_text("#filter-errors")
