"""Chapter 4 of the 细则 over the API: annual assessments (Art. 16, 18), patrols and their
findings handed over as leads (Art. 14, 34), 约谈 (Art. 15) and the publication of results
(Art. 20). See docs/duties.md.

Who does what here:
- emergency_officer (the safety committee's office) and organization_officer keep these records.
- discipline_officer reads them and receives the leads; it records none of them.
- audit_officer: a referring agency; sees only what concerns its own department.
"""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from appraisal.models import AnnualAssessment, Interview, Patrol, Publication
from appraisal.services.assessment import assessment_record
from cases.models import Case, MeasureDecision
from cases.tests._transitions_helpers import assert_error
from duties.models import DutyRecord, Obligation
from duties.services.ledger import record_create

pytestmark = pytest.mark.django_db

D = dt.date
SAFETY_LEADER = "pingluo:county_safety_deputy:0"  # leads the committee's patrols (第八条（三）、第十四条)
COUNTY_DEPUTY = "pingluo:county_deputy:0"
REGULATOR_SAFETY_DEPUTY = "pl-emergency:regulator_safety_deputy:0"
BAOFENG_HEAD = "pl-baofeng:township_head:0"
BAOFENG_DEPUTY = "pl-baofeng:township_deputy:0"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def world(module_world):
    """conftest's ``world``, built once for this module (``module_world``)."""
    return module_world


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 29, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)


def dept(world, code: str) -> int:
    return world.departments[code].pk


def cadre_id(world, key: str) -> int:
    return world.cadres[key].pk


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def post_json(api, persona: str, url: str, data: dict):
    return api(persona).post(url, data, format="json")


def assess(world, *, year=2025, grade="pass", department=None, cadre=None, rank=None, ranked_of=None, note=""):
    return assessment_record(
        acting_user=world.users["emergency_officer"],
        year=year,
        grade=grade,
        department=world.departments[department] if department else None,
        cadre=world.cadres[cadre] if cadre else None,
        rank=rank,
        ranked_of=ranked_of,
        note=note,
    )


# --- annual assessment (Art. 16, 18) ---------------------------------------------------------


def test_the_default_grades_flag_excellent_for_art_25_and_failing_for_art_15(world, api):
    response = api("discipline_officer").get("/api/v1/assessment-grades/")
    assert response.status_code == 200
    grades = [(g["code"], g["label"], g["excellent"], g["failing"]) for g in response.json()]
    assert grades == [
        ("excellent", "优秀", True, False),
        ("good", "良好", False, False),
        ("pass", "合格", False, False),
        ("fail", "不合格", False, True),
    ]


@pytest.mark.parametrize("persona", ["emergency_officer", "organization_officer"])
def test_the_committees_office_and_the_organization_department_record_a_result(world, api, persona):
    response = post_json(
        api,
        persona,
        "/api/v1/annual-assessments/",
        {"year": 2025, "department": dept(world, "pl-baofeng"), "grade": "good", "score": "91.50", "rank": 2, "ranked_of": 6},
    )
    assert response.status_code == 201, response.content
    row = response.json()
    assert (row["year"], row["department"], row["cadre"], row["grade"], row["grade_label"]) == (
        2025,
        dept(world, "pl-baofeng"),
        None,
        "good",
        "良好",
    )
    assert (row["score"], row["rank"], row["ranked_of"], row["ranked_last"]) == ("91.50", 2, 6, False)
    assert row["compliance"] is None  # only a cadre's result starts from the duty ledger


