"""Duty records and their evidence (PRODUCT §3, docs/duties.md), over the API and the services. The
evidence itself (uploads, downloads) and withdrawing a record are in test_ledger_evidence.py.

Who does what here:
- organization_officer, emergency_officer: keep the county's ledger (record, add evidence, withdraw).
- discipline_officer: reads the ledger (evidence for Art. 26.1 and 31) but never writes it.
- audit_officer: a referring agency; keeps only its own department's leaders, sees no one else's.
- city_discipline_officer: the city's discipline organ, an outsider: sees nothing of the county.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cases.services.cadres import cadre_move
from cases.tests._transitions_helpers import assert_error
from duties.models import DutyRecord
from duties.tests._ledger_helpers import (
    KEEPERS,
    PDF,
    SAFETY_DEPUTY,
    TODAY,
    TOWNSHIP_DEPUTY,
    D,
    body,
    cadre,
    obligation,
    recorded,
    results,
    snapshot,
    upload,
)
from org.models import Cadre, Post

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(module_world):
    """conftest's ``world``, built once for this module (``module_world``)."""
    return module_world


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 29, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_snapshot_sees_records_evidence_and_their_history(world, media):
    before = snapshot(media)
    assert {"duties.DutyRecord", "duties.HistoricalDutyRecord", "duties.Evidence", "duties.HistoricalEvidence"} <= set(before)
    recorded(world, SAFETY_DEPUTY, "10-3-inspection", D(2026, 3, 3), files=[upload("a.pdf", PDF)])
    after = snapshot(media)
    for label in ("duties.DutyRecord", "duties.HistoricalDutyRecord", "duties.Evidence", "duties.HistoricalEvidence"):
        assert after[label] == before[label] + 1, label
    assert len(after["files"]) == len(before["files"]) + 1


# --- recording a duty ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", KEEPERS)
def test_keepers_of_the_ledger_record_a_duty(world, api, persona):
    response = api(persona).post(
        "/api/v1/duty-records/",
        body(world, SAFETY_DEPUTY, "10-3-inspection", D(2026, 11, 3), note="检查某危化企业"),
        format="json",
    )
    assert response.status_code == 201, response.content
    row = response.json()
    the_cadre = cadre(world, SAFETY_DEPUTY)
    assert (row["cadre"], row["obligation"], row["date"]) == (the_cadre.pk, obligation("10-3-inspection").pk, "2026-11-03")
    assert row["citation"] == "第10条（三）" and row["role"] == "regulator_safety_deputy"
    assert row["organization"] == world.departments["pl-emergency"].name
    assert row["recorded_by"] == persona and row["note"] == "检查某危化企业"
    assert row["evidence"] == [] and row["voided_at"] is None
    record = DutyRecord.objects.get(pk=row["id"])
    assert record.post == Post.objects.get(cadre=the_cadre)
    assert record.history.get().history_user == world.users[persona]


def test_the_discipline_organ_reads_the_ledger_but_cannot_write_it(world, api, media):
    record = recorded(world, SAFETY_DEPUTY, "10-3-inspection", D(2026, 11, 3))
    client = api("discipline_officer")
    assert [r["id"] for r in results(client.get(f"/api/v1/duty-records/?cadre={record.cadre_id}"))] == [record.pk]
    assert client.get(f"/api/v1/duty-records/{record.pk}/").json()["id"] == record.pk

    before = snapshot(media)
    refused = client.post("/api/v1/duty-records/", body(world, SAFETY_DEPUTY, "10-3-inspection", D(2026, 11, 4)), format="json")
    assert_error(refused, 403, "not_permitted")
    assert_error(client.post(f"/api/v1/duty-records/{record.pk}/void/", {"reason": "录错"}, format="json"), 403, "not_permitted")
    assert_error(
        client.post(f"/api/v1/duty-records/{record.pk}/evidence/", {"file": upload("a.pdf", PDF)}, format="multipart"),
        403,
        "not_permitted",
    )
    assert snapshot(media) == before


