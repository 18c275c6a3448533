"""Jurisdictions (issue 7 item 3): one deployment serves Pingluo and its neighbour Huinong under
the same city. Every demo persona × every endpoint and page that addresses an object: nobody
reads or acts on the other county's rows, lists never show them, and the city's organs see a
county's cadres only where they manage the post (Art. 32). Positive controls show each URL
answers its own county, so a denial is a denial and not a wrong URL.

The last test walks the URL resolver: an endpoint added later without a row here fails it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from appraisal.services.assessment import assessment_record, interview_record, patrol_create
from cases.codes import CaseState, SourceKind
from cases.models import Accident, Case, CaseEvent
from cases.services.accidents import accident_create
from cases.services.interim import interim_record
from cases.services.leads import lead_create
from cases.services.materials import material_add
from cases.tests.scenarios import case_in_state
from core.persistence import local_today
from duties.models import Obligation
from duties.services.ledger import record_create
from duties.tests._rulebook_helpers import load_huinong
from notifications.models import Notification
from notifications.services import dispatch_pending

pytestmark = pytest.mark.django_db

PINGLUO = [
    "discipline_officer",
    "discipline_officer2",
    "discipline_leader",
    "discipline_leader2",
    "organization_officer",
    "organization_leader",
    "emergency_officer",
    "audit_officer",
    "inspection_officer",
]
HUINONG = ["huinong_discipline_officer", "huinong_organization_officer", "huinong_emergency_officer"]
CITY = ["city_discipline_officer"]
PDF = b"%PDF-1.4 evidence"
DENIED = {403, 404}


def _objects(world) -> dict[str, dict[str, int]]:
    """One object of each kind in each county."""
    d, u = world.departments, world.users
    pl_case = case_in_state(world, CaseState.EXECUTING)
    pl_cadre = world.cadres["pl-baofeng:township_deputy:0"]
    hn_cadre = world.neighbour_cadres["hn-hongguozi:township_deputy"]
    hn_case = lead_create(
        acting_user=u["huinong_emergency_officer"],
        title="红果子镇线索",
        facts="事实",
        source_kind=SourceKind.ACCIDENT_INVESTIGATION,
        subjects=[hn_cadre],
    )
    hn_accident = accident_create(
        acting_user=u["huinong_emergency_officer"],
        data={
            "title": "红果子镇某企业事故",
            "occurred_at": dt.datetime(2026, 4, 1, 9, tzinfo=dt.UTC),
            "location": d["hn-hongguozi"],
            "deaths": 1,
            "serious_injuries": 0,
            "direct_loss_yuan": "100000",
        },
    )
    # Huinong's posts are measured by Huinong's catalog, never Pingluo's (issue 13): give its
    # rulebook one row, so that the county has a duty record to be denied.
    load_huinong()
    Obligation.objects.create(
        rulebook="huinong",
        code="9-4-township",
        roles=["township_deputy"],
        article=9,
        item="四",
        activity="inspection",
        min_count=1,
        period="month",
        text="（测试用条文）乡镇其他领导干部每月至少带队检查1次",
        valid_from=dt.date(2022, 1, 1),
    )
    records = {}
    for county, cadre, keeper, rulebook in (
        ("pl", pl_cadre, "organization_officer", "pingluo-2021"),
        ("hn", hn_cadre, "huinong_organization_officer", "huinong"),
    ):
        records[county] = record_create(
            acting_user=u[keeper],
            cadre=cadre,
            obligation=Obligation.objects.get(rulebook=rulebook, code="9-4-township"),
            date=dt.date(2026, 10, 9),
            files=[SimpleUploadedFile("a.pdf", PDF)],
        )
    patrols, assessments, interviews = {}, {}, {}
    for county, keeper, township, cadre in (
        ("pl", "emergency_officer", "pl-baofeng", pl_cadre),
        ("hn", "huinong_emergency_officer", "hn-hongguozi", hn_cadre),
    ):
        patrols[county] = patrol_create(
            acting_user=u[keeper], title=f"{county} 巡查", started_on=dt.date(2026, 5, 1), targets=[d[township]]
        )
        assessments[county] = assessment_record(acting_user=u[keeper], year=2025, grade="pass", department=d[township])
        interviews[county] = interview_record(
            acting_user=u[keeper],
            held_on=dt.date(2026, 3, 1),
            department=d[township],
            cadre=cadre,
            ground="hazard_rectification",
            notes="提醒谈话",
        )
    from appraisal.services.rewards import award_grant

    commended = world.cadres["pl-huangquqiao:township_head:0"]
    assessment_record(acting_user=u["organization_officer"], year=2025, grade="excellent", cadre=commended)
    award = award_grant(acting_user=u["organization_leader"], cadre=commended, year=2025)
    pl_subject = pl_case.subjects.get()
    hn_subject = hn_case.subjects.get()
    # 先期处置 of a Pingluo subject under investigation, by the county's organization leader.
    interim_case = case_in_state(world, CaseState.INVESTIGATING, cadres=("pl-baofeng:township_deputy:1",))
    interim = interim_record(
        case_id=interim_case.pk,
        subject_id=interim_case.subjects.get().pk,
        kind="suspension",
        ordered_on=local_today(),
        reason="先期停职",
        acting_user=u["organization_leader"],
    )
    # A case material in each county, attached by the department handling the case.
    materials = {
        county: material_add(
            case_id=case.pk,
            kind="report",
            title="调查报告",
            upload=SimpleUploadedFile("r.pdf", PDF),
            acting_user=u[officer],
        )
        for county, case, officer in (("pl", pl_case, "discipline_officer"), ("hn", hn_case, "huinong_discipline_officer"))
    }
    dispatch_pending()
    return {
        "pl": {
            "case": pl_case.pk,
            "subject": pl_subject.pk,
            "cadre": pl_cadre.pk,
            "accident": world.accidents["baofeng"].pk,
            "record": records["pl"].pk,
            "evidence": records["pl"].evidence.get().pk,
            "patrol": patrols["pl"].pk,
            "assessment": assessments["pl"].pk,
            "interview": interviews["pl"].pk,
            "department": d["pl-baofeng"].pk,
            "county": d["pingluo"].pk,
            "referral": pl_case.referrals.first().pk if pl_case.referrals.exists() else None,
            "execution": pl_case.executions.first().pk,
            "award": award.pk,
            "interim_case": interim_case.pk,
            "interim_subject": interim.subject_id,
            "interim": interim.pk,
            "material": materials["pl"].pk,
        },
        "hn": {
            "case": hn_case.pk,
            "subject": hn_subject.pk,
            "cadre": hn_cadre.pk,
            "accident": hn_accident.pk,
            "record": records["hn"].pk,
            "evidence": records["hn"].evidence.get().pk,
            "patrol": patrols["hn"].pk,
            "assessment": assessments["hn"].pk,
            "interview": interviews["hn"].pk,
            "department": d["hn-hongguozi"].pk,
            "county": d["huinong"].pk,
            "material": materials["hn"].pk,
        },
    }


# (name, method, url template, owner persona of that county for the positive control)
OBJECT_ENDPOINTS = [
    ("case-detail", "get", "/api/v1/cases/{case}/", "discipline"),
    ("case-history", "get", "/api/v1/cases/{case}/history/", "discipline"),
    ("case-transitions", "post", "/api/v1/cases/{case}/transitions/", None),
    ("case-findings", "put", "/api/v1/cases/{case}/subjects/{subject}/findings/", None),
    ("case-findings", "get", "/api/v1/cases/{case}/subjects/{subject}/findings/", "discipline"),
    ("case-ledger-gaps", "post", "/api/v1/cases/{case}/subjects/{subject}/ledger-gaps/", None),
    ("case-veto-override", "post", "/api/v1/cases/{case}/subjects/{subject}/veto-override/", None),
    ("case-filing", "post", "/api/v1/cases/{case}/subjects/{subject}/filing/", None),
    ("case-interim-measures", "get", "/api/v1/cases/{case}/subjects/{subject}/interim-measures/", "discipline"),
    ("case-interim-measures", "post", "/api/v1/cases/{case}/subjects/{subject}/interim-measures/", None),
    ("case-materials", "get", "/api/v1/cases/{case}/materials/", "discipline"),
    ("case-materials", "post", "/api/v1/cases/{case}/materials/", None),
    ("case-material-version", "post", "/api/v1/cases/{case}/materials/{material}/versions/", None),
    ("case-material-withdraw", "post", "/api/v1/cases/{case}/materials/{material}/withdraw/", None),
    ("case-material-download", "get", "/api/v1/cases/{case}/materials/{material}/file/", "discipline"),
    ("case-decision-pdf", "get", "/api/v1/cases/{case}/decision.pdf", None),
    ("case-decision-docx", "get", "/api/v1/cases/{case}/decision.docx", None),
    ("case-documents", "get", "/api/v1/cases/{case}/documents/", None),
    ("case-documents-confirm", "post", "/api/v1/cases/{case}/documents/confirm/", None),
    ("cadre-detail", "get", "/api/v1/cadres/{cadre}/", "organization"),
    ("cadre-record", "get", "/api/v1/cadres/{cadre}/record/", "organization"),
    ("cadre-moves", "post", "/api/v1/cadres/{cadre}/moves/", None),
    ("cadre-compliance", "get", "/api/v1/cadres/{cadre}/compliance/?year=2026", "organization"),
    ("department-detail", "get", "/api/v1/departments/{department}/", "organization"),
    ("department-duty-status", "get", "/api/v1/departments/{department}/duty-status/", "organization"),
    ("department-organ-compliance", "get", "/api/v1/departments/{county}/organ-compliance/", "emergency"),
    ("accident-detail", "get", "/api/v1/accidents/{accident}/", "emergency"),
    ("accident-history", "get", "/api/v1/accidents/{accident}/history/", "emergency"),
    ("accident-reports", "post", "/api/v1/accidents/{accident}/reports/", None),
    ("accident-reporting-findings", "post", "/api/v1/accidents/{accident}/reporting-findings/", None),
    ("duty-record-detail", "get", "/api/v1/duty-records/{record}/", "organization"),
    ("duty-record-void", "post", "/api/v1/duty-records/{record}/void/", None),
    ("duty-record-evidence", "post", "/api/v1/duty-records/{record}/evidence/", None),
    ("duty-record-evidence-download", "get", "/api/v1/duty-records/{record}/evidence/{evidence}/", "organization"),
    ("annual-assessment-detail", "get", "/api/v1/annual-assessments/{assessment}/", "emergency"),
    ("patrol-detail", "get", "/api/v1/patrols/{patrol}/", "emergency"),
    ("patrol-findings", "post", "/api/v1/patrols/{patrol}/findings/", None),
    ("interview-detail", "get", "/api/v1/interviews/{interview}/", "emergency"),
    # pages
    ("case_detail", "get", "/cases/{case}/", "discipline"),
    ("case_findings", "get", "/cases/{case}/subjects/{subject}/findings/", "discipline"),
    ("case_filing", "post", "/cases/{case}/subjects/{subject}/filing/", None),
    ("case_documents", "get", "/cases/{case}/documents/", None),
    ("case_materials", "get", "/cases/{case}/materials/", "discipline"),
    ("case_materials", "post", "/cases/{case}/materials/", None),
    ("case_material_download", "get", "/cases/{case}/materials/{material}/file/", "discipline"),
    ("case_interim", "get", "/cases/{case}/subjects/{subject}/interim/", "discipline"),
    ("case_ledger_gaps", "get", "/cases/{case}/subjects/{subject}/ledger-gaps/", "discipline"),
    ("cadre_record", "get", "/cadres/{cadre}/", "organization"),
    ("accident_detail", "get", "/accidents/{accident}/", "emergency"),
    ("duties_cadre", "get", "/duties/cadres/{cadre}/", "organization"),
    ("duties_organs", "get", "/duties/organs/?department={county}", "emergency"),
    ("duties_evidence", "get", "/duties/records/{record}/evidence/{evidence}/", "organization"),
    ("assessment_patrol", "get", "/assessment/patrols/{patrol}/", "emergency"),
]
OWNERS = {
    "pl": {"discipline": "discipline_officer", "organization": "organization_officer", "emergency": "emergency_officer"},
    "hn": {
        "discipline": "huinong_discipline_officer",
        "organization": "huinong_organization_officer",
        "emergency": "huinong_emergency_officer",
    },
}
# Pingluo's objects seen only through Pingluo's own ids (no such object in Huinong's demo).
PINGLUO_ONLY = [
    ("execution-detail", "get", "/api/v1/executions/{execution}/"),
    ("execution-complete", "post", "/api/v1/executions/{execution}/complete/"),
    ("award-detail", "get", "/api/v1/awards/{award}/"),
    # the city's organization department reaches these for the posts it manages; the city's
    # discipline organ and the neighbour never do
    ("case-interim-measures", "get", "/api/v1/cases/{interim_case}/subjects/{interim_subject}/interim-measures/"),
    ("case-interim-lift", "post", "/api/v1/cases/{interim_case}/subjects/{interim_subject}/interim-measures/{interim}/lift/"),
    ("case-interim-settle", "post", "/api/v1/cases/{interim_case}/subjects/{interim_subject}/interim-measures/{interim}/settle/"),
    ("case_interim", "post", "/cases/{interim_case}/subjects/{interim_subject}/interim/"),
]
LISTS = [
    ("case-list", "/api/v1/cases/?page_size=200", "case"),
    ("cadre-list", "/api/v1/cadres/?page_size=200", "cadre"),
    ("accident-list", "/api/v1/accidents/?page_size=200", "accident"),
    ("department-list", "/api/v1/departments/?page_size=200", "department"),
    ("duty-record-list", "/api/v1/duty-records/?page_size=200", "record"),
    ("annual-assessment-list", "/api/v1/annual-assessments/?page_size=200", "assessment"),
    ("patrol-list", "/api/v1/patrols/?page_size=200", "patrol"),
    ("interview-list", "/api/v1/interviews/?page_size=200", "interview"),
]
# Endpoints that address no object of a county: the catalog, the caller's own rows, or creation
# (creation inside the jurisdiction is tested with each service).
NOT_OBJECT_SCOPED = {
    "set_language",
    "auth-token",
    "auth-me",
    "auth-logout",
    "auth-tokens",
    "auth-token-detail",
    "leads",
    "assessment-evaluate",
    "annual-assessment-report",
    "annual-assessment-publish",
    "patrol-finding-refer",
    "referral-list",
    "referral-detail",
    "referral-accept",
    "referral-acknowledge",
    "referral-return-",
    "execution-list",
    "appeal-list",
    "appeal-detail",
    "appeal-revise",
    "appeal-uphold",
    "notification-list",
    "notification-detail",
    "notification-read",
    "notification-read-all",
    "notification-preferences",
    # the notification centre (issue 16): the caller's own notifications; another user's id is 404
    # (web/tests/test_notifications_page.py)
    "notifications",
    "notification_read",
    "notifications_read_all",
    "task-list",
    "task-assign",
    "task-claim",
    "task-release",
    "obligation-list",
    "obligation-detail",
    "assessment-grade-list",
    "assessment-grade-detail",
    "award-list",
    "award-candidates",
    "api-root",
    "schema",
    "api-docs",
    # Rulebooks are published law, read alike by every signed-in user of any county (issue 13).
    "rulebook-list",
    "rulebook-detail",
    "rulebook-version",
    "rulebook-diff",
    "rulebook-schema",
    "rulebooks",
    "rulebook_detail",
    "rulebook_version",
    "rulebook_diff",
}


def _client(world, username: str) -> APIClient:
    client = APIClient()
    user = world.users[username]
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    client.force_login(user)
    return client


def _call(client, method: str, url: str):
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, {}, format="json")


def test_nobody_reaches_the_other_countys_objects(world):
    objects = _objects(world)
    personas = {"pl": PINGLUO, "hn": HUINONG}
    clients = {name: _client(world, name) for name in PINGLUO + HUINONG + CITY}
    events_before = CaseEvent.objects.count()
    failures = []
    for county, other in (("pl", "hn"), ("hn", "pl")):
        ids = objects[county]
        for name, method, template, owner in OBJECT_ENDPOINTS:
            url = template.format(**ids)
            if owner is not None:
                response = _call(clients[OWNERS[county][owner]], method, url)
                if response.status_code != 200:
                    failures.append(f"control: {OWNERS[county][owner]} {method} {url} → {response.status_code}")
            for persona in personas[other] + CITY:
                response = _call(clients[persona], method, url)
                if response.status_code not in DENIED:
                    failures.append(f"{persona} {method} {url} ({name}) → {response.status_code}")
    for name, method, template in PINGLUO_ONLY:
        url = template.format(**objects["pl"])
        for persona in HUINONG + CITY:
            response = _call(clients[persona], method, url)
            if response.status_code not in DENIED:
                failures.append(f"{persona} {method} {url} ({name}) → {response.status_code}")
    assert not failures, "\n".join(failures)
    assert CaseEvent.objects.count() == events_before  # every refused action wrote nothing


def test_lists_never_show_the_other_countys_rows(world):
    objects = _objects(world)
    failures = []
    for _county, other, personas in (("pl", "hn", PINGLUO), ("hn", "pl", HUINONG)):
        for persona in personas + CITY:
            client = _client(world, persona)
            for name, url, key in LISTS:
                response = client.get(url)
                if response.status_code in DENIED:
                    continue
                ids = {row["id"] for row in response.json()["results"]}
                if objects[other][key] in ids:
                    failures.append(f"{persona} sees {other}'s {key} in {name}")
    # notifications and tasks follow departments: the neighbour's lead reached only its own people
    recipients = set(Notification.objects.filter(case_id=objects["hn"]["case"]).values_list("recipient__username", flat=True))
    assert recipients and recipients <= set(HUINONG), recipients
    assert not failures, "\n".join(failures)


def test_the_city_sees_the_county_leaders_it_manages_and_no_other_cadre(world):
    city = _client(world, "city_discipline_officer")
    secretary = world.cadres["pingluo:county_party_secretary:0"]  # managed by the city (干部管理权限)
    deputy = world.cadres["pl-baofeng:township_deputy:0"]  # managed by the county
    ids = {row["id"] for row in city.get("/api/v1/cadres/?page_size=200").json()["results"]}
    assert secretary.pk in ids and deputy.pk not in ids
    assert city.get(f"/api/v1/cadres/{secretary.pk}/record/").status_code == 200
    assert city.get(f"/api/v1/cadres/{deputy.pk}/record/").status_code == 404


def test_leads_and_transfers_cross_only_along_the_routes(world):
    """Art. 34: to the organs of the jurisdiction above; never sideways to another county."""
    d = world.departments
    emergency = _client(world, "emergency_officer")
    subject = world.cadres["pl-baofeng:township_deputy:0"].pk
    body = {"title": "线索", "facts": "事实", "source_kind": "inspection", "subjects": [subject]}
    sideways = emergency.post("/api/v1/leads/", {**body, "target_department": d["hn-discipline"].pk}, format="json")
    assert sideways.status_code == 400 and "target_department" in sideways.json()["detail"]
    upward = emergency.post("/api/v1/leads/", {**body, "target_department": d["szs-discipline"].pk}, format="json")
    assert upward.status_code == 201
    foreign_subject = emergency.post(
        "/api/v1/leads/", {**body, "subjects": [world.neighbour_cadres["hn-hongguozi:township_head"].pk]}, format="json"
    )
    assert foreign_subject.status_code == 400 and "subjects" in foreign_subject.json()["detail"]

    case = case_in_state(world, CaseState.RECEIVED)
    leader = _client(world, "discipline_leader")
    refused = leader.post(
        f"/api/v1/cases/{case.pk}/transitions/",
        {"name": "transfer", "to_department": d["hn-discipline"].pk, "reason": "移送"},
        format="json",
    )
    assert refused.status_code == 400 and Case.objects.get(pk=case.pk).state == CaseState.RECEIVED
    allowed = leader.post(
        f"/api/v1/cases/{case.pk}/transitions/",
        {"name": "transfer", "to_department": d["pl-organization"].pk, "reason": "移送"},
        format="json",
    )
    assert allowed.status_code == 200


def test_every_endpoint_is_in_the_matrix():
    def names(patterns):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                if str(p.pattern).startswith("admin/"):
                    continue
                yield from names(p.url_patterns)
            elif p.name:
                yield p.name

    api_and_pages = set(names(get_resolver().url_patterns))
    covered = {n for n, *_ in OBJECT_ENDPOINTS} | {n for n, *_ in PINGLUO_ONLY} | {n for n, *_ in LISTS} | NOT_OBJECT_SCOPED
    pages = {n for n in api_and_pages if "-" not in n and n not in covered}
    # the remaining pages are lists and forms of the user's own department (inbox, queue, …)
    page_lists = {
        "login",
        "logout",
        "dashboard",
        "inbox",
        "queue",
        "task_claim",
        "task_release",
        "task_assign",
        "task_bulk",
        "list_view_save",
        "list_view_delete",  # the user's own saved views only (core.listviews)
        "case_list",
        "case_export",
        "case_transition",
        "appeal_file",
        "appeal_decide",
        "execution_complete",
        "lead_new",
        "referred",
        "referrals",
        "referral_action",
        "cadre_list",
        "stats",
        "stats_export",
        "stats_export_csv",
        "accident_list",
        "accident_new",
        "duties",
        "assessment",
        "assessment_report",
        "assessment_patrols",
        "assessment_finding_refer",
        "assessment_interviews",
        "assessment_rewards",
    }
    assert pages - page_lists == set(), f"pages not in the matrix: {sorted(pages - page_lists)}"
    missing = {n for n in api_and_pages if "-" in n} - covered
    assert not missing, f"endpoints not in the matrix: {sorted(missing)}"


def test_page_lists_show_only_the_users_county(world, client):
    objects = _objects(world)
    client.force_login(world.users["huinong_organization_officer"])
    html = client.get("/cadres/").content.decode() + client.get("/duties/").content.decode()
    assert world.neighbour_cadres["hn-hongguozi:township_deputy"].name in html
    assert world.cadres["pl-baofeng:township_deputy:0"].name not in html
    client.force_login(world.users["huinong_emergency_officer"])
    html = client.get("/accidents/").content.decode()
    assert "红果子镇某企业事故" in html and Accident.objects.get(pk=objects["pl"]["accident"]).title not in html


@pytest.mark.parametrize(
    ("api_url", "page_url"),
    [("/api/v1/cadres/?page_size=200", "/cadres/"), ("/api/v1/accidents/?page_size=200", "/accidents/")],
    ids=["cadres", "accidents"],
)
def test_api_lists_show_the_rows_the_pages_show_to_every_persona(world, api_url, page_url):
    """Issue 15: the API listed cadres and accidents to departments whose pages answer 403. For
    each demo persona the API lists exactly the rows of the page (none where the page refuses), and
    each listed row's own page opens."""
    _objects(world)
    failures = []
    for persona in PINGLUO + HUINONG + CITY:
        client = _client(world, persona)
        listed = client.get(api_url)
        assert listed.status_code == 200, (persona, listed.status_code)
        body = listed.json()
        assert body["next"] is None  # one page holds them all
        api_ids = {row["id"] for row in body["results"]}
        page = client.get(page_url)
        if page.status_code == 403:
            page_ids: set[int] = set()
        else:
            assert page.status_code == 200, (persona, page.status_code)
            page_ids = {row.pk for row in page.context["page"].paginator.object_list}
        if api_ids != page_ids:
            failures.append(f"{persona}: API {sorted(api_ids)} ≠ page {sorted(page_ids)}")
        for pk in sorted(api_ids)[:3]:
            if client.get(f"{page_url}{pk}/").status_code != 200:
                failures.append(f"{persona}: API lists {pk}, its page does not open")
    assert not failures, "\n".join(failures)
