"""Duties of organs (issue 13; docs/duties.md "Organs"): the county safety committee's patrol
every two years (第十四条) and yearly evaluation (第十六条), the yearly 述责 of the county government
and the park management committee (第十七条). Their records name the organ, its unit and the
department keeping them; their compliance is served per county, over the API.

Who does what here:
- emergency_officer (the committee's office) and organization_officer keep the county's ledger;
  an organ record is kept by the organ's office when it has one (the committee's: emergency).
- discipline_officer reads it; audit_officer keeps only its own department's leaders, no organ.
- huinong_emergency_officer keeps Huinong's ledger: nothing of Pingluo's, and Huinong has no catalog.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appraisal.services.assessment import patrol_create
from cases.tests._transitions_helpers import assert_error
from core.errors import InvalidInput
from duties.models import DutyRecord, Obligation
from duties.services.ledger import organ_record_create, record_create
from duties.tests._rulebook_helpers import load_huinong

pytestmark = pytest.mark.django_db

D = dt.date
TZ = ZoneInfo("Asia/Shanghai")
SAFETY_DEPUTY = "pingluo:county_safety_deputy:0"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(scope="module")
def world(module_world):
    """conftest's ``world``, built once for this module (``module_world``)."""
    return module_world


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 29, 10, 0, tzinfo=TZ), tick=False)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def row(code: str) -> Obligation:
    return Obligation.objects.get(rulebook="pingluo-2021", code=code)


def organ_body(world, unit: str, code: str, day: str, **extra) -> dict:
    return {"unit": world.departments[unit].pk, "obligation": row(code).pk, "date": day, **extra}


def counts() -> tuple[int, int]:
    return DutyRecord.objects.count(), DutyRecord.history.count()


def organs_of(body: dict) -> dict[tuple[str, str], dict]:
    return {(o["organ"], o["unit"]["name"]): o for o in body["organs"]}


# --- recording an organ's duty ---------------------------------------------------------------


@pytest.mark.parametrize("persona", ["emergency_officer", "organization_officer"])
def test_keepers_record_the_committees_evaluation_and_its_office_keeps_it(world, api, persona):
    before = counts()
    response = api(persona).post(
        "/api/v1/duty-records/", organ_body(world, "pingluo", "16", "2026-02-10", note="2025年度全面评价"), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["organ"], body["unit"], body["unit_name"]) == (
        "county_safety_committee",
        world.departments["pingluo"].pk,
        "平罗县",
    )
    # The committee's office keeps it, whoever of the keepers typed it in.
    assert (body["kept_by"], body["kept_by_name"]) == (world.departments["pl-emergency"].pk, "平罗县应急管理局（县安委会办公室）")
    assert (body["cadre"], body["cadre_name"], body["role"], body["organization"]) == (None, None, None, None)
    assert (body["citation"], body["recorded_by"]) == ("第16条", persona)
    assert counts() == (before[0] + 1, before[1] + 1)
    assert DutyRecord.history.latest("history_id").history_change_reason == "organ duty record"


BAD = [
    ("a township has no organ bound by Art. 16", {"unit": "pl-baofeng"}, "unit"),
    ("a cadre's duty recorded for a unit", {"obligation": "6-3-county-park"}, "obligation"),
    ("the committee's Art. 14 row is in force from 2027", {"obligation": "14-committee"}, "date"),
    ("a day to come", {"date": "2026-12-05"}, "date"),
    ("a day before the rules", {"date": "2021-03-01"}, "date"),
]