def test_a_referring_agency_neither_reads_nor_writes_another_departments_ledger(world, api, media):
    record = recorded(world, SAFETY_DEPUTY, "10-3-inspection", D(2026, 11, 3))
    client = api("audit_officer")
    assert results(client.get("/api/v1/duty-records/")) == []
    assert_error(client.get(f"/api/v1/duty-records/{record.pk}/"), 404, "not_found")
    assert_error(client.get(f"/api/v1/cadres/{record.cadre_id}/compliance/?year=2026"), 403, "not_permitted")
    emergency = world.departments["pl-emergency"].pk
    assert_error(client.get(f"/api/v1/departments/{emergency}/duty-status/"), 403, "not_permitted")
    before = snapshot(media)
    refused = client.post("/api/v1/duty-records/", body(world, SAFETY_DEPUTY, "10-3-inspection", D(2026, 11, 4)), format="json")
    assert_error(refused, 403, "not_permitted")
    assert snapshot(media) == before


def test_a_department_keeps_the_records_of_its_own_leaders(world, api):
    audit = world.departments["pl-audit"]
    director = Cadre.objects.create(name="审计局长")
    Post.objects.create(
        cadre=director,
        organization=audit,
        role="department_head",
        title="局长",
        start=D(2022, 1, 1),
        managing_authority=world.departments["pl-organization"],
    )
    client = api("audit_officer")
    response = client.post(
        "/api/v1/duty-records/",
        {"cadre": director.pk, "obligation": obligation("17-departments").pk, "date": "2026-01-20"},
        format="json",
    )
    assert response.status_code == 201, response.content
    recorded(world, SAFETY_DEPUTY, "10-3-inspection", D(2026, 11, 3))
    assert [r["cadre"] for r in results(client.get("/api/v1/duty-records/"))] == [director.pk]


def test_an_outsider_from_the_city_sees_nothing_of_the_countys_ledger(world, api, media):
    record = recorded(world, SAFETY_DEPUTY, "10-3-inspection", D(2026, 11, 3), files=[upload("a.pdf", PDF)])
    evidence = record.evidence.get()
    client = api("city_discipline_officer")
    assert results(client.get("/api/v1/duty-records/")) == []
    assert_error(client.get(f"/api/v1/duty-records/{record.pk}/"), 404, "not_found")
    assert_error(client.get(f"/api/v1/duty-records/{record.pk}/evidence/{evidence.pk}/"), 403, "not_permitted")
    assert_error(client.get(f"/api/v1/cadres/{record.cadre_id}/compliance/?year=2026"), 403, "not_permitted")
    baofeng = world.departments["pl-baofeng"].pk
    assert_error(client.get(f"/api/v1/departments/{baofeng}/duty-status/"), 403, "not_permitted")
    before = snapshot(media)
    refused = client.post("/api/v1/duty-records/", body(world, TOWNSHIP_DEPUTY, "9-4-township", D(2026, 11, 4)), format="json")
    assert_error(refused, 403, "not_permitted")
    assert snapshot(media) == before


