"""Query budgets for every list and detail endpoint and every page (issue 7 item 2): each costs
the same number of queries on the demo county and after much more data was added, and stays
within a fixed budget. Counts are asserted, never timings.

The data grows where each URL would feel it: more cases (several on the same cadre, through the
whole lifecycle), more duty records with evidence, more assessments, patrols and 约谈.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from appraisal.models import AnnualAssessment, Interview, Patrol
from cases.codes import CaseState
from cases.models import Accident, Appeal, Case, ExecutionTask, InterimMeasure, Referral
from cases.services.interim import interim_record
from cases.services.materials import material_add, material_new_version, material_withdraw
from cases.tests.scenarios import case_in_state
from duties.models import DutyRecord, Evidence, Obligation
from duties.services.ledger import organ_record_create, record_create
from notifications.models import Notification
from notifications.services import dispatch_pending
from org.models import Cadre, Department

pytestmark = pytest.mark.django_db

# Generous ceilings: what matters is that counts do not grow; the ceiling catches a page that
# starts doing per-row work in a loop the growth test would only see with more rows than added.
API_BUDGET = 20
PAGE_BUDGET = 40


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return len(ctx.captured_queries)


def _grow(world) -> None:
    """Add rows of every kind the URLs list or nest."""
    officer = world.users["emergency_officer"]
    cadre = world.cadres["pl-baofeng:township_deputy:0"]
    for _n in range(3):
        case_in_state(world, CaseState.EXECUTING)
        case_in_state(world, CaseState.INVESTIGATING, cadres=("pl-baofeng:township_deputy:0", "pl-touzha:township_head:0"))
    obligation = Obligation.objects.get(code="9-4-township")
    pdf = b"%PDF-1.4 evidence"
    for month in range(1, 11):
        record_create(
            acting_user=officer,
            cadre=cadre,
            obligation=obligation,
            date=dt.date(2026, month, 20),
            note="补充记录",
            files=[SimpleUploadedFile("a.pdf", pdf), SimpleUploadedFile("b.pdf", pdf)],
        )
    evaluation = Obligation.objects.get(rulebook="pingluo-2021", code="16")
    for month in range(3, 7):
        organ_record_create(
            acting_user=officer,
            unit=world.departments["pingluo"],
            obligation=evaluation,
            date=dt.date(2026, month, 2),
            files=[SimpleUploadedFile("c.pdf", pdf)],
        )
    # 先期处置: the demo's suspended cadre is removed from post as well (one more measure to list).
    suspended = InterimMeasure.objects.order_by("id").first()
    interim_record(
        case_id=suspended.subject.case_id,
        subject_id=suspended.subject_id,
        kind="removal",
        ordered_on=suspended.ordered_on,
        reason="调查表明不宜继续担任现职，先期免职。",
        acting_user=world.users["organization_leader"],
    )
    # Case materials: three on the case the URLs read, one of them in a second version, one withdrawn.
    case = Case.objects.filter(state=CaseState.EXECUTING).order_by("id").first()
    officer = world.users["discipline_officer"]
    added = [
        material_add(
            case_id=case.pk, kind=kind, title=f"材料{kind}", upload=SimpleUploadedFile("m.pdf", pdf), acting_user=officer
        )
        for kind in ("interview", "report", "photo")
    ]
    material_new_version(case_id=case.pk, material_id=added[0].pk, upload=SimpleUploadedFile("m2.pdf", pdf), acting_user=officer)
    material_withdraw(case_id=case.pk, material_id=added[1].pk, reason="重复上传", acting_user=officer)
    dispatch_pending()


def _urls(world) -> list[tuple[str, str]]:
    """(persona, url) for every list and detail endpoint and every page."""
    d, c = world.departments, world.cadres
    case = Case.objects.filter(state=CaseState.EXECUTING).order_by("id").first()
    subject = case.subjects.order_by("id").first()
    cadre = c["pl-baofeng:township_deputy:0"]
    referral = Referral.objects.order_by("id").first()
    execution = ExecutionTask.objects.order_by("id").first()
    appeal = Appeal.objects.order_by("id").first()
    accident = Accident.objects.order_by("id").first()
    record = DutyRecord.objects.filter(cadre=cadre).order_by("id").first()
    evidence = Evidence.objects.order_by("id").first()
    patrol = Patrol.objects.order_by("id").first()
    assessment = AnnualAssessment.objects.order_by("id").first()
    interview = Interview.objects.order_by("id").first()
    obligation = Obligation.objects.order_by("id").first()
    township = d["pl-baofeng"]
    interim = InterimMeasure.objects.select_related("subject").order_by("id").first().subject  # the demo's 先期停职
    disc, org, emer = "discipline_officer", "organization_officer", "emergency_officer"
    return [
        # API v1
        (disc, "/api/v1/auth/me/"),
        (disc, "/api/v1/departments/"),
        (disc, f"/api/v1/departments/{township.pk}/"),
        (org, "/api/v1/cadres/?page_size=100"),
        (org, f"/api/v1/cadres/{cadre.pk}/"),
        (org, f"/api/v1/cadres/{cadre.pk}/record/"),
        (org, f"/api/v1/cadres/{cadre.pk}/compliance/?year=2026"),
        (org, f"/api/v1/departments/{township.pk}/duty-status/"),
        (emer, f"/api/v1/departments/{d['pingluo'].pk}/organ-compliance/?year=2026"),
        (emer, "/api/v1/accidents/"),
        (emer, f"/api/v1/accidents/{accident.pk}/"),
        (disc, "/api/v1/cases/?page_size=100"),
        (disc, "/api/v1/cases/?q=宝丰&state=executing&page_size=100"),
        (disc, f"/api/v1/cases/{case.pk}/"),
        (disc, f"/api/v1/cases/{case.pk}/history/"),
        (org, f"/api/v1/cases/{interim.case_id}/subjects/{interim.pk}/interim-measures/"),
        (org, f"/api/v1/cadres/{interim.cadre_id}/record/"),
        (disc, "/api/v1/referrals/?page_size=100"),
        (disc, f"/api/v1/referrals/{referral.pk}/"),
        (disc, "/api/v1/executions/?page_size=100"),
        (disc, f"/api/v1/executions/{execution.pk}/"),
        (disc, "/api/v1/appeals/"),
        (disc, f"/api/v1/appeals/{appeal.pk}/"),
        (disc, "/api/v1/tasks/?scope=department&page_size=100"),
        (disc, "/api/v1/notifications/?page_size=100"),
        (org, "/api/v1/obligations/"),
        (org, f"/api/v1/obligations/{obligation.pk}/"),
        (org, "/api/v1/duty-records/?page_size=100"),
        (org, f"/api/v1/duty-records/{record.pk}/"),
        (org, "/api/v1/assessment-grades/"),
        (org, "/api/v1/annual-assessments/?page_size=100"),
        (org, f"/api/v1/annual-assessments/{assessment.pk}/"),
        (emer, "/api/v1/patrols/"),
        (emer, f"/api/v1/patrols/{patrol.pk}/"),
        (emer, "/api/v1/interviews/"),
        (emer, f"/api/v1/interviews/{interview.pk}/"),
        (org, "/api/v1/awards/"),
        (org, "/api/v1/awards/candidates/?year=2025"),
        # pages
        (disc, "/"),
        (disc, "/inbox/"),
        (disc, "/queue/"),
        (disc, "/cases/"),
        (disc, f"/cases/{case.pk}/"),
        (disc, f"/cases/{case.pk}/subjects/{subject.pk}/findings/"),
        (disc, f"/cases/{case.pk}/materials/"),
        (disc, f"/api/v1/cases/{case.pk}/materials/"),
        (org, f"/cases/{interim.case_id}/subjects/{interim.pk}/interim/"),
        (org, f"/cadres/{interim.cadre_id}/"),
        (disc, f"/cases/{interim.case_id}/"),
        (emer, "/referred/"),
        (disc, "/referrals/"),
        (org, "/cadres/"),
        (org, f"/cadres/{cadre.pk}/"),
        (disc, "/stats/"),
        (disc, f"/stats/?year=2026&circumstance=26.5&measure=admonishment&state=executing&department={d['pl-discipline'].pk}"),
        (disc, "/stats/export.xlsx?circumstance=26.1"),
        (disc, "/cases/?year=2026&circumstance=26.5&measure=admonishment"),
        (emer, "/accidents/"),
        (emer, f"/accidents/{accident.pk}/"),
        (org, f"/duties/?department={township.pk}"),
        (org, f"/duties/cadres/{cadre.pk}/?year=2026"),
        (emer, f"/duties/organs/?department={d['pingluo'].pk}&year=2026"),
        (org, f"/duties/records/{evidence.record_id}/evidence/{evidence.pk}/"),
        (emer, "/assessment/?year=2025"),
        (emer, "/assessment/patrols/"),
        (emer, f"/assessment/patrols/{patrol.pk}/"),
        (emer, "/assessment/interviews/"),
        (org, "/assessment/rewards/?year=2025"),
        (disc, "/notifications/"),
        (disc, f"/notifications/?case={case.pk}"),
    ]


def _clients(world) -> dict[str, APIClient]:
    clients = {}
    for name in ("discipline_officer", "organization_officer", "emergency_officer"):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=world.users[name])[0].key}")
        client.force_login(world.users[name])
        clients[name] = client
    return clients


def test_every_endpoint_and_page_costs_the_same_whatever_the_data(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("loaddemo", stdout=io.StringIO())
    dispatch_pending()  # the test's transaction never commits, so the on-commit dispatch never ran
    assert Notification.objects.exists()  # the notifications list has rows to show
    clients = _clients(world)
    urls = _urls(world)
    before = {(who, url): _count(clients[who], url) for who, url in urls}
    _grow(world)
    after = {(who, url): _count(clients[who], url) for who, url in urls}

    grown = {key: (before[key], after[key]) for key in before if before[key] != after[key]}
    assert not grown, "query counts grew with the data: " + "; ".join(f"{u} {b}→{a}" for (_w, u), (b, a) in grown.items())
    over = {url: n for (_who, url), n in after.items() if n > (API_BUDGET if url.startswith("/api/") else PAGE_BUDGET)}
    assert not over, f"over budget: {over}"
    # the lists really did grow: the comparison above was not made on the same rows
    assert Case.objects.count() >= 20 and Cadre.objects.count() >= 60 and Department.objects.count() >= 20
