"""The findings form over HTTP: errors next to the fields, then the engine's output.

- discipline_officer: handles the county's cases (accept, findings, conclude, propose, deliver).
- discipline_leader: approves, rejects, dismisses, assigns tasks, decides appeals.
- organization_officer: executes organizational measures and files the personnel archive.
- emergency_officer: referred the leads; sees status and outcome only.
- city_discipline_officer: an outsider; sees nothing of the county's cases.

Every form goes through the services: a refused request re-renders the form with the service's
errors next to its fields and writes nothing.
"""

from __future__ import annotations

import pytest

from cases.codes import CaseState
from cases.models import Finding
from cases.tests.scenarios import case_in_state
from web.tests.helpers import (
    OFFICER,
    field_errors,
    snapshot,
    zh,
)

pytestmark = pytest.mark.django_db


def test_findings_form_shows_errors_then_the_engines_output(login, world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    subject = case.subjects.get()
    url = f"/cases/{case.pk}/subjects/{subject.pk}/findings/"
    client = login(OFFICER)
    html = client.get(url).content.decode()
    assert 'name="circumstances" value="26.5"' in html and "checked" in html  # claimed at intake
    assert 'name="aggravating" value="29.1"' in html and 'name="egregious"' in html and 'name="conduct_date"' in html

    before = snapshot(case.pk)
    response = client.post(url, {"circumstances": ["26.5"], "conduct_date": ""})
    assert response.status_code == 400
    assert field_errors(response, "conduct_date")
    response = client.post(
        url, {"circumstances": ["26.1"], "fp_duties_established": "on", "fp_duties_text": "已履职", "conduct_date": "2026-03-15"}
    )
    assert field_errors(response, "fp_duties_established")
    assert snapshot(case.pk) == before and not Finding.objects.filter(subject=subject).exists()

    response = client.post(
        url,
        {
            "circumstances": ["26.5"],
            "aggravating": ["29.1"],
            "conduct_date": "2026-03-15",
            "performance": "未按期检查",
            "evidence": "检查台账",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#engine")
    finding = Finding.objects.get(subject=subject)
    assert finding.circumstances == ["26.5"] and finding.aggravating == ["29.1"] and finding.evidence == "检查台账"
    html = client.get(url).content.decode()
    assert 'class="zm-engine-outcome accountable"' in html and "第二十九条" in html
    assert '<span class="art">29</span>' in html or '<span class="art">29.1</span>' in html


def test_findings_are_read_only_after_assessment(login, world):
    case = case_in_state(world, CaseState.PROPOSING)
    subject = case.subjects.get()
    url = f"/cases/{case.pk}/subjects/{subject.pk}/findings/"
    client = login(OFFICER)
    html = client.get(url).content.decode()
    assert "<fieldset disabled>" in html and zh("Conclusion") in html
    before = snapshot(case.pk)
    response = client.post(url, {"circumstances": ["26.5"], "conduct_date": "2026-03-15"})
    assert response.status_code == 409 and snapshot(case.pk) == before
