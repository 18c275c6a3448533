"""Accidents over HTTP: grade, report chain, reporting findings.

Personas (``conftest.py``): audit_officer and inspection_officer refer leads and follow only their
status and outcome; organization_officer keeps cadre records and records moves;
organization_leader may also override a veto; discipline_officer handles cases; emergency_officer
records accidents; admin is a superuser without a department.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Accident, AccidentReport, ReportingFinding

pytestmark = pytest.mark.django_db


def test_recording_an_accident_computes_its_grade(client_as, world):
    client = client_as("emergency_officer")
    response = client.post(
        "/accidents/new/",
        {
            "title": "某建筑工地坍塌事故",
            "occurred_at": "2026-06-01T08:30",
            "location": world.departments["pl-chengguan"].pk,
            "deaths": "3",
            "serious_injuries": "0",
            "direct_loss_yuan": "500000",
        },
    )
    accident = Accident.objects.get(title="某建筑工地坍塌事故")
    assert response.status_code == 302 and response["Location"] == f"/accidents/{accident.pk}/"
    assert accident.grade == "larger"
    assert accident.created_by == world.users["emergency_officer"]
    bad = client.post("/accidents/new/", {"title": "", "occurred_at": "yesterday", "deaths": "-1"})
    assert bad.status_code == 400
    assert {"title", "occurred_at", "deaths"} <= set(bad.context["form"].errors)
    assert Accident.objects.filter(title="").count() == 0


def test_report_chain_flags_late_steps_and_findings_need_evidence(client_as, world):
    accident = world.accidents["baofeng"]  # the unit reported 70 minutes after: 10 minutes late
    client = client_as("emergency_officer")
    page = client.get(f"/accidents/{accident.pk}/")
    assert page.context["timeliness"]["late"] is True
    assert page.context["steps"][0]["late"] is True
    assert 'class="zm-late"' in page.content.decode()
    reported = timezone.localtime(accident.unit_reported_at) + dt.timedelta(hours=5)
    response = client.post(
        f"/accidents/{accident.pk}/",
        {
            "action": "report",
            "report-level": "1",
            "report-reporter": "宝丰镇人民政府",
            "report-recipient": world.departments["pl-emergency"].pk,
            "report-reported_at": reported.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    assert AccidentReport.objects.filter(accident=accident, level=1).exists()
    steps = client.get(f"/accidents/{accident.pk}/").context["steps"]
    assert [s["late"] for s in steps] == [True, True]
    assert steps[1]["report"].reporter == "宝丰镇人民政府"

    missing = client.post(
        f"/accidents/{accident.pk}/", {"action": "finding", "finding-kind": "concealed", "finding-evidence": ""}
    )
    assert missing.status_code == 400 and "evidence" in missing.context["finding_form"].errors
    assert not ReportingFinding.objects.filter(accident=accident).exists()
    ok = client.post(
        f"/accidents/{accident.pk}/",
        {"action": "finding", "finding-kind": "concealed", "finding-evidence": "企业隐瞒2名重伤人员，有医院记录为证"},
    )
    assert ok.status_code == 302
    page = client.get(f"/accidents/{accident.pk}/").content.decode()
    assert "企业隐瞒2名重伤人员" in page


def test_accident_forms_are_refused_to_other_departments(client_as, world):
    accident = world.accidents["park"]
    response = client_as("audit_officer").post(
        f"/accidents/{accident.pk}/", {"action": "finding", "finding-kind": "false", "finding-evidence": "x"}
    )
    assert response.status_code == 403
    assert not ReportingFinding.objects.filter(accident=accident).exists()
