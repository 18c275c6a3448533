"""Chapters 4–5 over HTTP: patrols and their findings (Art. 14), 约谈 (Art. 15), Art. 25 rewards, the cadre record, query budgets.

Personas (``conftest.py``): emergency_officer (the safety committee's office) and
organization_officer keep these records; organization_leader also grants awards;
discipline_officer reads everything and records nothing; audit_officer and
city_discipline_officer (the city's organ, not the county's) see none of it; admin is a
superuser without a department.
"""

from __future__ import annotations

import datetime as dt

import pytest

from appraisal.models import Award, Interview, Patrol, PatrolFinding
from appraisal.services.assessment import interview_record, patrol_finding_refer
from cases.codes import CaseState
from cases.models import Case
from core.persistence import local_today
from web.tests.helpers import (
    BAOFENG_DEPUTY,
    CHENGGUAN_HEAD,
    TOUZHA_HEAD,
    YAOFU_HEAD,
    YEAR,
    candidates_of,
    count_appraisal_queries,
    make_finding,
    make_patrol,
    record_cadre_result,
    record_result,
    tr,
)

pytestmark = pytest.mark.django_db


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
    patrol = make_patrol(world)
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
    patrol = make_patrol(world)
    finding = make_finding(world, patrol, keys=())
    client = client_as("emergency_officer")
    page = client.get(f"/assessment/patrols/{patrol.pk}/").content.decode()
    assert "/refer/" not in page
    response = client.post(f"/assessment/patrols/{patrol.pk}/findings/{finding.pk}/refer/", follow=True)
    assert tr("Name the cadres concerned before handing the finding over.") in response.content.decode()
    assert not Case.objects.exists()
    other = make_patrol(world, title="另一轮巡查")
    assert client.post(f"/assessment/patrols/{other.pk}/findings/{finding.pk}/refer/").status_code == 404


def test_an_interview_is_recorded_and_never_presented_as_a_measure(client_as, world):
    last = record_result(world, "pl-touzha", "fail", 12, 12)
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


def test_rewards_list_the_award_called_for_and_what_bars_it(client_as, world):
    candidates_of(world)
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
    candidates_of(world)
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


def test_the_cadre_record_shows_results_awards_and_interviews_apart_from_measures(client_as, world):
    cadre = world.cadres[TOUZHA_HEAD]
    last = record_result(world, "pl-touzha", "fail", 12, 12)
    record_cadre_result(world, TOUZHA_HEAD)
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


def test_chapter4_pages_cost_the_same_for_small_and_larger_data(client_as, world):
    patrol = make_patrol(world)
    patrol_finding_refer(acting_user=world.users["emergency_officer"], finding_id=make_finding(world, patrol).pk)
    make_finding(world, patrol, keys=())
    record_result(world, "pl-touzha", "fail", 2, 2)
    record_cadre_result(world, TOUZHA_HEAD)
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
    small = [count_appraisal_queries(client, url) for url in urls]

    for unit in ("pl-chengguan", "pl-yaofu", "pl-baofeng", "pl-housing"):
        record_result(world, unit, "good")
    for key in (YAOFU_HEAD, CHENGGUAN_HEAD, BAOFENG_DEPUTY):
        record_cadre_result(world, key)
    for n in range(3):
        other = make_patrol(world, units=("pl-touzha", "pl-baofeng", "pl-yaofu"), title=f"专项巡查{n}")
        make_finding(world, other)
    for keys in ((TOUZHA_HEAD,), (BAOFENG_DEPUTY, TOUZHA_HEAD)):
        finding = make_finding(world, patrol, unit="pl-baofeng" if BAOFENG_DEPUTY in keys else "pl-touzha", keys=keys)
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
    assert [count_appraisal_queries(client, url) for url in urls] == small