BAD_ASSESSMENTS = [
    ("both department and cadre", {"department": "pl-baofeng", "cadre": BAOFENG_HEAD}, "department"),
    ("neither", {}, "department"),
    ("rank without the number ranked", {"department": "pl-baofeng", "rank": 2}, "rank"),
    ("number ranked without a rank", {"department": "pl-baofeng", "ranked_of": 6}, "rank"),
    ("rank beyond the number ranked", {"department": "pl-baofeng", "rank": 7, "ranked_of": 6}, "rank"),
    ("rank zero", {"department": "pl-baofeng", "rank": 0, "ranked_of": 6}, "rank"),
    ("unknown grade", {"department": "pl-baofeng", "grade": "outstanding"}, "grade"),
    ("the county itself", {"department": "pingluo"}, "department"),
    ("a department of the city", {"department": "szs-emergency"}, "department"),
    ("a year before the rules", {"department": "pl-baofeng", "year": 2020}, "year"),
    ("a year to come", {"department": "pl-baofeng", "year": 2027}, "year"),
]


@pytest.mark.parametrize(("case", "fields", "field"), BAD_ASSESSMENTS, ids=[b[0] for b in BAD_ASSESSMENTS])
def test_a_bad_assessment_is_refused_naming_the_field(world, api, case, fields, field):
    data = {"year": 2025, "grade": "pass", **fields}
    if "department" in data:
        data["department"] = dept(world, data["department"])
    if "cadre" in data:
        data["cadre"] = cadre_id(world, data["cadre"])
    response = post_json(api, "emergency_officer", "/api/v1/annual-assessments/", data)
    detail = assert_error(response, 400, "invalid")["detail"]
    assert list(detail) == [field], detail
    if field == "grade":
        assert "excellent" in detail["grade"][0] and "outstanding" in detail["grade"][0]
    assert not AnnualAssessment.objects.exists()


def test_the_discipline_organ_does_not_record_assessments(world, api):
    response = post_json(
        api,
        "discipline_officer",
        "/api/v1/annual-assessments/",
        {"year": 2025, "grade": "pass", "department": dept(world, "pl-baofeng")},
    )
    assert_error(response, 403, "not_permitted")
    assert not AnnualAssessment.objects.exists()


def test_recording_the_same_year_again_revises_the_result_and_keeps_the_history(world, api):
    url = "/api/v1/annual-assessments/"
    first = post_json(api, "emergency_officer", url, {"year": 2025, "grade": "pass", "department": dept(world, "pl-yaofu")})
    second = post_json(
        api,
        "organization_officer",
        url,
        {"year": 2025, "grade": "fail", "department": dept(world, "pl-yaofu"), "rank": 6, "ranked_of": 6},
    )
    assert first.status_code == 201 and second.status_code == 201, second.content
    assert first.json()["id"] == second.json()["id"]
    row = AnnualAssessment.objects.get()
    assert (row.grade.code, row.ranked_last, row.recorded_by) == ("fail", True, world.users["organization_officer"])
    history = list(row.history.order_by("history_id"))
    assert [h.grade.code for h in history] == ["pass", "fail"]
    assert [h.history_user for h in history] == [world.users["emergency_officer"], world.users["organization_officer"]]
    assert history[-1].history_change_reason == "assessment revised"


def test_a_cadres_result_keeps_the_compliance_it_started_from(world, api):
    """Art. 18 and PRODUCT §3: the assessment starts from the duty ledger; it keeps a snapshot."""
    the_cadre = world.cadres[REGULATOR_SAFETY_DEPUTY]
    keeper = world.users["emergency_officer"]

    def did(code: str, day: dt.date):
        return record_create(acting_user=keeper, cadre=the_cadre, obligation=Obligation.objects.get(code=code), date=day)

    for month in (1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12):  # no inspection in March
        did("10-3-inspection", D(2025, month, 10))
    for month in (2, 4, 6, 8, 10, 12):
        did("10-3-research", D(2025, month, 20))
    for code in ("10-1", "10-3-lead", "10-3-control"):  # the standing duties of 第十条（一）（三）, once in the year
        did(code, D(2025, 5, 6))

    response = post_json(
        api, "organization_officer", "/api/v1/annual-assessments/", {"year": 2025, "grade": "good", "cadre": the_cadre.pk}
    )
    assert response.status_code == 201, response.content
    assert response.json()["compliance"] == {
        "as_of": "2025-12-31",
        "fully_met": False,
        "missed": [{"obligation": "10-3-inspection", "citation": "第10条（三）", "periods": ["2025-03-01"]}],
    }

    # A snapshot: a record entered afterwards changes it only when the result is revised.
    did("10-3-inspection", D(2025, 3, 28))
    assert AnnualAssessment.objects.get(cadre=the_cadre).compliance["fully_met"] is False
    revised = post_json(
        api, "organization_officer", "/api/v1/annual-assessments/", {"year": 2025, "grade": "excellent", "cadre": the_cadre.pk}
    )
    assert revised.json()["compliance"] == {"as_of": "2025-12-31", "fully_met": True, "missed": []}


