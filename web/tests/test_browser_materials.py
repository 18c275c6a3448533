"""Case materials (issue 16 item 8) in headless Chromium, in Chinese: the officer attaches an
interview record (a file that is not what its name says is refused first, next to the field),
uploads a new version, cites it in the findings, withdraws it with a reason, and reads all three
steps in the timeline; the citation stays, marked withdrawn. Asserts on data-* attributes and
URLs, not on labels (their Chinese comes with the merged translations).

Screenshots for a person: /tmp/zeren-materials.png, /tmp/zeren-materials-case.png."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cases.codes import CaseState
from cases.models import CaseMaterial, Finding
from cases.tests.scenarios import case_in_state
from web.tests.test_browser_cases import off_loop

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_officer_attaches_versions_cites_and_withdraws_a_material(page_as, world):
    case = off_loop(lambda: case_in_state(world, CaseState.INVESTIGATING, circumstances=("26.5",)))
    subject = case.subjects.get()
    officer = page_as("discipline_officer")
    officer.goto(f"{officer.base}/cases/{case.pk}/")
    expect(officer.locator("#materials")).to_be_visible()
    officer.click("#materials-link")
    officer.wait_for_url(f"{officer.base}/cases/{case.pk}/materials/")

    # A file that is not a PDF though named one: refused next to the file, the title kept.
    officer.select_option('#material-form select[name="material-kind"]', "interview")
    officer.fill('#material-form input[name="material-title"]', "对副镇长的谈话笔录")
    officer.set_input_files(
        '#material-form input[name="material-file"]',
        files=[{"name": "谈话笔录.pdf", "mimeType": "application/pdf", "buffer": b"MZ not a pdf"}],
    )
    officer.click("#material-form button.primary")
    expect(officer.locator("#id_material-file-errors")).to_be_visible()
    assert officer.input_value('#material-form input[name="material-title"]') == "对副镇长的谈话笔录"
    assert not CaseMaterial.objects.filter(case=case).exists()

    officer.set_input_files(
        '#material-form input[name="material-file"]',
        files=[{"name": "谈话笔录.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    officer.click("#material-form button.primary")
    first = CaseMaterial.objects.get(case=case)
    officer.wait_for_url(re.compile(rf"/cases/{case.pk}/materials/#material-{first.pk}$"))
    row = officer.locator(f"#material-{first.pk}")
    expect(row).to_have_attribute("data-version", "1")
    expect(row).to_have_attribute("data-kind", "interview")
    with officer.expect_download() as download:
        row.locator("a.material-download").click()
    assert download.value.suggested_filename == "谈话笔录.pdf"

    # A new version (a scan as PNG): the row now shows version 2, version 1 stays downloadable.
    officer.click(f"#material-actions-{first.pk} summary")
    officer.set_input_files(
        f'#version-{first.pk} input[type="file"]',
        files=[{"name": "谈话笔录（签字版）.png", "mimeType": "image/png", "buffer": PNG}],
    )
    officer.click(f"#version-{first.pk} button")
    second = CaseMaterial.objects.get(case=case, version=2)
    officer.wait_for_url(re.compile(rf"/cases/{case.pk}/materials/#material-{second.pk}$"))
    expect(officer.locator(f"#material-{second.pk}")).to_have_attribute("data-series", first.series)
    expect(officer.locator(f'#material-{second.pk} a[data-version-link="1"]')).to_have_count(1)
    officer.screenshot(path="/tmp/zeren-materials.png", full_page=True)

    # Cited in the findings: the latest version is offered.
    officer.goto(f"{officer.base}/cases/{case.pk}/subjects/{subject.pk}/findings/")
    expect(officer.locator(f'input[name="materials"][value="{first.pk}"]')).to_have_count(0)
    officer.check(f'input[name="materials"][value="{second.pk}"]')
    officer.fill('input[name="conduct_date"]', "2026-03-15")
    officer.click('#findings-form button[type="submit"]')
    officer.wait_for_url(re.compile(rf"/cases/{case.pk}/subjects/{subject.pk}/findings/#engine$"))
    assert Finding.objects.get(subject=subject).materials == [second.pk]
    expect(officer.locator(f'input[name="materials"][value="{second.pk}"]')).to_be_checked()

    # Withdrawn: a reason is required; then every version is marked and nothing is deleted.
    officer.goto(f"{officer.base}/cases/{case.pk}/materials/")
    officer.click(f"#material-actions-{second.pk} summary")
    officer.click(f"#withdraw-{second.pk} button")
    expect(officer.locator(f'#withdraw-{second.pk} .zm-errors ul[data-field="reason"]')).to_be_visible()
    assert not CaseMaterial.objects.filter(case=case, withdrawn_at__isnull=False).exists()
    officer.fill(f"#withdraw-{second.pk} textarea", "笔录未经被谈话人签字确认，改以正式笔录为准。")
    officer.click(f"#withdraw-{second.pk} button")
    officer.wait_for_url(re.compile(rf"/cases/{case.pk}/materials/#material-{second.pk}$"))
    expect(officer.locator(f"#material-{second.pk}")).to_have_attribute("data-withdrawn", "true")
    expect(officer.locator(f"#material-actions-{second.pk}")).to_have_count(0)
    assert CaseMaterial.objects.filter(case=case).count() == 2

    # The case page: the citation stays, marked withdrawn; the timeline has the three steps, labelled.
    officer.goto(f"{officer.base}/cases/{case.pk}/")
    cited = officer.locator(f'#cited-materials-{subject.pk} [data-cited-material="{second.pk}"]')
    expect(cited).to_have_attribute("data-withdrawn", "true")
    expect(officer.locator(f"#materials #material-{second.pk}")).to_have_attribute("data-withdrawn", "true")
    for kind in ("material_added", "material_versioned", "material_withdrawn"):
        item = officer.locator(f"#timeline li.k-{kind}")
        expect(item).to_have_count(1)
        expect(item.locator("strong").first).not_to_have_text(kind)
    expect(officer.locator("#timeline li.k-material_withdrawn blockquote")).to_contain_text("未经被谈话人签字确认")
    officer.screenshot(path="/tmp/zeren-materials-case.png", full_page=True)


def test_the_referring_agency_sees_no_materials(page_as, world):
    case = off_loop(lambda: case_in_state(world, CaseState.INVESTIGATING))
    source = page_as("emergency_officer")
    source.goto(f"{source.base}/cases/{case.pk}/")
    expect(source.locator("#materials")).to_have_count(0)
    response = source.goto(f"{source.base}/cases/{case.pk}/materials/")
    assert response.status == 404


def test_from_the_case_page_attach_and_withdraw_inline(page_as, world):
    case = off_loop(lambda: case_in_state(world, CaseState.INVESTIGATING))
    officer = page_as("discipline_officer")
    officer.goto(f"{officer.base}/cases/{case.pk}/")
    officer.click("#case-material-upload summary")
    officer.select_option('#case-material-upload select[name="material-kind"]', "photo")
    officer.fill('#case-material-upload input[name="material-title"]', "事故现场照片")
    officer.set_input_files(
        '#case-material-upload input[name="material-file"]',
        files=[{"name": "现场.png", "mimeType": "image/png", "buffer": PNG}],
    )
    officer.click("#case-material-upload button.primary")
    officer.wait_for_url(re.compile(rf"/cases/{case.pk}/#materials$"))
    material = CaseMaterial.objects.get(case=case)
    expect(officer.locator(f"#materials #material-{material.pk}")).to_have_attribute("data-kind", "photo")
    officer.fill(f'#case-withdraw-{material.pk} input[name="withdraw{material.pk}-reason"]', "照片拍摄对象有误")
    officer.click(f"#case-withdraw-{material.pk} button")
    officer.wait_for_url(re.compile(rf"/cases/{case.pk}/#materials$"))
    expect(officer.locator(f"#materials #material-{material.pk}")).to_have_attribute("data-withdrawn", "true")
    expect(officer.locator("#timeline li.k-material_withdrawn blockquote")).to_contain_text("照片拍摄对象有误")