def test_a_date_on_which_the_cadre_held_no_post_the_duty_binds_is_refused_naming_the_article(world, api, media):
    """A township deputy moved to the housing bureau on 1 June: the monthly inspection of 第九条（四）
    counts up to 31 May, that of 第十条（四） from 1 June."""
    the_cadre = cadre(world, TOWNSHIP_DEPUTY)
    cadre_move(
        cadre_id=the_cadre.pk,
        kind="transfer",
        effective_date=D(2026, 6, 1),
        acting_user=world.users["organization_officer"],
        organization=world.departments["pl-housing"],
        role="regulator_deputy",
        title="副局长",
    )
    client = api("organization_officer")
    before = snapshot(media)
    for code, day, citation in [("9-4-township", D(2026, 6, 1), "第9条（四）"), ("10-4", D(2026, 5, 31), "第10条（四）")]:
        response = client.post("/api/v1/duty-records/", body(world, TOWNSHIP_DEPUTY, code, day), format="json")
        detail = assert_error(response, 400, "invalid")["detail"]
        assert list(detail) == ["obligation"]
        assert citation in detail["obligation"][0] and the_cadre.name in detail["obligation"][0]
    never = client.post("/api/v1/duty-records/", body(world, TOWNSHIP_DEPUTY, "6-3-township", D(2026, 3, 2)), format="json")
    assert "第6条（三）" in assert_error(never, 400, "invalid")["detail"]["obligation"][0]
    assert snapshot(media) == before

    old = client.post("/api/v1/duty-records/", body(world, TOWNSHIP_DEPUTY, "9-4-township", D(2026, 5, 31)), format="json")
    new = client.post("/api/v1/duty-records/", body(world, TOWNSHIP_DEPUTY, "10-4", D(2026, 6, 1)), format="json")
    assert old.status_code == 201 and new.status_code == 201, (old.content, new.content)
    assert (old.json()["role"], new.json()["role"]) == ("township_deputy", "regulator_deputy")
    assert new.json()["organization"] == world.departments["pl-housing"].name


def test_a_future_date_is_refused_and_today_is_not(world, api, media):
    client = api("emergency_officer")
    before = snapshot(media)
    tomorrow = client.post(
        "/api/v1/duty-records/", body(world, SAFETY_DEPUTY, "10-3-inspection", TODAY + dt.timedelta(days=1)), format="json"
    )
    assert list(assert_error(tomorrow, 400, "invalid")["detail"]) == ["date"]
    assert snapshot(media) == before
    today = client.post("/api/v1/duty-records/", body(world, SAFETY_DEPUTY, "10-3-inspection", TODAY), format="json")
    assert today.status_code == 201, today.content


def test_a_date_before_the_rules_took_effect_is_refused(world, api):
    assert cadre(world, SAFETY_DEPUTY).posts.get().start < D(2021, 6, 10)
    response = api("emergency_officer").post(
        "/api/v1/duty-records/", body(world, SAFETY_DEPUTY, "10-3-inspection", D(2021, 6, 10)), format="json"
    )
    assert list(assert_error(response, 400, "invalid")["detail"]) == ["date"]
    assert not DutyRecord.objects.filter(cadre=cadre(world, SAFETY_DEPUTY)).exists()


def test_a_record_needs_cadre_obligation_and_date(world, api):
    response = api("emergency_officer").post("/api/v1/duty-records/", {"note": "x"}, format="json")
    assert set(assert_error(response, 400, "invalid")["detail"]) == {"cadre", "obligation", "date"}


# --- listing ---------------------------------------------------------------------------------


def test_the_list_filters_by_cadre_duty_and_dates(world, api):
    a = recorded(world, SAFETY_DEPUTY, "10-3-inspection", D(2026, 9, 3))
    b = recorded(world, SAFETY_DEPUTY, "10-3-research", D(2026, 10, 8))
    c = recorded(world, TOWNSHIP_DEPUTY, "9-4-township", D(2026, 10, 20))
    client = api("discipline_officer")

    def ids(query: str) -> list[int]:
        return [r["id"] for r in results(client.get(f"/api/v1/duty-records/?{query}"))]

    assert ids("") == [c.pk, b.pk, a.pk]  # newest first
    assert ids(f"cadre={a.cadre_id}") == [b.pk, a.pk]
    assert ids(f"obligation={obligation('9-4-township').pk}") == [c.pk]
    assert ids("from=2026-10-01") == [c.pk, b.pk]
    assert ids("to=2026-10-08") == [b.pk, a.pk]
    assert ids("from=2026-10-01&to=2026-10-19") == [b.pk]
    assert_error(client.get("/api/v1/duty-records/?from=yesterday"), 400, "invalid", fields=("from",))
    assert_error(client.get("/api/v1/duty-records/?cadre=abc"), 400, "invalid", fields=("cadre",))