def test_the_list_shows_a_referring_agency_only_its_own_department(world, api):
    assess(world, department="pl-baofeng")
    assess(world, department="pl-audit", grade="good")
    assess(world, cadre=BAOFENG_HEAD, grade="excellent")
    everything = results(api("discipline_officer").get("/api/v1/annual-assessments/"))
    assert len(everything) == 3
    assert [r["department"] for r in results(api("audit_officer").get("/api/v1/annual-assessments/"))] == [
        dept(world, "pl-audit")
    ]
    assert results(api("city_discipline_officer").get("/api/v1/annual-assessments/")) == []
    cadres_only = results(api("discipline_officer").get("/api/v1/annual-assessments/?of=cadre"))
    assert [r["cadre"] for r in cadres_only] == [cadre_id(world, BAOFENG_HEAD)]


# --- patrols (Art. 14) -----------------------------------------------------------------------


def patrol_body(world, **extra) -> dict:
    return {
        "title": "2026年度安全生产巡查（第一轮）",
        "started_on": "2026-04-07",
        "ended_on": "2026-04-30",
        "targets": [dept(world, "pl-baofeng"), dept(world, "pl-transport")],
        **extra,
    }


def test_a_patrol_led_by_the_county_leader_in_charge_writes_the_art_14_duty_record(world, api):
    response = post_json(api, "emergency_officer", "/api/v1/patrols/", patrol_body(world, led_by=cadre_id(world, SAFETY_LEADER)))
    assert response.status_code == 201, response.content
    patrol = response.json()
    assert sorted(patrol["targets"]) == sorted([dept(world, "pl-baofeng"), dept(world, "pl-transport")])
    record = DutyRecord.objects.get(pk=patrol["duty_record"])
    assert (record.cadre_id, record.obligation.code, record.date) == (cadre_id(world, SAFETY_LEADER), "14", D(2026, 4, 30))

    compliance = api("discipline_officer").get(f"/api/v1/cadres/{cadre_id(world, SAFETY_LEADER)}/compliance/?year=2026").json()
    [patrols] = [o for o in compliance["obligations"] if o["code"] == "14"]
    assert [(p["start"], p["end"], p["done"], p["met"]) for p in patrols["periods"]] == [("2025-01-01", "2026-12-31", 1, True)]


def test_a_patrol_led_by_another_leader_writes_no_duty_record(world, api):
    response = post_json(api, "emergency_officer", "/api/v1/patrols/", patrol_body(world, led_by=cadre_id(world, COUNTY_DEPUTY)))
    assert response.status_code == 201, response.content
    assert response.json()["duty_record"] is None
    assert not DutyRecord.objects.exists()


BAD_PATROLS = [
    ("a target outside the county", {"targets": ["szs-emergency"]}, "targets"),
    ("no target", {"targets": []}, "targets"),
    ("a start to come", {"started_on": "2026-12-01", "ended_on": None}, "started_on"),
    ("an end before the start", {"ended_on": "2026-04-01"}, "ended_on"),
    ("no title", {"title": "   "}, "title"),
]