@pytest.mark.parametrize(("label", "change", "field"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_organ_record_is_a_400_naming_the_field_and_writes_nothing(world, api, label, change, field):
    body = organ_body(world, change.get("unit", "pingluo"), change.get("obligation", "16"), change.get("date", "2026-02-10"))
    before = counts()
    response = api("emergency_officer").post("/api/v1/duty-records/", body, format="json")
    assert field in assert_error(response, 400, "invalid")["detail"], label
    assert counts() == before


def test_an_organs_duty_is_never_a_cadres_and_a_record_is_one_or_the_other(world, api):
    client = api("emergency_officer")
    deputy = world.cadres[SAFETY_DEPUTY]
    before = counts()
    response = client.post(
        "/api/v1/duty-records/", {"cadre": deputy.pk, "obligation": row("16").pk, "date": "2026-02-10"}, format="json"
    )
    message = assert_error(response, 400, "invalid")["detail"]["obligation"][0]
    assert "第16条" in message and "县安全生产委员会" in message
    both = {**organ_body(world, "pingluo", "16", "2026-02-10"), "cadre": deputy.pk}
    assert list(assert_error(client.post("/api/v1/duty-records/", both, format="json"), 400, "invalid")["detail"]) == ["cadre"]
    neither = {"obligation": row("16").pk, "date": "2026-02-10"}
    assert list(assert_error(client.post("/api/v1/duty-records/", neither, format="json"), 400, "invalid")["detail"]) == ["cadre"]
    assert counts() == before


@pytest.mark.parametrize(
    "persona", ["discipline_officer", "audit_officer", "city_discipline_officer", "huinong_emergency_officer"]
)
def test_only_the_countys_keepers_record_its_organs_duties(world, api, persona):
    before = counts()
    response = api(persona).post("/api/v1/duty-records/", organ_body(world, "pingluo", "16", "2026-02-10"), format="json")
    assert_error(response, 403, "not_permitted")
    assert counts() == before


def test_organ_records_are_read_by_the_countys_keepers_and_readers_only(world, api):
    organ_record_create(
        acting_user=world.users["emergency_officer"], unit=world.departments["pingluo"], obligation=row("16"), date=D(2026, 2, 10)
    )
    url = "/api/v1/duty-records/?organ=county_safety_committee"
    for persona in ("emergency_officer", "organization_officer", "discipline_officer"):
        assert api(persona).get(url).json()["count"] == 1, persona
    for persona in ("audit_officer", "huinong_emergency_officer", "city_discipline_officer"):
        assert api(persona).get(url).json()["count"] == 0, persona
    unit = world.departments["pingluo"].pk
    assert api("discipline_officer").get(f"/api/v1/duty-records/?unit={unit}").json()["count"] == 1
    assert_error(api("discipline_officer").get("/api/v1/duty-records/?organ=county_janitor"), 400, "invalid")


def test_an_organ_record_carries_evidence_and_is_withdrawn_like_a_cadres(world, api):
    client = api("emergency_officer")
    response = client.post(
        "/api/v1/duty-records/",
        {**organ_body(world, "pingluo", "16", "2026-02-10"), "evidence": SimpleUploadedFile("评价通报.pdf", PDF)},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    record = response.json()
    [evidence] = record["evidence"]
    assert api("discipline_officer").get(evidence["url"]).status_code == 200
    assert api("audit_officer").get(evidence["url"]).status_code == 403
    assert_error(
        api("discipline_officer").post(f"/api/v1/duty-records/{record['id']}/void/", {"reason": "x"}, format="json"),
        403,
        "not_permitted",
    )
    voided = client.post(f"/api/v1/duty-records/{record['id']}/void/", {"reason": "日期有误"}, format="json")
    assert voided.status_code == 200 and voided.json()["voided_at"]
    year = client.get(
        f"/api/v1/departments/{world.departments['pingluo'].pk}/organ-compliance/?year=2026&as_of=2026-12-31"
    ).json()
    committee = organs_of(year)[("county_safety_committee", "平罗县")]
    assert [o["periods"][0]["done"] for o in committee["obligations"]] == [0]


# --- organ compliance ------------------------------------------------------------------------


def test_the_county_organs_compliance_for_2026(world, api):
    county = world.departments["pingluo"]
    url = f"/api/v1/departments/{county.pk}/organ-compliance/?year=2026&as_of=2026-12-31"
    body = api("discipline_officer").get(url).json()
    assert (body["year"], body["department"]["id"]) == (2026, county.pk)
    organs = organs_of(body)
    assert list(organs) == [
        ("county_safety_committee", "平罗县"),
        ("county_government", "平罗县"),
        ("park_committee", "平罗工业园区管委会"),
    ]
    committee = organs[("county_safety_committee", "平罗县")]
    assert committee["office"] == {"id": world.departments["pl-emergency"].pk, "name": "平罗县应急管理局（县安委会办公室）"}
    assert [(c["rulebook"], c["catalog"]) for c in committee["catalogs"]] == [("pingluo-2021", "pingluo-2021")]
    # In 2026 only the evaluation is the committee's (its patrol row is in force from 2027): missed.
    assert [(o["code"], o["organs"], o["met"]) for o in committee["obligations"]] == [("16", ["county_safety_committee"], False)]
    assert committee["fully_met"] is False
    # The government's and the park's 述责 rows are in force from 2027: nothing is due in 2026.
    for key in (("county_government", "平罗县"), ("park_committee", "平罗工业园区管委会")):
        assert organs[key]["obligations"] == [] and organs[key]["fully_met"] is True and organs[key]["office"] is None

    organ_record_create(acting_user=world.users["emergency_officer"], unit=county, obligation=row("16"), date=D(2026, 2, 10))
    committee = organs_of(api("discipline_officer").get(url).json())[("county_safety_committee", "平罗县")]
    assert committee["fully_met"] is True
    assert [(p["start"], p["end"], p["done"], p["status"]) for p in committee["obligations"][0]["periods"]] == [
        ("2026-01-01", "2026-12-31", 1, "met")
    ]


def test_from_2027_the_committee_patrols_and_the_government_and_the_park_report(world, api, time_machine):
    time_machine.move_to(dt.datetime(2027, 6, 1, 10, 0, tzinfo=TZ), tick=False)
    county, park = world.departments["pingluo"], world.departments["pl-park"]
    url = f"/api/v1/departments/{county.pk}/organ-compliance/?year=2027"
    organs = organs_of(api("emergency_officer").get(url).json())
    assert [o["code"] for o in organs[("county_safety_committee", "平罗县")]["obligations"]] == ["14-committee", "16"]
    assert [o["code"] for o in organs[("county_government", "平罗县")]["obligations"]] == ["17-government-park"]
    assert [o["code"] for o in organs[("park_committee", "平罗工业园区管委会")]["obligations"]] == ["17-government-park"]
    # The county government's report counts for the county government only, not for the park.
    organ_record_create(
        acting_user=world.users["organization_officer"], unit=county, obligation=row("17-government-park"), date=D(2027, 5, 20)
    )
    organs = organs_of(api("emergency_officer").get(url).json())
    government = organs[("county_government", "平罗县")]["obligations"][0]["periods"][0]
    park_report = organs[("park_committee", "平罗工业园区管委会")]["obligations"][0]["periods"][0]
    assert (government["done"], government["status"]) == (1, "met")
    assert (park_report["done"], park_report["status"]) == (0, "pending")
    record = DutyRecord.objects.get(unit=county, organ="county_government")
    # No office is named for the government: the keeper who recorded it keeps it.
    assert record.kept_by.code == "pl-organization"
    organ_record_create(
        acting_user=world.users["emergency_officer"], unit=park, obligation=row("17-government-park"), date=D(2027, 5, 21)
    )
    park_report = organs_of(api("emergency_officer").get(url).json())[("park_committee", "平罗工业园区管委会")]
    assert park_report["obligations"][0]["periods"][0]["status"] == "met"
    # A park's own page of organs is its committee alone; a township has none.
    assert [
        o["organ"]
        for o in api("emergency_officer").get(f"/api/v1/departments/{park.pk}/organ-compliance/?year=2027").json()["organs"]
    ] == ["park_committee"]
    township = world.departments["pl-baofeng"].pk
    assert api("emergency_officer").get(f"/api/v1/departments/{township}/organ-compliance/").json()["organs"] == []


def test_a_patrol_from_2027_is_the_committees_record_whoever_led_it(world, time_machine):
    time_machine.move_to(dt.datetime(2027, 6, 1, 10, 0, tzinfo=TZ), tick=False)
    deputy = world.cadres[SAFETY_DEPUTY]
    patrol = patrol_create(
        acting_user=world.users["emergency_officer"],
        title="2027年度安全生产巡查",
        started_on=D(2027, 4, 7),
        ended_on=D(2027, 4, 30),
        targets=[world.departments["pl-baofeng"]],
        led_by=deputy,
    )
    record = patrol.duty_record
    assert (record.organ, record.unit.code, record.kept_by.code, record.cadre_id) == (
        "county_safety_committee",
        "pingluo",
        "pl-emergency",
        None,
    )
    assert (record.obligation.code, record.date) == ("14-committee", D(2027, 4, 30))
    unled = patrol_create(
        acting_user=world.users["emergency_officer"],
        title="2027年度专项巡查",
        started_on=D(2027, 5, 7),
        targets=[world.departments["pl-touzha"]],
    )
    assert unled.duty_record.organ == "county_safety_committee"


def test_the_safety_deputys_records_of_the_first_version_keep_counting(world, api, time_machine):
    """Art. 14 moved from the deputy to the committee by closing the deputy's row at the end of
    2026: a patrol the deputy led in 2026 still counts for the 2025–26 round."""
    deputy = world.cadres[SAFETY_DEPUTY]
    patrol = patrol_create(
        acting_user=world.users["emergency_officer"],
        title="2026年度安全生产巡查",
        started_on=D(2026, 4, 7),
        ended_on=D(2026, 4, 30),
        targets=[world.departments["pl-baofeng"]],
        led_by=deputy,
    )
    assert (patrol.duty_record.cadre_id, patrol.duty_record.obligation.code) == (deputy.pk, "14")
    time_machine.move_to(dt.datetime(2027, 6, 1, 10, 0, tzinfo=TZ), tick=False)
    client = api("discipline_officer")
    in_2026 = client.get(f"/api/v1/cadres/{deputy.pk}/compliance/?year=2026").json()
    [patrols] = [o for o in in_2026["obligations"] if o["code"] == "14"]
    assert [(p["start"], p["end"], p["done"], p["status"]) for p in patrols["periods"]] == [
        ("2025-01-01", "2026-12-31", 1, "met")
    ]
    in_2027 = client.get(f"/api/v1/cadres/{deputy.pk}/compliance/?year=2027").json()
    assert "14" not in {o["code"] for o in in_2027["obligations"]}
    with pytest.raises(InvalidInput) as refused:
        record_create(acting_user=world.users["emergency_officer"], cadre=deputy, obligation=row("14"), date=D(2027, 2, 1))
    assert list(refused.value.detail) == ["date"]


def test_huinongs_organs_are_not_measured_against_pingluos_catalog(world, api):
    load_huinong()
    huinong = world.departments["huinong"]
    url = f"/api/v1/departments/{huinong.pk}/organ-compliance/?year=2026"
    assert_error(api("emergency_officer").get(url), 403, "not_permitted")
    body = api("huinong_emergency_officer").get(url).json()
    organs = organs_of(body)
    assert list(organs) == [("county_safety_committee", "惠农区"), ("county_government", "惠农区")]
    for organ in organs.values():
        assert organ["obligations"] == [] and organ["catalogs"] == [] and organ["fully_met"] is None
        assert [n["rulebook"] for n in organ["no_catalog"]] == ["huinong"]
    assert organs[("county_safety_committee", "惠农区")]["office"]["name"] == "惠农区应急管理局"
    before = counts()
    response = api("huinong_emergency_officer").post(
        "/api/v1/duty-records/", organ_body(world, "huinong", "16", "2026-02-10"), format="json"
    )
    assert "huinong" in assert_error(response, 400, "invalid")["detail"]["obligation"][0]
    assert counts() == before


def test_organ_compliance_reads_in_a_constant_number_of_queries(world, api):
    client = api("emergency_officer")
    url = f"/api/v1/departments/{world.departments['pingluo'].pk}/organ-compliance/?year=2026"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for day in (2, 3, 4, 5, 6):
        organ_record_create(
            acting_user=world.users["emergency_officer"],
            unit=world.departments["pingluo"],
            obligation=row("16"),
            date=D(2026, 3, day),
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
