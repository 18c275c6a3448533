"""The ledger pages for the organs and the catalogs (issue 13), over HTTP as the personas use them.

- emergency_officer (the county safety committee's office), organization_officer: keep the county's
  ledger, organs included;
- discipline_officer: reads it; audit_officer keeps its own department's leaders only (no organ);
- city_discipline_officer and the Huinong personas: outside Pingluo; Huinong has no catalog loaded.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.codes import SourceKind
from cases.services.leads import lead_create
from duties.models import DutyRecord, Obligation
from duties.services.ledger import organ_record_create
from duties.tests._rulebook_helpers import load_huinong

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def frozen_today():
    tz = timezone.get_default_timezone()
    with time_machine.travel(dt.datetime(2026, 11, 29, 10, 0, tzinfo=tz), tick=False):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def evaluation() -> Obligation:
    return Obligation.objects.get(rulebook="pingluo-2021", code="16")


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def test_the_ledger_home_shows_the_countys_organs_and_the_catalog_used(client_as, world):
    html = page(client_as("emergency_officer"), "/duties/")
    assert 'id="organ-status"' in html
    assert re.findall(r'data-organ="([a-z_]+)"', html) == ["county_safety_committee", "county_government", "park_committee"]
    assert "第16条" in html and "/duties/organs/?department=" in html
    assert 'data-catalog="pingluo-2021"' in html
    # A department keeping only its own leaders sees no organ.
    assert 'id="organ-status"' not in page(client_as("audit_officer"), "/duties/")


def test_the_organs_page_shows_each_organ_its_catalog_and_office(client_as, world):
    county = world.departments["pingluo"]
    organ_record_create(
        acting_user=world.users["emergency_officer"], unit=county, obligation=evaluation(), date=dt.date(2026, 2, 10)
    )
    html = page(client_as("discipline_officer"), f"/duties/organs/?department={county.pk}&year=2026")
    assert re.findall(r'<section class="card zm-organ" id="organ-([a-z_]+)-', html) == [
        "county_safety_committee",
        "county_government",
        "park_committee",
    ]
    assert "由县安委会负责每年对部门、乡镇（街道）、园区管委会安全生产工作情况进行全面评价" in html
    assert 'data-catalog="pingluo-2021"' in html and "平罗县应急管理局（县安委会办公室）" in html
    assert 'data-fully-met="yes"' in html  # the committee's 2026 evaluation is recorded
    assert re.search(r'data-obligation="16"[\s\S]*?data-status="met"', html)
    # A reader sees the records, not the form.
    assert 'id="records"' in html and 'id="add-record"' not in html


def test_a_keeper_records_an_organs_duty_with_evidence_from_the_page(client_as, world):
    county = world.departments["pingluo"]
    client = client_as("organization_officer")
    url = f"/duties/organs/?department={county.pk}&year=2026"
    assert 'id="add-record"' in page(client, url)
    response = client.post(
        url,
        {
            "action": "record",
            "record-duty": f"{county.pk}:{evaluation().pk}",
            "record-date": "2026-02-10",
            "record-note": "2025年度全面评价",
            "record-evidence": SimpleUploadedFile("通报.pdf", PDF),
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#records")
    record = DutyRecord.objects.get(unit=county)
    assert (record.organ, record.kept_by.code, record.recorded_by.username) == (
        "county_safety_committee",
        "pl-emergency",
        "organization_officer",
    )
    assert record.evidence.get().original_name == "通报.pdf"
    html = page(client, url)
    assert f'id="record-{record.pk}"' in html and "2025年度全面评价" in html
    # …and withdraws it with a reason.
    response = client.post(url, {"action": "withdraw", "record": record.pk, f"w{record.pk}-reason": "重复录入"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.voided_at and record.void_reason == "重复录入"


def test_a_bad_organ_record_from_the_page_is_a_400_and_writes_nothing(client_as, world):
    county = world.departments["pingluo"]
    client = client_as("emergency_officer")
    url = f"/duties/organs/?department={county.pk}&year=2026"
    before = DutyRecord.objects.count()
    future = client.post(url, {"action": "record", "record-duty": f"{county.pk}:{evaluation().pk}", "record-date": "2026-12-20"})
    assert future.status_code == 400 and future.context["record_form"].errors["date"]
    patrol = Obligation.objects.get(rulebook="pingluo-2021", code="14-committee")  # in force from 2027: not offered
    unknown = client.post(url, {"action": "record", "record-duty": f"{county.pk}:{patrol.pk}", "record-date": "2026-05-01"})
    assert unknown.status_code == 400 and unknown.context["record_form"].errors["duty"]
    assert DutyRecord.objects.count() == before


@pytest.mark.parametrize(
    ("persona", "status"),
    [("audit_officer", 403), ("city_discipline_officer", 403), ("huinong_emergency_officer", 403), (None, 302)],
)
def test_outsiders_do_not_see_pingluos_organs(client_as, world, persona, status):
    county = world.departments["pingluo"]
    assert client_as(persona).get(f"/duties/organs/?department={county.pk}").status_code == status


def test_a_reader_cannot_record_an_organs_duty(client_as, world):
    county = world.departments["pingluo"]
    response = client_as("discipline_officer").post(
        f"/duties/organs/?department={county.pk}",
        {"action": "record", "record-duty": f"{county.pk}:{evaluation().pk}", "record-date": "2026-02-10"},
    )
    assert response.status_code == 403
    assert not DutyRecord.objects.filter(unit=county).exists()


def test_a_huinong_cadre_and_huinongs_organs_are_shown_as_not_measured(client_as, world):
    load_huinong()
    cadre = world.neighbour_cadres["hn-hongguozi:township_head"]
    client = client_as("huinong_organization_officer")
    html = page(client, f"/duties/cadres/{cadre.pk}/?year=2026")
    assert 'data-fully-met="unknown"' in html and 'data-no-catalog="huinong"' in html
    assert 'data-fully-met="yes"' not in html and "data-obligation=" not in html
    organs = page(client, "/duties/organs/")
    assert re.findall(r'<section class="card zm-organ" id="organ-([a-z_]+)-', organs) == [
        "county_safety_committee",
        "county_government",
    ]
    assert organs.count('data-no-catalog="huinong"') == 2 and 'data-fully-met="unknown"' in organs
    home = page(client, f"/duties/?department={world.departments['hn-hongguozi'].pk}")
    assert 'data-no-catalog="huinong"' in home and 'data-catalog=""' in home


def test_a_pingluo_cadres_page_names_pingluos_catalog(client_as, world):
    cadre = world.cadres["pl-touzha:township_head:0"]
    html = page(client_as("organization_officer"), f"/duties/cadres/{cadre.pk}/?year=2026")
    assert 'id="catalogs-used"' in html and 'data-catalog="pingluo-2021"' in html
    assert "平罗县党政领导干部安全生产责任制实施细则" in html and 'data-fully-met="no"' in html


def test_the_organs_page_reads_in_a_constant_number_of_queries(client_as, world):
    county = world.departments["pingluo"]
    client = client_as("emergency_officer")
    url = f"/duties/organs/?department={county.pk}&year=2026"
    organ_record_create(
        acting_user=world.users["emergency_officer"], unit=county, obligation=evaluation(), date=dt.date(2026, 2, 10)
    )
    client.get(url)  # warm the session and the content types
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for day in range(1, 9):
        organ_record_create(
            acting_user=world.users["emergency_officer"],
            unit=county,
            obligation=evaluation(),
            date=dt.date(2026, 3, day),
            files=[SimpleUploadedFile("a.pdf", PDF)],
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_findings_page_of_a_huinong_subject_says_the_ledger_cannot_show_the_duties(client_as, world):
    load_huinong()
    cadre = world.neighbour_cadres["hn-hongguozi:township_deputy"]
    case = lead_create(
        acting_user=world.users["huinong_emergency_officer"],
        title="红果子镇线索",
        facts="事实",
        source_kind=SourceKind.ACCIDENT_INVESTIGATION,
        subjects=[cadre],
    )
    subject = case.subjects.get()
    html = page(client_as("huinong_discipline_officer"), f"/cases/{case.pk}/subjects/{subject.pk}/findings/")
    assert 'data-ledger="unmeasured"' in html and 'data-no-catalog="huinong"' in html
    # Neither "every duty was met" nor "no duty binds the posts": the ledger cannot say.
    assert 'data-ledger="met"' not in html and 'class="zm-none">' not in html.split('id="ledger"', 1)[1].split("</section>", 1)[0]