@pytest.mark.parametrize(("case", "fields", "field"), BAD_PATROLS, ids=[b[0] for b in BAD_PATROLS])
def test_a_bad_patrol_is_refused_naming_the_field(world, api, case, fields, field):
    data = patrol_body(world, **fields)
    if "targets" in fields:
        data["targets"] = [dept(world, code) for code in fields["targets"]]
    response = post_json(api, "emergency_officer", "/api/v1/patrols/", data)
    assert list(assert_error(response, 400, "invalid")["detail"]) == [field]
    assert not Patrol.objects.exists()


def test_only_keepers_record_patrols(world, api):
    assert_error(post_json(api, "discipline_officer", "/api/v1/patrols/", patrol_body(world)), 403, "not_permitted")
    assert_error(post_json(api, "audit_officer", "/api/v1/patrols/", patrol_body(world)), 403, "not_permitted")
    assert not Patrol.objects.exists()


def test_a_finding_must_concern_a_patrolled_department(world, api):
    patrol = post_json(api, "emergency_officer", "/api/v1/patrols/", patrol_body(world)).json()
    url = f"/api/v1/patrols/{patrol['id']}/findings/"
    refused = post_json(api, "emergency_officer", url, {"department": dept(world, "pl-yaofu"), "text": "隐患台账不全"})
    assert list(assert_error(refused, 400, "invalid")["detail"]) == ["department"]
    accepted = post_json(
        api,
        "emergency_officer",
        url,
        {"department": dept(world, "pl-baofeng"), "text": "重大隐患整改不到位", "cadres": [cadre_id(world, BAOFENG_HEAD)]},
    )
    assert accepted.status_code == 201, accepted.content
    assert (accepted.json()["department"], accepted.json()["cadres"], accepted.json()["case"]) == (
        dept(world, "pl-baofeng"),
        [cadre_id(world, BAOFENG_HEAD)],
        None,
    )
    shown = api("discipline_officer").get(f"/api/v1/patrols/{patrol['id']}/").json()
    assert [f["text"] for f in shown["findings"]] == ["重大隐患整改不到位"]


def test_a_finding_handed_over_becomes_a_lead_at_the_discipline_organ_once(world, api):
    patrol = post_json(api, "emergency_officer", "/api/v1/patrols/", patrol_body(world)).json()
    finding = post_json(
        api,
        "emergency_officer",
        f"/api/v1/patrols/{patrol['id']}/findings/",
        {
            "department": dept(world, "pl-baofeng"),
            "text": "重大隐患整改不到位",
            "cadres": [cadre_id(world, BAOFENG_HEAD), cadre_id(world, BAOFENG_DEPUTY)],
        },
    ).json()
    response = post_json(api, "emergency_officer", f"/api/v1/patrol-findings/{finding['id']}/refer/", {"circumstances": ["26.1"]})
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "received"
    case = Case.objects.get(pk=response.json()["id"])
    assert case.owner_department == world.departments["pl-discipline"]
    assert case.source_department == world.departments["pl-emergency"] and case.source_kind == "supervision"
    assert sorted(case.subjects.values_list("cadre_id", flat=True)) == sorted(
        [cadre_id(world, BAOFENG_HEAD), cadre_id(world, BAOFENG_DEPUTY)]
    )
    assert "重大隐患整改不到位" in case.facts
    detail = api("discipline_officer").get(f"/api/v1/cases/{case.pk}/")
    assert detail.status_code == 200 and detail.json()["state"] == "received"

    again = post_json(api, "emergency_officer", f"/api/v1/patrol-findings/{finding['id']}/refer/", {})
    assert_error(again, 409, "precondition_failed")
    assert Case.objects.count() == 1


