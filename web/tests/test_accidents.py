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


def _new_accident(**extra) -> dict:
    return {
        "title": "某企业机械伤害事故",
        "occurred_at": "2026-06-01T08:30",
        "location": "",
        "deaths": "1",
        "serious_injuries": "0",
        "direct_loss_yuan": "0",
        **extra,
    }


def test_known_at_starts_the_units_clock_and_the_page_says_so_条例第九条(client_as, world):
    client = client_as("emergency_officer")
    response = client.post("/accidents/new/", _new_accident(known_at="2026-06-01T09:00", unit_reported_at="2026-06-01T09:50"))
    assert response.status_code == 302
    accident = Accident.objects.get(title="某企业机械伤害事故")
    assert timezone.localtime(accident.known_at).strftime("%Y-%m-%d %H:%M") == "2026-06-01 09:00"
    page = client.get(f"/accidents/{accident.pk}/")
    assert page.context["timeliness"]["late"] is False  # 80 minutes after the accident, 50 after the head knew
    assert page.context["timeliness"]["unit_clock_from"] == "known_at"
    assert "自记录的单位负责人获知时间" in page.content.decode()


def test_without_known_at_the_page_says_the_clock_ran_from_the_occurrence(client_as, world):
    client = client_as("emergency_officer")
    client.post("/accidents/new/", _new_accident(unit_reported_at="2026-06-01T09:50"))
    accident = Accident.objects.get(title="某企业机械伤害事故")
    page = client.get(f"/accidents/{accident.pk}/")
    assert page.context["timeliness"]["late"] is True
    assert "单位的时限自事故发生时间起算" in page.content.decode()


@pytest.mark.parametrize("field", ["occurred_at", "known_at", "unit_reported_at"])
def test_a_time_in_the_future_is_refused_next_to_its_field(client_as, world, field):
    future = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    values = {"occurred_at": "2026-06-01T08:30", field: future}
    response = client_as("emergency_officer").post("/accidents/new/", _new_accident(**values))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert not Accident.objects.filter(title="某企业机械伤害事故").exists()


def test_known_at_before_the_accident_is_refused_next_to_its_field(client_as, world):
    response = client_as("emergency_officer").post("/accidents/new/", _new_accident(known_at="2026-06-01T08:00"))
    assert response.status_code == 400 and list(response.context["form"].errors) == ["known_at"]
    assert not Accident.objects.filter(title="某企业机械伤害事故").exists()


def test_a_report_step_in_the_future_is_refused_next_to_its_field(client_as, world):
    accident = world.accidents["baofeng"]
    future = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client_as("emergency_officer").post(
        f"/accidents/{accident.pk}/",
        {"action": "report", "report-level": "1", "report-reporter": "宝丰镇人民政府", "report-reported_at": future},
    )
    assert response.status_code == 400 and "reported_at" in response.context["report_form"].errors
    assert not AccidentReport.objects.filter(accident=accident, level=1).exists()
