"""Evidence of duty records (PRODUCT §3, docs/duties.md): accepted and refused uploads, the size limit,
downloads, and withdrawing a record. Who does what: see test_ledger.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cases.tests._transitions_helpers import assert_error
from duties.models import DutyRecord, Evidence
from duties.tests._ledger_helpers import (
    DOCX,
    EXE,
    JPG,
    PDF,
    PNG,
    SAFETY_DEPUTY,
    TOWNSHIP_DEPUTY,
    D,
    _zip,
    body,
    compliance_block,
    recorded,
    results,
    snapshot,
    stored_files,
    upload,
)

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


# --- evidence --------------------------------------------------------------------------------

ACCEPTED = [
    ("签到表.pdf", PDF, "application/pdf"),
    ("现场照片.PNG", PNG, "image/png"),
    ("现场照片.jpg", JPG, "image/jpeg"),
    ("现场照片.jpeg", JPG, "image/jpeg"),
    ("会议纪要.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
]


@pytest.mark.parametrize(("name", "content", "content_type"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_evidence_is_accepted_by_its_content_and_stored_under_a_name_of_its_own(world, api, media, name, content, content_type):
    response = api("emergency_officer").post(
        "/api/v1/duty-records/",
        body(world, SAFETY_DEPUTY, "10-3-inspection", D(2026, 11, 3), evidence=[upload(name, content)]),
        format="multipart",
    )
    assert response.status_code == 201, response.content
    [meta] = response.json()["evidence"]
    assert (meta["original_name"], meta["content_type"], meta["size"]) == (name, content_type, len(content))
    assert meta["sha256"] == hashlib.sha256(content).hexdigest()
    evidence = Evidence.objects.get(pk=meta["id"])
    assert meta["url"] == f"/api/v1/duty-records/{evidence.record_id}/evidence/{evidence.pk}/"
    [stored] = stored_files(media)
    assert stored.read_bytes() == content
    assert name not in evidence.file.name and Path(name).stem not in stored.name


def test_evidence_can_be_added_to_a_record_later(world, api):
    record = recorded(world, SAFETY_DEPUTY, "10-3-inspection", D(2026, 11, 3))
    response = api("organization_officer").post(
        f"/api/v1/duty-records/{record.pk}/evidence/", {"file": upload("补充材料.pdf", PDF)}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert list(record.evidence.values_list("original_name", flat=True)) == ["补充材料.pdf"]
    missing = api("organization_officer").post(f"/api/v1/duty-records/{record.pk}/evidence/", {}, format="multipart")
    assert list(assert_error(missing, 400, "invalid")["detail"]) == ["file"]


REFUSED = [
    ("report.pdf", EXE),  # a program dressed as a PDF
    ("tool.exe", EXE),
    ("photo.png", PDF),  # a real PDF under a picture's name
    ("macro.docm", DOCX),
    ("archive.docx", _zip("payload.bin")),  # any zip renamed .docx: no word/document.xml inside
    ("no-extension", PDF),
    ("empty.pdf", b""),
]


@pytest.mark.parametrize(("name", "content"), REFUSED, ids=[r[0] for r in REFUSED])
def test_a_refused_upload_changes_nothing(world, api, media, name, content):
    record = recorded(world, SAFETY_DEPUTY, "10-3-inspection", D(2026, 11, 3), files=[upload("ok.pdf", PDF)])
    client = api("emergency_officer")
    before = snapshot(media)

    added = client.post(f"/api/v1/duty-records/{record.pk}/evidence/", {"file": upload(name, content)}, format="multipart")
    detail = assert_error(added, 400, "invalid")["detail"]
    assert list(detail) == ["evidence"] and name in detail["evidence"][0]

    created = client.post(
        "/api/v1/duty-records/",
        body(world, SAFETY_DEPUTY, "10-3-inspection", D(2026, 11, 4), evidence=[upload("ok.pdf", PDF), upload(name, content)]),
        format="multipart",
    )
    assert list(assert_error(created, 400, "invalid")["detail"]) == ["evidence"]
    assert snapshot(media) == before


def test_evidence_over_the_size_limit_is_refused_and_at_the_limit_accepted(world, api, media, settings):
    settings.ZEREN_EVIDENCE_MAX_BYTES = 1024
    record = recorded(world, SAFETY_DEPUTY, "10-3-inspection", D(2026, 11, 3))
    client = api("emergency_officer")
    at_limit = PDF + b"0" * (1024 - len(PDF))
    before = snapshot(media)
    too_big = client.post(
        f"/api/v1/duty-records/{record.pk}/evidence/", {"file": upload("big.pdf", at_limit + b"0")}, format="multipart"
    )
    detail = assert_error(too_big, 400, "invalid")["detail"]
    assert list(detail) == ["evidence"] and "1024" in detail["evidence"][0]
    assert snapshot(media) == before
    fits = client.post(f"/api/v1/duty-records/{record.pk}/evidence/", {"file": upload("fits.pdf", at_limit)}, format="multipart")
    assert fits.status_code == 201, fits.content
    assert fits.json()["size"] == 1024


def test_evidence_is_downloaded_by_readers_only_and_always_as_an_attachment(world, api):
    record = recorded(world, SAFETY_DEPUTY, "10-3-inspection", D(2026, 11, 3), files=[upload("签到表.pdf", PDF)])
    evidence = record.evidence.get()
    url = f"/api/v1/duty-records/{record.pk}/evidence/{evidence.pk}/"
    for persona in ("discipline_officer", "organization_officer", "emergency_officer"):
        response = api(persona).get(url)
        assert response.status_code == 200, persona
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
    assert_error(api("audit_officer").get(url), 403, "not_permitted")
    assert_error(api().get(url), 401, "not_authenticated")
    other = recorded(world, TOWNSHIP_DEPUTY, "9-4-township", D(2026, 11, 3))
    assert_error(api("discipline_officer").get(f"/api/v1/duty-records/{other.pk}/evidence/{evidence.pk}/"), 404, "not_found")


# --- withdrawing a record --------------------------------------------------------------------


def test_withdrawing_needs_a_reason(world, api, media):
    record = recorded(world, SAFETY_DEPUTY, "10-3-inspection", D(2026, 11, 3))
    client = api("organization_officer")
    before = snapshot(media)
    for payload in ({}, {"reason": ""}, {"reason": "   "}):
        response = client.post(f"/api/v1/duty-records/{record.pk}/void/", payload, format="json")
        assert list(assert_error(response, 400, "invalid")["detail"]) == ["reason"], payload
    assert snapshot(media) == before


def test_a_withdrawn_record_stays_in_history_stops_counting_and_takes_no_evidence(world, api):
    record = recorded(world, SAFETY_DEPUTY, "10-3-inspection", D(2026, 10, 13))
    october = D(2026, 10, 1)
    block = compliance_block(api, world, SAFETY_DEPUTY, "10-3-inspection", october)
    assert (block["done"], block["met"]) == (1, True)

    client = api("emergency_officer")
    response = client.post(f"/api/v1/duty-records/{record.pk}/void/", {"reason": "日期录错，实为他人带队"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["void_reason"] == "日期录错，实为他人带队" and response.json()["voided_at"]

    block = compliance_block(api, world, SAFETY_DEPUTY, "10-3-inspection", october)
    assert (block["done"], block["met"]) == (0, False)
    assert DutyRecord.objects.filter(pk=record.pk).exists()
    assert [h.voided_at is None for h in record.history.order_by("history_id")] == [True, False]

    assert_error(
        client.post(f"/api/v1/duty-records/{record.pk}/void/", {"reason": "再撤"}, format="json"), 409, "precondition_failed"
    )
    late = client.post(f"/api/v1/duty-records/{record.pk}/evidence/", {"file": upload("a.pdf", PDF)}, format="multipart")
    assert_error(late, 409, "precondition_failed")
    assert not record.evidence.exists()

    reader = api("discipline_officer")
    assert results(reader.get(f"/api/v1/duty-records/?cadre={record.cadre_id}")) == []
    assert reader.get(f"/api/v1/duty-records/{record.pk}/").json()["voided_at"]
    [shown] = results(reader.get(f"/api/v1/duty-records/?cadre={record.cadre_id}&voided=1"))
    assert shown["id"] == record.pk and shown["void_reason"]