def test_a_finding_names_its_cadres_before_it_is_handed_over(world, api):
    patrol = post_json(api, "emergency_officer", "/api/v1/patrols/", patrol_body(world)).json()
    finding = post_json(
        api,
        "emergency_officer",
        f"/api/v1/patrols/{patrol['id']}/findings/",
        {"department": dept(world, "pl-baofeng"), "text": "台账缺失"},
    ).json()
    response = post_json(api, "emergency_officer", f"/api/v1/patrol-findings/{finding['id']}/refer/", {})
    assert list(assert_error(response, 400, "invalid")["detail"]) == ["cadres"]
    assert_error(
        post_json(api, "discipline_officer", f"/api/v1/patrol-findings/{finding['id']}/refer/", {}), 403, "not_permitted"
    )
    assert not Case.objects.exists()


# --- 约谈 (Art. 15) --------------------------------------------------------------------------


def interview_body(world, **extra) -> dict:
    return {
        "held_on": "2026-03-20",
        "department": dept(world, "pl-baofeng"),
        "cadre": cadre_id(world, BAOFENG_HEAD),
        "ground": "assessment_last_failed",
        "notes": "就2025年度考核末位且不合格提醒告诫，限期整改。",
        **extra,
    }


LAST_FAILED = [
    ("no assessment named", None, "assessment"),
    ("another department's assessment", ("pl-yaofu", "fail", 6, 6), "assessment"),
    ("failed but not last", ("pl-baofeng", "fail", 5, 6), "assessment"),
    ("last but passed", ("pl-baofeng", "pass", 6, 6), "assessment"),
    ("failed without a rank", ("pl-baofeng", "fail", None, None), "assessment"),
]


@pytest.mark.parametrize(("case", "assessment", "field"), LAST_FAILED, ids=[c[0] for c in LAST_FAILED])
def test_the_last_and_failed_ground_needs_that_departments_assessment_to_be_both(world, api, case, assessment, field):
    extra = {}
    if assessment:
        code, grade, rank, of = assessment
        extra["assessment"] = assess(world, department=code, grade=grade, rank=rank, ranked_of=of).pk
    response = post_json(api, "emergency_officer", "/api/v1/interviews/", interview_body(world, **extra))
    assert list(assert_error(response, 400, "invalid")["detail"]) == [field]
    assert not Interview.objects.exists()


def test_an_interview_is_recorded_with_its_ground_and_is_never_a_measure(world, api):
    the_cadre = world.cadres[BAOFENG_HEAD]
    record_url = f"/api/v1/cadres/{the_cadre.pk}/record/?on=2026-11-29"
    before = api("organization_officer").get(record_url).json()
    assert before["eligible_for_promotion"] and before["eligible_for_awards"] and before["interviews"] == []

    last = assess(world, department="pl-baofeng", grade="fail", rank=6, ranked_of=6)
    response = post_json(api, "emergency_officer", "/api/v1/interviews/", interview_body(world, assessment=last.pk))
    assert response.status_code == 201, response.content
    assert (response.json()["ground"], response.json()["assessment"], response.json()["is_measure"]) == (
        "assessment_last_failed",
        last.pk,
        False,
    )
    hazard = post_json(
        api,
        "organization_officer",
        "/api/v1/interviews/",
        interview_body(world, ground="hazard_rectification", held_on="2026-06-02"),
    )
    assert hazard.status_code == 201, hazard.content

    after = api("organization_officer").get(record_url).json()
    assert [(i["held_on"], i["ground"], i["is_measure"]) for i in after["interviews"]] == [
        ("2026-06-02", "hazard_rectification", False),
        ("2026-03-20", "assessment_last_failed", False),
    ]
    for key in ("eligible_for_promotion", "eligible_for_awards", "blocking", "measures", "cases"):
        assert after[key] == before[key], key
    assert not MeasureDecision.objects.exists() and not Case.objects.exists()


BAD_INTERVIEWS = [
    ("an unknown ground", {"ground": "bad_attitude"}, "ground"),
    ("someone not of that department", {"cadre": "pl-yaofu:township_head:0", "ground": "accident_prevention"}, "cadre"),
    ("a day to come", {"held_on": "2026-12-01", "ground": "accident_prevention"}, "held_on"),
    ("no notes", {"notes": " ", "ground": "accident_prevention"}, "notes"),
    ("a department of the city", {"department": "szs-emergency", "ground": "accident_prevention"}, "department"),
]


