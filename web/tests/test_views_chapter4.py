"""Chapters 4–5 pages over HTTP, as the personas use them: annual results and their publication
(Art. 16, 18, 20), patrols and their findings (Art. 14), 约谈 (Art. 15), Art. 25 rewards.

Personas (``conftest.py``): emergency_officer (the safety committee's office) and
organization_officer keep these records; organization_leader also grants awards;
discipline_officer reads everything and records nothing; audit_officer and
city_discipline_officer (the city's organ, not the county's) see none of it; admin is a
superuser without a department.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cases.codes import CaseState
from cases.models import Case
from cases.services.common import local_today
from cases.tests.scenarios import case_in_state
from duties.models import AnnualAssessment, Award, Interview, Patrol, PatrolFinding, Publication
from duties.services.assessment import (
    assessment_record,
    interview_record,
    patrol_create,
    patrol_finding_add,
    patrol_finding_refer,
)

pytestmark = pytest.mark.django_db

TOUZHA_HEAD = "pl-touzha:township_head:0"
BAOFENG_DEPUTY = "pl-baofeng:township_deputy:0"
YAOFU_HEAD = "pl-yaofu:township_head:0"
CHENGGUAN_HEAD = "pl-chengguan:township_head:0"
YEAR = local_today().year - 1
PAGES = ["/assessment/", "/assessment/patrols/", "/assessment/interviews/", "/assessment/rewards/"]


def tr(message: str) -> str:
    """A message as the UI shows it (Simplified Chinese by default, where translated)."""
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(message)


@pytest.fixture
def client_as(world):
    def make(username: str | None) -> Client:
        client = Client()
        if username:
            client.force_login(world.users[username])
        return client

    return make


def _result(world, unit: str, grade: str, rank=None, of=None, year=YEAR, by="emergency_officer"):
    return assessment_record(
        acting_user=world.users[by],
        year=year,
        grade=grade,
        department=world.departments[unit],
        rank=rank,
        ranked_of=of,
        score=Decimal("61.5") if grade == "fail" else Decimal("92"),
    )


def _cadre_result(world, key: str, grade: str = "excellent", year=YEAR, by="organization_officer"):
    return assessment_record(acting_user=world.users[by], year=year, grade=grade, cadre=world.cadres[key])


def _patrol(world, units=("pl-touzha", "pl-baofeng"), title="2025年度安全生产巡查"):
    return patrol_create(
        acting_user=world.users["emergency_officer"],
        title=title,
        started_on=dt.date(YEAR, 9, 1),
        ended_on=dt.date(YEAR, 9, 30),
        targets=[world.departments[u] for u in units],
    )


def _finding(world, patrol, unit="pl-touzha", keys=(TOUZHA_HEAD,), text="重大事故隐患整改不到位"):
    return patrol_finding_add(
        acting_user=world.users["emergency_officer"],
        patrol=patrol,
        department=world.departments[unit],
        text=text,
        cadres=[world.cadres[k] for k in keys],
    )


# --- who may open what ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", [*PAGES, f"/assessment/report.xlsx?year={YEAR}"])
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("emergency_officer", 200),
        ("organization_officer", 200),
        ("discipline_officer", 200),
        ("admin", 200),
        ("audit_officer", 403),
        ("inspection_officer", 403),
        ("city_discipline_officer", 403),
    ],
)
def test_pages_open_for_keepers_and_the_discipline_organ_of_the_county(client_as, url, persona, status):
    assert client_as(persona).get(url).status_code == status


@pytest.mark.parametrize("url", [*PAGES, "/assessment/report.xlsx", "/assessment/patrols/1/"])
def test_anonymous_users_are_sent_to_the_login_page(client_as, url):
    response = client_as(None).get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_discipline_organ_reads_but_records_nothing(client_as, world):
    patrol = _patrol(world)
    finding = _finding(world, patrol)
    _result(world, "pl-touzha", "fail", 2, 2)
    client = client_as("discipline_officer")
    home = client.get(f"/assessment/?year={YEAR}").content.decode()
    assert "头闸镇" in home
    assert 'value="department"' not in home and 'id="publish-form"' not in home
    assert "ground=assessment_last_failed" not in home  # the 约谈 link is for keepers
    assert 'name="patrol-title"' not in client.get("/assessment/patrols/").content.decode()
    detail = client.get(f"/assessment/patrols/{patrol.pk}/").content.decode()
    assert "重大事故隐患整改不到位" in detail and "/refer/" not in detail
    posts = [
        (
            f"/assessment/?year={YEAR}",
            {"action": "department", "dept-department": world.departments["pl-yaofu"].pk, "dept-grade": "good"},
        ),
        ("/assessment/patrols/", {"patrol-title": "x", "patrol-started_on": "2025-01-02"}),
        (f"/assessment/patrols/{patrol.pk}/", {"finding-department": world.departments["pl-touzha"].pk, "finding-text": "x"}),
        (f"/assessment/patrols/{patrol.pk}/findings/{finding.pk}/refer/", {}),
        ("/assessment/interviews/", {"iv-held_on": "2025-01-02"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert AnnualAssessment.objects.count() == 1
    assert Patrol.objects.count() == 1 and PatrolFinding.objects.count() == 1
    assert not Case.objects.exists() and not Interview.objects.exists()


# --- 1. results of the year and their publication ------------------------------------------------


def test_emergency_officer_records_results_and_the_last_failed_unit_is_flagged(client_as, world):
    client = client_as("emergency_officer")
    for unit, grade, rank in (("pl-chengguan", "excellent", 1), ("pl-touzha", "fail", 2)):
        response = client.post(
            f"/assessment/?year={YEAR}",
            {
                "action": "department",
                "dept-department": world.departments[unit].pk,
                "dept-grade": grade,
                "dept-score": "88.5",
                "dept-rank": str(rank),
                "dept-ranked_of": "2",
                "dept-note": "年度考核",
            },
        )
        assert response.status_code == 302 and response["Location"] == f"/assessment/?year={YEAR}"
    last = AnnualAssessment.objects.get(department=world.departments["pl-touzha"], year=YEAR)
    assert last.grade.code == "fail" and last.ranked_last and last.recorded_by == world.users["emergency_officer"]
    page = client.get(f"/assessment/?year={YEAR}")
    rows = {row["a"].department.code: row["alarm"] for row in page.context["dept_rows"]}
    assert rows == {"pl-chengguan": False, "pl-touzha": True}
    html = page.content.decode()
    assert f'id="result-{last.pk}" class="zm-alarm"' in html
    link = f"/assessment/interviews/?ground=assessment_last_failed&amp;department={last.department_id}&amp;assessment={last.pk}"
    assert link in html
    # The link prefills the 约谈 form.
    form = client.get(link.replace("&amp;", "&")).context["form"]
    assert form.initial["assessment"] == last.pk and form.initial["ground"] == "assessment_last_failed"


def test_bad_results_show_errors_next_to_the_fields_and_save_nothing(client_as, world):
    client = client_as("emergency_officer")
    unit = world.departments["pl-yaofu"].pk
    missing = client.post(f"/assessment/?year={YEAR}", {"action": "department", "dept-department": unit, "dept-rank": "0"})
    assert missing.status_code == 400
    assert {"grade", "rank"} <= set(missing.context["dept_form"].errors)
    # The service's own rules come back next to the field they concern.
    rank = client.post(
        f"/assessment/?year={YEAR}",
        {"action": "department", "dept-department": unit, "dept-grade": "good", "dept-rank": "5", "dept-ranked_of": "3"},
    )
    assert rank.status_code == 400
    assert rank.context["dept_form"].errors["rank"] == [tr("The rank must be between 1 and the number ranked.")]
    assert 'id="id_dept-rank-errors"' in rank.content.decode()
    # A unit of another county is not even a choice.
    outside = client.post(
        f"/assessment/?year={YEAR}",
        {"action": "department", "dept-department": world.departments["szs-emergency"].pk, "dept-grade": "good"},
    )
    assert outside.status_code == 400 and "department" in outside.context["dept_form"].errors
    nobody = client.post(f"/assessment/?year={YEAR}", {"action": "cadre", "cadre-grade": "good"})
    assert nobody.status_code == 400 and "cadre" in nobody.context["cadre_form"].errors
    assert not AnnualAssessment.objects.exists()


def test_a_leaders_result_keeps_the_duty_ledger_snapshot(client_as, world):
    client = client_as("organization_officer")
    cadre = world.cadres[TOUZHA_HEAD]
    response = client.post(
        f"/assessment/?year={YEAR}", {"action": "cadre", "cadre-cadre": cadre.pk, "cadre-grade": "excellent", "cadre-score": "95"}
    )
    assert response.status_code == 302
    row = AnnualAssessment.objects.get(cadre=cadre, year=YEAR)
    assert row.compliance["fully_met"] is False  # the demo county keeps no duty records for the year
    page = client.get(f"/assessment/?year={YEAR}")
    (shown,) = page.context["cadre_rows"]
    assert shown["fully_met"] is False and shown["missed"]
    assert shown["post"].organization == world.departments["pl-touzha"]
    html = page.content.decode()
    assert f'href="/cadres/{cadre.pk}/"' in html and "✗" in html


def test_publication_needs_results_first(client_as, world):
    client = client_as("emergency_officer")
    data = {"action": "publish", "pub-published_on": local_today().isoformat(), "pub-channel": "县安委会文件通报"}
    early = client.post(f"/assessment/?year={YEAR}", data)
    assert early.status_code == 409
    assert early.context["publish_form"].non_field_errors() == [tr("No assessment results are recorded for %(y)s.") % {"y": YEAR}]
    assert not Publication.objects.exists()
    blank = client.post(f"/assessment/?year={YEAR}", {**data, "pub-channel": ""})
    assert blank.status_code == 400 and "channel" in blank.context["publish_form"].errors

    _result(world, "pl-touzha", "good")
    assert client.post(f"/assessment/?year={YEAR}", data).status_code == 302
    publication = Publication.objects.get(year=YEAR)
    assert publication.county == world.departments["pingluo"] and publication.channel == "县安委会文件通报"
    page = client_as("discipline_officer").get(f"/assessment/?year={YEAR}")
    assert page.context["publications"] == [publication]
    assert "县安委会文件通报" in page.content.decode()


def test_an_invalid_year_is_reported_and_the_report_refuses_it(client_as, world):
    client = client_as("emergency_officer")
    page = client.get("/assessment/?year=1999")
    assert page.status_code == 200 and "year" in page.context["year_form"].errors
    assert page.context["year"] >= 2021
    assert client.get("/assessment/report.xlsx?year=abc").status_code == 404


def test_the_xlsx_report_lists_the_years_results(client_as, world):
    from openpyxl import load_workbook

    _result(world, "pl-touzha", "fail", 2, 2)
    _cadre_result(world, TOUZHA_HEAD)
    home = client_as("discipline_officer").get(f"/assessment/?year={YEAR}").content.decode()
    assert f'href="/assessment/report.xlsx?year={YEAR}"' in home
    response = client_as("discipline_officer").get(f"/assessment/report.xlsx?year={YEAR}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == f'attachment; filename="safety-assessment-{YEAR}.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    units, leaders = book.worksheets
    assert [c.value for c in units[2]][:3] == ["2/2", "头闸镇", "不合格"]
    assert leaders[2][0].value == world.cadres[TOUZHA_HEAD].name


# --- 2. patrols and findings -----------------------------------------------------------------------


def test_emergency_officer_records_a_patrol(client_as, world):
    client = client_as("emergency_officer")
    targets = [world.departments[u].pk for u in ("pl-touzha", "pl-housing")]
    deputy = world.cadres["pingluo:county_safety_deputy:0"]
    response = client.post(
        "/assessment/patrols/",
        {
            "patrol-title": "2025年安全生产专项巡查",
            "patrol-started_on": f"{YEAR}-05-06",
            "patrol-ended_on": f"{YEAR}-05-20",
            "patrol-targets": targets,
            "patrol-led_by": deputy.pk,
            "patrol-summary": "延伸巡查重点企业",
        },
    )
    patrol = Patrol.objects.get(title="2025年安全生产专项巡查")
    assert response.status_code == 302 and response["Location"] == f"/assessment/patrols/{patrol.pk}/"
    assert sorted(patrol.targets.values_list("pk", flat=True)) == sorted(targets)
    assert patrol.county == world.departments["pingluo"]
    # Led by the county leader in charge of work safety: the Art. 14 duty is recorded with it.
    assert patrol.led_by == deputy and patrol.duty_record.cadre == deputy
    detail = client.get(response["Location"])
    assert 'id="patrol-facts"' in detail.content.decode() and detail.context["patrol"].duty_record_id
    listing = client.get("/assessment/patrols/").content.decode()
    assert f'href="/assessment/patrols/{patrol.pk}/"' in listing and "头闸镇" in listing


def test_bad_patrol_shows_errors_and_saves_nothing(client_as, world):
    client = client_as("emergency_officer")
    empty = client.post("/assessment/patrols/", {"patrol-title": "", "patrol-started_on": "soon"})
    assert empty.status_code == 400
    assert {"title", "started_on", "targets"} <= set(empty.context["form"].errors)
    assert 'id="targets-errors"' in empty.content.decode()
    backwards = client.post(
        "/assessment/patrols/",
        {
            "patrol-title": "倒序日期",
            "patrol-started_on": f"{YEAR}-05-06",
            "patrol-ended_on": f"{YEAR}-05-01",
            "patrol-targets": [world.departments["pl-touzha"].pk],
        },
    )
    assert backwards.status_code == 400
    assert backwards.context["form"].errors["ended_on"] == [tr("Must be between the start and today.")]
    assert not Patrol.objects.exists()


def test_a_finding_is_recorded_then_handed_over_as_a_lead(client_as, world):
    patrol = _patrol(world)
    client = client_as("emergency_officer")
    cadre = world.cadres[TOUZHA_HEAD]
    page = client.get(f"/assessment/patrols/{patrol.pk}/")
    assert [o["cadre"].pk for o in page.context["options"] if o["cadre"].pk == cadre.pk] == [cadre.pk]
    outside = client.post(
        f"/assessment/patrols/{patrol.pk}/",
        {"finding-department": world.departments["pl-yaofu"].pk, "finding-text": "x", "finding-cadres": [cadre.pk]},
    )
    assert outside.status_code == 400 and "department" in outside.context["form"].errors  # not patrolled
    blank = client.post(f"/assessment/patrols/{patrol.pk}/", {"finding-department": world.departments["pl-touzha"].pk})
    assert blank.status_code == 400 and "text" in blank.context["form"].errors
    assert not PatrolFinding.objects.exists()

    response = client.post(
        f"/assessment/patrols/{patrol.pk}/",
        {
            "finding-department": world.departments["pl-touzha"].pk,
            "finding-text": "镇域内两家企业重大事故隐患逾期未整改",
            "finding-cadres": [cadre.pk],
        },
    )
    assert response.status_code == 302
    finding = PatrolFinding.objects.get(patrol=patrol)
    assert list(finding.cadres.all()) == [cadre]
    refer_url = f"/assessment/patrols/{patrol.pk}/findings/{finding.pk}/refer/"
    assert f'action="{refer_url}"' in client.get(f"/assessment/patrols/{patrol.pk}/").content.decode()

    handed = client.post(refer_url)
    assert handed.status_code == 302 and handed["Location"] == f"/assessment/patrols/{patrol.pk}/#finding-{finding.pk}"
    finding.refresh_from_db()
    case = Case.objects.get(pk=finding.case_id)
    assert case.state == CaseState.RECEIVED
    assert case.owner_department == world.departments["pl-discipline"]
    assert case.source_department == world.departments["pl-emergency"]
    assert [s.cadre for s in case.subjects.all()] == [cadre]
    detail = client.get(f"/assessment/patrols/{patrol.pk}/").content.decode()
    assert f'href="/cases/{case.pk}/"' in detail and case.number in detail and refer_url not in detail

    again = client.post(refer_url, follow=True)
    assert tr("This finding was already handed over as a lead.") in again.content.decode()
    assert Case.objects.count() == 1


def test_a_finding_without_cadres_cannot_be_handed_over(client_as, world):
    patrol = _patrol(world)
    finding = _finding(world, patrol, keys=())
    client = client_as("emergency_officer")
    page = client.get(f"/assessment/patrols/{patrol.pk}/").content.decode()
    assert "/refer/" not in page
    response = client.post(f"/assessment/patrols/{patrol.pk}/findings/{finding.pk}/refer/", follow=True)
    assert tr("Name the cadres concerned before handing the finding over.") in response.content.decode()
    assert not Case.objects.exists()
    other = _patrol(world, title="另一轮巡查")
    assert client.post(f"/assessment/patrols/{other.pk}/findings/{finding.pk}/refer/").status_code == 404


# --- 3. interviews (约谈) -------------------------------------------------------------------------------


def test_an_interview_is_recorded_and_never_presented_as_a_measure(client_as, world):
    last = _result(world, "pl-touzha", "fail", 12, 12)
    client = client_as("emergency_officer")
    page = client.get("/assessment/interviews/")
    html = page.content.decode()
    assert 'id="not-a-measure"' in html and "安全生产约谈不能代替对有关责任人员诫勉及党纪政务处分的问责措施" in html
    assert [a.pk for a in page.context["form"].fields["assessment"].queryset] == [last.pk]
    cadre = world.cadres[TOUZHA_HEAD]
    data = {
        "iv-held_on": local_today().isoformat(),
        "iv-department": world.departments["pl-touzha"].pk,
        "iv-cadre": cadre.pk,
        "iv-ground": "assessment_last_failed",
        "iv-notes": "通报考核情况，要求限期整改",
    }
    no_assessment = client.post("/assessment/interviews/", data)
    assert no_assessment.status_code == 400
    assert no_assessment.context["form"].errors["assessment"] == [
        tr("Name the department's annual assessment that ranked it last and failed it (Art. 15).")
    ]
    wrong_cadre = client.post(
        "/assessment/interviews/", {**data, "iv-assessment": last.pk, "iv-cadre": world.cadres[YAOFU_HEAD].pk}
    )
    assert wrong_cadre.status_code == 400 and "cadre" in wrong_cadre.context["form"].errors
    assert not Interview.objects.exists()

    assert client.post("/assessment/interviews/", {**data, "iv-assessment": last.pk}).status_code == 302
    interview = Interview.objects.get()
    assert interview.assessment == last and interview.recorded_by == world.users["emergency_officer"]
    listing = client_as("discipline_officer").get("/assessment/interviews/").content.decode()
    assert "通报考核情况" in listing and cadre.name in listing


# --- 4. rewards (Art. 25) ---------------------------------------------------------------------------


def _candidates(world):
    for year in (YEAR - 2, YEAR - 1, YEAR):
        _cadre_result(world, YAOFU_HEAD, year=year)  # three excellent years: 记功
    _cadre_result(world, TOUZHA_HEAD)  # one: 通报嘉奖
    _cadre_result(world, BAOFENG_DEPUTY)  # one, but a decided measure bars awards
    case_in_state(world, CaseState.EXECUTING, cadres=(BAOFENG_DEPUTY,))


def test_rewards_list_the_award_called_for_and_what_bars_it(client_as, world):
    _candidates(world)
    page = client_as("organization_officer").get(f"/assessment/rewards/?year={YEAR}")
    rows = {r["cadre"]["id"]: r for r in page.context["rows"]}
    assert rows[world.cadres[YAOFU_HEAD].pk]["kind"] == "merit"
    assert rows[world.cadres[YAOFU_HEAD].pk]["excellent_years"] == [YEAR - 2, YEAR - 1, YEAR]
    assert rows[world.cadres[TOUZHA_HEAD].pk]["kind"] == "commendation" and rows[world.cadres[TOUZHA_HEAD].pk]["eligible"]
    barred = rows[world.cadres[BAOFENG_DEPUTY].pk]
    assert not barred["eligible"] and barred["blocking"]
    html = page.content.decode()
    assert "记功" in html and "通报嘉奖" in html
    assert barred["blocking"][0]["reason"] in html and barred["blocking"][0]["basis"] in html
    assert 'name="cadre"' not in html  # an officer does not grant


def test_only_a_leader_of_the_organization_department_grants(client_as, world):
    _candidates(world)
    cadre = world.cadres[TOUZHA_HEAD]
    data = {"cadre": cadre.pk, f"g{cadre.pk}-granted_on": local_today().isoformat()}
    for persona in ("organization_officer", "emergency_officer", "discipline_officer"):
        assert client_as(persona).post(f"/assessment/rewards/?year={YEAR}", data).status_code == 403
    leader = client_as("organization_leader")
    future = leader.post(
        f"/assessment/rewards/?year={YEAR}",
        {**data, f"g{cadre.pk}-granted_on": (local_today() + dt.timedelta(days=3)).isoformat()},
    )
    assert future.status_code == 400
    row = next(r for r in future.context["rows"] if r["cadre"]["id"] == cadre.pk)
    assert row["form"].errors["granted_on"] == [tr("The date is in the future.")]
    barred = world.cadres[BAOFENG_DEPUTY]
    refused = leader.post(
        f"/assessment/rewards/?year={YEAR}", {"cadre": barred.pk, f"g{barred.pk}-granted_on": local_today().isoformat()}
    )
    assert refused.status_code == 409
    assert not Award.objects.exists()

    assert leader.post(f"/assessment/rewards/?year={YEAR}", data).status_code == 302
    award = Award.objects.get()
    assert (award.cadre, award.year, award.kind, award.granted_by) == (
        cadre,
        YEAR,
        "commendation",
        world.users["organization_leader"],
    )
    html = leader.get(f"/assessment/rewards/?year={YEAR}").content.decode()
    assert f'id="candidate-{cadre.pk}"' in html and "✓" in html
    assert leader.post(f"/assessment/rewards/?year={YEAR}", data).status_code == 409  # granted once


# --- 5. the cadre record -----------------------------------------------------------------------------


def test_the_cadre_record_shows_results_awards_and_interviews_apart_from_measures(client_as, world):
    cadre = world.cadres[TOUZHA_HEAD]
    last = _result(world, "pl-touzha", "fail", 12, 12)
    _cadre_result(world, TOUZHA_HEAD)
    interview_record(
        acting_user=world.users["emergency_officer"],
        held_on=local_today(),
        department=world.departments["pl-touzha"],
        cadre=cadre,
        ground="assessment_last_failed",
        notes="提醒告诫",
        assessment=last,
    )
    page = client_as("organization_officer").get(f"/cadres/{cadre.pk}/")
    assert page.status_code == 200
    extras = page.context["extras"]
    assert [a["year"] for a in extras["annual_assessments"]] == [YEAR]
    assert extras["reward_candidacy"]["kind"] == "commendation"
    html = page.content.decode()
    assert 'id="annual-assessments"' in html and 'id="awards"' in html and 'id="interviews"' in html
    interviews = html[html.index('id="interviews"') :]
    assert tr("not an accountability measure") in interviews and "考核成绩排在末位且考核不合格" in interviews
    measures = html[html.index('id="measures"') : html.index('id="vetoes"')]
    assert "约谈" not in measures


# --- query budgets ------------------------------------------------------------------------------------


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_chapter4_pages_cost_the_same_for_small_and_larger_data(client_as, world):
    patrol = _patrol(world)
    patrol_finding_refer(acting_user=world.users["emergency_officer"], finding_id=_finding(world, patrol).pk)
    _finding(world, patrol, keys=())
    _result(world, "pl-touzha", "fail", 2, 2)
    _cadre_result(world, TOUZHA_HEAD)
    interview_record(
        acting_user=world.users["emergency_officer"],
        held_on=local_today(),
        department=world.departments["pl-touzha"],
        cadre=world.cadres[TOUZHA_HEAD],
        ground="hazard_rectification",
        notes="约谈",
    )
    urls = [
        f"/assessment/?year={YEAR}",
        "/assessment/patrols/",
        f"/assessment/patrols/{patrol.pk}/",
        "/assessment/interviews/",
        f"/assessment/rewards/?year={YEAR}",
    ]
    client = client_as("emergency_officer")
    small = [_count(client, url) for url in urls]

    for unit in ("pl-chengguan", "pl-yaofu", "pl-baofeng", "pl-housing"):
        _result(world, unit, "good")
    for key in (YAOFU_HEAD, CHENGGUAN_HEAD, BAOFENG_DEPUTY):
        _cadre_result(world, key)
    for n in range(3):
        other = _patrol(world, units=("pl-touzha", "pl-baofeng", "pl-yaofu"), title=f"专项巡查{n}")
        _finding(world, other)
    for keys in ((TOUZHA_HEAD,), (BAOFENG_DEPUTY, TOUZHA_HEAD)):
        finding = _finding(world, patrol, unit="pl-baofeng" if BAOFENG_DEPUTY in keys else "pl-touzha", keys=keys)
        patrol_finding_refer(acting_user=world.users["emergency_officer"], finding_id=finding.pk)
    for unit, key in (("pl-yaofu", YAOFU_HEAD), ("pl-chengguan", CHENGGUAN_HEAD)):
        interview_record(
            acting_user=world.users["emergency_officer"],
            held_on=local_today(),
            department=world.departments[unit],
            cadre=world.cadres[key],
            ground="accident_prevention",
            notes="约谈",
        )
    assert [_count(client, url) for url in urls] == small


def test_every_chapter4_page_renders_in_english_as_well(client_as, world, settings):
    patrol = _patrol(world)
    _finding(world, patrol)
    _result(world, "pl-touzha", "fail", 2, 2)
    _cadre_result(world, TOUZHA_HEAD)
    for persona in ("emergency_officer", "discipline_officer", "organization_leader"):
        client = client_as(persona)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        for url in [*PAGES, f"/assessment/patrols/{patrol.pk}/", f"/assessment/rewards/?year={YEAR}"]:
            response = client.get(url)
            assert response.status_code == 200, url
            assert '<html lang="en">' in response.content.decode(), url


def test_the_assessment_link_is_shown_only_to_county_readers(world, client):
    """City organs read no county's Chapter 4 pages, so they are not offered the link."""
    client.force_login(world.users["city_discipline_officer"])
    assert 'href="/assessment/"' not in client.get("/").content.decode()
    client.force_login(world.users["discipline_officer"])
    assert 'href="/assessment/"' in client.get("/").content.decode()
