"""Chapters 4–5 over HTTP: who opens the pages, annual results and their publication (Art. 16, 18, 20).

Personas (``conftest.py``): emergency_officer (the safety committee's office) and
organization_officer keep these records; organization_leader also grants awards;
discipline_officer reads everything and records nothing; audit_officer and
city_discipline_officer (the city's organ, not the county's) see none of it; admin is a
superuser without a department.
"""

from __future__ import annotations

import io

import pytest

from appraisal.models import AnnualAssessment, Interview, Patrol, PatrolFinding, Publication
from cases.models import Case
from core.persistence import local_today
from web.tests.helpers import (
    PAGES,
    TOUZHA_HEAD,
    YEAR,
    make_finding,
    make_patrol,
    record_cadre_result,
    record_result,
    tr,
)

pytestmark = pytest.mark.django_db


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
    patrol = make_patrol(world)
    finding = make_finding(world, patrol)
    record_result(world, "pl-touzha", "fail", 2, 2)
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

    record_result(world, "pl-touzha", "good")
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

    record_result(world, "pl-touzha", "fail", 2, 2)
    record_cadre_result(world, TOUZHA_HEAD)
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


def test_every_chapter4_page_renders_in_english_as_well(client_as, world, settings):
    patrol = make_patrol(world)
    make_finding(world, patrol)
    record_result(world, "pl-touzha", "fail", 2, 2)
    record_cadre_result(world, TOUZHA_HEAD)
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