@pytest.mark.parametrize(("case", "fields", "field"), BAD_INTERVIEWS, ids=[b[0] for b in BAD_INTERVIEWS])
def test_a_bad_interview_is_refused_naming_the_field(world, api, case, fields, field):
    data = interview_body(world, **fields)
    if fields.get("cadre"):
        data["cadre"] = cadre_id(world, fields["cadre"])
    if fields.get("department"):
        data["department"] = dept(world, fields["department"])
    response = post_json(api, "emergency_officer", "/api/v1/interviews/", data)
    assert list(assert_error(response, 400, "invalid")["detail"]) == [field]
    assert not Interview.objects.exists()


def test_the_discipline_organ_does_not_hold_interviews(world, api):
    data = interview_body(world, ground="accident_prevention")
    assert_error(post_json(api, "discipline_officer", "/api/v1/interviews/", data), 403, "not_permitted")


# --- publication (Art. 20) -------------------------------------------------------------------


def test_results_are_published_only_once_there_are_results(world, api):
    body = {"year": 2025, "published_on": "2026-02-10", "channel": "县安委会文件通报"}
    assert_error(post_json(api, "emergency_officer", "/api/v1/annual-assessments/publish/", body), 409, "precondition_failed")
    assert not Publication.objects.exists()
    assess(world, department="pl-baofeng")
    blank = post_json(api, "emergency_officer", "/api/v1/annual-assessments/publish/", {**body, "channel": ""})
    assert list(assert_error(blank, 400, "invalid")["detail"]) == ["channel"]
    early = post_json(api, "emergency_officer", "/api/v1/annual-assessments/publish/", {**body, "published_on": "2024-12-31"})
    assert list(assert_error(early, 400, "invalid")["detail"]) == ["published_on"]
    response = post_json(api, "emergency_officer", "/api/v1/annual-assessments/publish/", body)
    assert response.status_code == 201, response.content
    assert (response.json()["year"], response.json()["channel"]) == (2025, "县安委会文件通报")
    assert Publication.objects.get().county == world.departments["pingluo"]


def test_the_report_workbook_lists_the_years_results(world, api):
    assess(world, department="pl-baofeng", grade="excellent", rank=1, ranked_of=6, note="示范乡镇")
    assess(world, department="pl-yaofu", grade="fail", rank=6, ranked_of=6)
    assess(world, department="pl-chengguan", grade="good", year=2024)
    assess(world, cadre=BAOFENG_HEAD, grade="excellent")

    response = api("discipline_officer").get("/api/v1/annual-assessments/report.xlsx?year=2025")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="safety-assessment-2025.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["2025单位考核", "2025领导干部考核"]
    units = [list(row) for row in book["2025单位考核"].iter_rows(values_only=True)]
    assert units[0] == ["名次", "单位", "考核等次", "得分", "备注"]
    assert [(r[0], r[1], r[2], r[4]) for r in units[1:]] == [
        ("1/6", world.departments["pl-baofeng"].name, "优秀", "示范乡镇"),
        ("6/6", world.departments["pl-yaofu"].name, "不合格", None),
    ]
    leaders = [list(row) for row in book["2025领导干部考核"].iter_rows(values_only=True)]
    assert leaders[0] == ["姓名", "考核等次", "得分", "履职台账全部达标", "备注"]
    # The township head recorded nothing in 2025: the ledger is not met.
    assert [(r[0], r[1], r[3]) for r in leaders[1:]] == [(world.cadres[BAOFENG_HEAD].name, "优秀", "否")]

    outsider = api("city_discipline_officer").get("/api/v1/annual-assessments/report.xlsx?year=2025")
    assert outsider.status_code == 200
    empty = load_workbook(io.BytesIO(outsider.content))
    assert empty["2025单位考核"].max_row == 1 and empty["2025领导干部考核"].max_row == 1