# --- compliance and status over the API ------------------------------------------------------


def test_compliance_over_the_api_has_the_fields_external_clients_rely_on(world, api):
    recorded(world, SAFETY_DEPUTY, "10-3-inspection", D(2026, 1, 12))
    the_cadre = cadre(world, SAFETY_DEPUTY)
    response = api("discipline_officer").get(f"/api/v1/cadres/{the_cadre.pk}/compliance/?year=2026&as_of=2026-03-15")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["year"] == 2026 and data["fully_met"] is False
    by_code = {o["code"]: o for o in data["obligations"]}
    # 第十条（三）'s two frequencies, and the standing duties of 第十条（一）（三） (issue 13).
    assert set(by_code) == {"10-3-inspection", "10-3-research", "10-1", "10-3-lead", "10-3-control"}
    standing = by_code["10-3-lead"]
    assert standing["period"] == "standing"
    assert [(p["start"], p["end"], p["required"], p["done"], p["status"]) for p in standing["periods"]] == [
        ("2026-01-01", "2026-12-31", 1, 0, "pending")
    ]
    inspection = by_code["10-3-inspection"]
    assert {"obligation", "article", "item", "period", "met", "periods"} <= set(inspection)
    assert (inspection["obligation"], inspection["article"], inspection["item"], inspection["period"]) == (
        obligation("10-3-inspection").pk,
        10,
        "三",
        "month",
    )
    assert [(p["start"], p["end"], p["required"], p["done"], p["met"], p["status"]) for p in inspection["periods"][:4]] == [
        ("2026-01-01", "2026-01-31", 1, 1, True, "met"),
        ("2026-02-01", "2026-02-28", 1, 0, False, "missed"),
        ("2026-03-01", "2026-03-31", 1, 0, False, "pending"),
        ("2026-04-01", "2026-04-30", 1, 0, False, "pending"),
    ]
    assert_error(api("discipline_officer").get(f"/api/v1/cadres/{the_cadre.pk}/compliance/?as_of=soon"), 400, "invalid")


def test_department_status_says_who_is_behind_in_the_block_running_now(world, api):
    recorded(world, SAFETY_DEPUTY, "10-3-inspection", D(2026, 11, 2))
    recorded(world, SAFETY_DEPUTY, "10-3-research", D(2026, 11, 20))
    emergency = world.departments["pl-emergency"]
    response = api("emergency_officer").get(f"/api/v1/departments/{emergency.pk}/duty-status/?on=2026-11-29")
    assert response.status_code == 200, response.content
    data = response.json()
    rows = {row["cadre"]["id"]: row for row in data["cadres"]}
    on_time = rows[cadre(world, SAFETY_DEPUTY).pk]
    assert on_time["behind"] is False
    assert {(d["code"], d["start"], d["done"]) for d in on_time["duties"] if d["period"] != "standing"} == {
        ("10-3-inspection", "2026-11-01", 1),
        ("10-3-research", "2026-11-01", 1),
    }
    # A standing duty's block running now is the year; nobody is behind on it before it is over.
    standing = [d for d in on_time["duties"] if d["period"] == "standing"]
    assert {d["code"] for d in standing} == {"10-1", "10-3-lead", "10-3-control"}
    assert all((d["start"], d["end"], d["done"], d["behind"]) == ("2026-01-01", "2026-12-31", 0, False) for d in standing)
    # Everyone else in the bureau (its head and two deputies) has done nothing this quarter.
    assert len(rows) == 4 and data["behind_count"] == 3


@pytest.mark.parametrize("on", ["0001-01-01", "9999-12-31", "tomorrow"])
def test_department_status_refuses_a_day_it_cannot_place_in_a_block(world, api, on):
    emergency = world.departments["pl-emergency"]
    response = api("emergency_officer").get(f"/api/v1/departments/{emergency.pk}/duty-status/?on={on}")
    assert list(assert_error(response, 400, "invalid")["detail"]) == ["on"]
