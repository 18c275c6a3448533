"""The duty ledger in headless Chromium, in Chinese by default (PRODUCT §3).

organization_officer keeps the county's ledger. Screenshots go to /tmp/zeren-duties-cadre.png,
/tmp/zeren-duties-cadre-error.png and /tmp/zeren-duties-home.png for a person to look at.

Labels are not asserted on: their Chinese comes with the translations, filled in later.
The browser runs on the real clock (a session cookie set on a travelled server clock would already
have expired for it), so the dates are taken relative to today.
"""

from __future__ import annotations

import datetime as dt

import pytest

from core.persistence import local_today
from duties.models import DutyRecord, Obligation

pytestmark = pytest.mark.django_db(transaction=True)

DEPUTY = "pl-baofeng:township_deputy:0"  # one inspection a month (Art. 9(四))
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _month_before(day: dt.date) -> dt.date:
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _block(page, start: dt.date):
    return page.locator(f'tr[data-obligation="9-4-township"] td[data-start="{start.isoformat()}"]')


def test_organization_officer_records_a_missed_inspection_with_evidence(page_as, world):
    cadre = world.cadres[DEPUTY]
    inspection = Obligation.objects.get(code="9-4-township")
    today = local_today()
    last_month = _month_before(today)
    page = page_as("organization_officer")

    # From the cadre record to the compliance calendar of the year the last month belongs to.
    page.goto(f"{page.base}/cadres/{cadre.pk}/")
    page.click("#duty-compliance-link")
    page.wait_for_url(f"{page.base}/duties/cadres/{cadre.pk}/")
    if last_month.year != today.year:
        page.click(f"#year-switcher a:has-text('{last_month.year}')")
        page.wait_for_url(f"{page.base}/duties/cadres/{cadre.pk}/?year={last_month.year}")
    assert page.get_attribute("#fully-met", "data-fully-met") == "no"
    assert page.locator("td.zm-cell.missed").count() >= 1
    assert _block(page, last_month).get_attribute("data-status") == "missed"

    # A bad file first: the error sits next to the files and the note is kept.
    page.select_option("select[name=record-obligation]", str(inspection.pk))
    page.fill("input[name=record-date]", last_month.replace(day=12).isoformat())
    page.fill("textarea[name=record-note]", "带队检查宝丰镇两家危化品企业")
    page.set_input_files(
        "input[name=record-evidence]", files=[{"name": "检查记录.pdf", "mimeType": "application/pdf", "buffer": b"not a pdf"}]
    )
    page.click("#add-record button.primary")
    assert page.locator("#id_record-evidence-errors").count() == 1
    assert page.input_value("textarea[name=record-note]") == "带队检查宝丰镇两家危化品企业"
    assert page.is_visible("#files-dropped")
    page.screenshot(path="/tmp/zeren-duties-cadre-error.png", full_page=True)
    assert not DutyRecord.objects.filter(cadre=cadre).exists()

    page.set_input_files(
        "input[name=record-evidence]", files=[{"name": "检查记录.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.click("#add-record button.primary")
    page.wait_for_url(f"{page.base}/duties/cadres/{cadre.pk}/?year={last_month.year}#records")
    assert _block(page, last_month).get_attribute("data-status") == "met"
    link = page.locator("#records .zm-files a", has_text="检查记录.pdf")
    assert link.count() == 1
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "检查记录.pdf"
    page.screenshot(path="/tmp/zeren-duties-cadre.png", full_page=True)

    # The township's view: the deputy is behind this month until this month's inspection is recorded.
    page.click("nav.mainnav a[href='/duties/']")
    page.select_option("#department-picker select", label=world.departments["pl-baofeng"].name)
    page.click("#department-picker button")
    row = page.locator(f'tbody[data-cadre="{cadre.pk}"]')
    assert row.get_attribute("data-behind") == "yes"
    assert page.get_attribute("nav.mainnav a.active", "href") == "/duties/"

    row.locator("a", has_text=cadre.name).first.click()
    page.wait_for_url(f"{page.base}/duties/cadres/{cadre.pk}/")
    page.select_option("select[name=record-obligation]", str(inspection.pk))
    page.fill("input[name=record-date]", today.isoformat())
    page.click("#add-record button.primary")
    page.wait_for_url(f"{page.base}/duties/cadres/{cadre.pk}/?year={today.year}#records")
    assert _block(page, today.replace(day=1)).get_attribute("data-status") == "met"

    page.goto(f"{page.base}/duties/?department={world.departments['pl-baofeng'].pk}")
    assert page.get_attribute(f'tbody[data-cadre="{cadre.pk}"]', "data-behind") == "no"
    assert page.locator('tbody[data-behind="yes"]').count() >= 1  # the others are still behind
    page.screenshot(path="/tmp/zeren-duties-home.png", full_page=True)
