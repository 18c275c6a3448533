"""Case materials over HTTP (API v1, issue 16 item 8): upload, list, a new version, withdrawal,
the download served safely; 403/404 for those who may not, nothing written on any refusal.

Personas: discipline_officer handles the case; emergency_officer referred the lead (status and
outcome only); huinong_discipline_officer is in another county.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from cases.codes import CaseState
from cases.models import CaseEvent, CaseMaterial
from cases.tests.scenarios import case_in_state

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32


@pytest.fixture(scope="module")
def world(module_world):
    return module_world


def _url(case, tail=""):
    return f"/api/v1/cases/{case.pk}/materials/{tail}"


def _written(case):
    return (CaseMaterial.objects.filter(case=case).count(), CaseEvent.objects.filter(case=case).count())


def _upload(client, case, **fields):
    body = {"kind": "report", "title": "调查报告（初稿）", "file": SimpleUploadedFile("报告.pdf", PDF)} | fields
    return client.post(_url(case), {k: v for k, v in body.items() if v is not None}, format="multipart")


def test_upload_list_version_withdraw_and_download(world, api):
    case = case_in_state(world, CaseState.INVESTIGATING)
    officer = api("discipline_officer")
    created = _upload(officer, case)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["kind"], body["version"], body["content_type"], body["uploaded_by"]) == (
        "report",
        1,
        "application/pdf",
        "discipline_officer",
    )
    assert body["url"] == _url(case, f"{body['id']}/file/")
    version = officer.post(
        _url(case, f"{body['id']}/versions/"), {"file": SimpleUploadedFile("现场.png", PNG)}, format="multipart"
    )
    assert version.status_code == 201, version.content
    v2 = version.json()
    assert (v2["version"], v2["supersedes"], v2["series"], v2["title"]) == (2, body["id"], body["series"], body["title"])
    listed = officer.get(_url(case)).json()
    assert [m["version"] for m in listed] == [1, 2]

    download = officer.get(_url(case, f"{body['id']}/file/"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]

    empty = officer.post(_url(case, f"{v2['id']}/withdraw/"), {"reason": " "}, format="json")
    assert empty.status_code == 400 and empty.json()["error"] == "invalid" and "reason" in empty.json()["detail"]
    unknown = officer.post(_url(case, f"{v2['id']}/withdraw/"), {"reason": "x", "delete": True}, format="json")
    assert unknown.status_code == 400 and "delete" in unknown.json()["detail"]
    withdrawn = officer.post(_url(case, f"{v2['id']}/withdraw/"), {"reason": "报告已被正式稿替换"}, format="json")
    assert withdrawn.status_code == 200, withdrawn.content
    assert withdrawn.json()["withdrawn_by"] == "discipline_officer"
    assert all(m["withdrawn_at"] for m in officer.get(_url(case)).json())
    again = officer.post(_url(case, f"{v2['id']}/withdraw/"), {"reason": "x"}, format="json")
    assert again.status_code == 409
    # No way to delete: the methods are not there.
    assert officer.delete(_url(case, f"{v2['id']}/file/")).status_code == 405
    assert CaseMaterial.objects.filter(case=case).count() == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"file": SimpleUploadedFile("报告.pdf", b"<html><script>alert(1)</script>")}, "file"),
        ({"file": SimpleUploadedFile("报告.html", b"<html></html>")}, "file"),
        ({"file": None}, "file"),
        ({"kind": "secret"}, "kind"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_uploads_are_400_and_write_nothing(world, api, fields, field):
    case = case_in_state(world, CaseState.INVESTIGATING)
    before = _written(case)
    response = _upload(api("discipline_officer"), case, **fields)
    assert response.status_code == 400, response.content
    assert response.json()["error"] == "invalid" and field in response.json()["detail"]
    assert _written(case) == before


def test_too_big_and_two_files_at_once_are_refused(world, api):
    case = case_in_state(world, CaseState.INVESTIGATING)
    officer = api("discipline_officer")
    before = _written(case)
    with override_settings(ZEREN_EVIDENCE_MAX_BYTES=1024):
        big = _upload(officer, case, file=SimpleUploadedFile("大.pdf", PDF + b"0" * 4096))
    assert big.status_code == 400 and "1024" in big.json()["detail"]["file"][0]
    two = officer.post(
        _url(case),
        {"kind": "photo", "title": "照片", "file": [SimpleUploadedFile("a.png", PNG), SimpleUploadedFile("b.png", PNG)]},
        format="multipart",
    )
    assert two.status_code == 400 and "file" in two.json()["detail"]
    assert _written(case) == before


@pytest.mark.parametrize(
    ("persona", "read", "write"),
    [("emergency_officer", 404, 404), ("huinong_discipline_officer", 404, 404), ("discipline_leader", 200, 201)],
)
def test_who_reads_and_who_writes(world, api, persona, read, write):
    case = case_in_state(world, CaseState.INVESTIGATING)
    material = _upload(api("discipline_officer"), case).json()
    client = api(persona)
    before = _written(case)
    assert client.get(_url(case)).status_code == read
    assert client.get(_url(case, f"{material['id']}/file/")).status_code == read
    response = _upload(client, case)
    assert response.status_code == write
    if write != 201:
        assert client.post(_url(case, f"{material['id']}/withdraw/"), {"reason": "x"}, format="json").status_code == write
        assert _written(case) == before


def test_full_access_without_the_handling_department_reads_but_may_not_write(world, api):
    """The organization department executes a decided measure: it sees the case in full, reads
    the materials, and may not add or withdraw one (403)."""
    case = case_in_state(world, CaseState.EXECUTING)
    material = _upload(api("discipline_officer"), case).json()
    client = api("organization_officer")
    assert client.get(_url(case)).status_code == 200
    before = _written(case)
    assert _upload(client, case).status_code == 403
    assert client.post(_url(case, f"{material['id']}/withdraw/"), {"reason": "x"}, format="json").status_code == 403
    assert _written(case) == before


def test_a_material_of_another_case_is_404(world, api):
    case, other = case_in_state(world, CaseState.INVESTIGATING), case_in_state(world, CaseState.INVESTIGATING)
    officer = api("discipline_officer")
    material = _upload(officer, other).json()
    assert officer.get(_url(case, f"{material['id']}/file/")).status_code == 404
    assert officer.post(_url(case, f"{material['id']}/withdraw/"), {"reason": "x"}, format="json").status_code == 404


def test_findings_cite_materials_over_the_api(world, api):
    case = case_in_state(world, CaseState.INVESTIGATING)
    officer = api("discipline_officer")
    material = _upload(officer, case).json()
    subject = case.subjects.get()
    url = f"/api/v1/cases/{case.pk}/subjects/{subject.pk}/findings/"
    body = {"circumstances": ["26.4"], "conduct_date": "2024-12-01", "materials": [material["id"]]}
    assert officer.put(url, body, format="json").status_code == 200
    detail = officer.get(f"/api/v1/cases/{case.pk}/").json()
    assert detail["subjects"][0]["finding"]["materials"] == [material["id"]]
    bad = officer.put(url, {**body, "materials": [999999]}, format="json")
    assert bad.status_code == 400 and "materials" in bad.json()["detail"]
