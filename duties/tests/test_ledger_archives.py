"""Evidence that is a zip package is inspected, polyglots are refused, and one upload holds a
bounded number of files (issue 15, item 10; docs/duties.md "Evidence").

Personas (``conftest.py``): emergency_officer keeps the county's duty ledger and uploads the
evidence; the limits are the settings ``ZEREN_ARCHIVE_*`` and ``ZEREN_EVIDENCE_MAX_FILES``.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cases.tests._transitions_helpers import assert_error
from core.errors import InvalidInput
from duties.tests._ledger_helpers import DOCX, JPG, PDF, PNG, SAFETY_DEPUTY, D, body, recorded, snapshot, upload

pytestmark = pytest.mark.django_db

MiB = 1024 * 1024


@pytest.fixture(scope="module")
def world(module_world):
    return module_world


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 29, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def docx_with(*extra: tuple[str, bytes], first: tuple[str, bytes] | None = None) -> bytes:
    """The sample DOCX repacked with ``extra`` entries (deflated) after its own, ``first`` before."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(DOCX)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        if first:
            package.writestr(first[0], first[1])
        for info in source.infolist():
            package.writestr(info, source.read(info))
        for name, data in extra:
            package.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def plain_zip(*entries: tuple[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in entries:
            package.writestr(name, data)
    return out.getvalue()


def lying_docx() -> bytes:
    """A DOCX whose last entry inflates to 2 MiB but declares 1,000 bytes, in both its local header
    and the central directory: the declared sizes pass, reading the entry shows the lie."""
    content = bytearray(docx_with(("word/media/filler.bin", b"\x00" * 2 * MiB)))
    name = b"word/media/filler.bin"
    local = content.rfind(b"PK\x03\x04", 0, content.find(name) + 1)
    struct.pack_into("<I", content, local + 22, 1000)
    central = content.rfind(b"PK\x01\x02", 0, content.rfind(name))
    struct.pack_into("<I", content, central + 24, 1000)
    return bytes(content)


def _post(api, world, name: str, content: bytes):
    return api("emergency_officer").post(
        "/api/v1/duty-records/",
        body(world, SAFETY_DEPUTY, "10-3-inspection", D(2026, 11, 3), evidence=[upload("ok.pdf", PDF), upload(name, content)]),
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",  # the words below are the English messages
    )


def _refused(api, world, media, name: str, content: bytes, *words: str) -> None:
    before = snapshot(media)
    detail = assert_error(_post(api, world, name, content), 400, "invalid")["detail"]
    assert list(detail) == ["evidence"], detail
    message = str(detail["evidence"][0])
    assert name in message and all(word in message for word in words), message
    assert snapshot(media) == before


# --- archives ------------------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_by_its_compression_ratio(world, api, media):
    # 8 MiB of zeros deflate to about 8 KB: a ratio near 1000, where a document's XML is about 10.
    _refused(api, world, media, "bomb.docx", docx_with(("word/media/zeros.bin", b"\x00" * 8 * MiB)), "100 to 1")


def test_an_archive_inflating_beyond_the_limit_is_refused_from_its_declared_sizes(world, api, media, settings):
    settings.ZEREN_ARCHIVE_MAX_INFLATED = 1 * MiB
    settings.ZEREN_ARCHIVE_MAX_RATIO = 10_000
    _refused(api, world, media, "big.docx", docx_with(("word/media/zeros.bin", b"\x00" * 2 * MiB)), str(MiB))


def test_an_archive_lying_about_its_sizes_is_refused_when_read(world, api, media):
    _refused(api, world, media, "liar.docx", lying_docx(), "word/media/filler.bin")


def test_an_archive_with_too_many_entries_is_refused(world, api, media, settings):
    settings.ZEREN_ARCHIVE_MAX_ENTRIES = 20
    entries = [(f"word/media/image{i}.png", PNG) for i in range(20)]
    _refused(api, world, media, "many.docx", docx_with(*entries), "20")


@pytest.mark.parametrize(
    "entry", ["../../etc/cron.d/x", "/etc/passwd", "word\\..\\..\\x.xml", "C:/Windows/x.dll", "word/../../x"]
)
def test_an_entry_path_leaving_its_folder_is_refused(world, api, media, entry):
    _refused(api, world, media, "slip.docx", docx_with((entry, b"x")), entry)


def test_a_nested_archive_passes_the_same_checks(world, api, media):
    bomb = plain_zip(("zeros.bin", b"\x00" * 8 * MiB))
    _refused(api, world, media, "nested.docx", docx_with(("word/embeddings/sheet.xlsx", bomb)), "word/embeddings/sheet.xlsx")
    twice = plain_zip(("inner.zip", plain_zip(("a.txt", b"a"))))
    _refused(api, world, media, "deep.docx", docx_with(("word/embeddings/sheet.xlsx", twice)), "inner.zip")

    # A chart's workbook inside a document (what Word writes) passes the same checks.
    workbook = plain_zip(("xl/workbook.xml", b"<workbook/>"), ("xl/worksheets/sheet1.xml", b"<sheet/>" * 1000))
    response = _post(api, world, "chart.docx", docx_with(("word/embeddings/Microsoft_Excel_Worksheet.xlsx", workbook)))
    assert response.status_code == 201, response.content
    assert len(response.json()["evidence"]) == 2


def test_the_service_refuses_a_bomb_before_writing_the_record(world, media):
    before = snapshot(media)
    with pytest.raises(InvalidInput) as refused:
        recorded(
            world,
            SAFETY_DEPUTY,
            "10-3-inspection",
            D(2026, 11, 5),
            persona="emergency_officer",
            files=[upload("ok.pdf", PDF), upload("bomb.docx", docx_with(("zeros.bin", b"\x00" * 8 * MiB)))],
        )
    assert list(refused.value.detail) == ["evidence"]
    assert snapshot(media) == before


# --- polyglots -----------------------------------------------------------------------------------

POLYGLOTS = [
    ("appended.pdf", PDF + plain_zip(("payload.exe", b"MZ" + b"\x00" * 64))),
    ("appended.png", PNG + plain_zip(("payload.js", b"alert(1)"))),
    ("appended.jpg", JPG + plain_zip(("payload.js", b"alert(1)"))),
    ("pdf-inside.docx", docx_with(first=("%PDF-1.7 1 0 obj", b"x"))),
    ("pdf-after.docx", DOCX + PDF),
    ("pdf-header.png", PNG[:16] + b"%PDF-1.7\n" + PNG[16:]),
]


@pytest.mark.parametrize(("name", "content"), POLYGLOTS, ids=[p[0] for p in POLYGLOTS])
def test_a_file_read_as_two_types_is_refused(world, api, media, name, content):
    _refused(api, world, media, name, content)


def test_later_evidence_is_inspected_too(world, api, media):
    record = recorded(world, SAFETY_DEPUTY, "10-3-inspection", D(2026, 11, 3))
    before = snapshot(media)
    response = api("emergency_officer").post(
        f"/api/v1/duty-records/{record.pk}/evidence/",
        {"file": upload("slip.docx", docx_with(("../x", b"x")))},
        format="multipart",
    )
    assert list(assert_error(response, 400, "invalid")["detail"]) == ["evidence"]
    assert snapshot(media) == before


# --- how many files ------------------------------------------------------------------------------


def test_more_files_than_the_limit_in_one_upload_is_a_400_and_stated_in_the_schema(world, api, media, settings):
    before = snapshot(media)
    client = api("emergency_officer")
    files = [upload(f"{i}.pdf", PDF) for i in range(21)]
    response = client.post(
        "/api/v1/duty-records/", body(world, SAFETY_DEPUTY, "10-3-inspection", D(2026, 11, 3), evidence=files), format="multipart"
    )
    detail = assert_error(response, 400, "invalid")["detail"]
    assert list(detail) == ["evidence"] and "20" in detail["evidence"][0] and "21" in detail["evidence"][0]
    # Far more than Django parses at all: refused before any view, with the same shape.
    flood = [upload(f"{i}.pdf", PDF) for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)]
    response = client.post(
        "/api/v1/duty-records/", body(world, SAFETY_DEPUTY, "10-3-inspection", D(2026, 11, 3), evidence=flood), format="multipart"
    )
    assert_error(response, 400, "invalid")
    assert snapshot(media) == before
    schema = client.get("/api/schema/?format=json").json()
    evidence = schema["components"]["schemas"]["DutyRecordUploadRequest"]["properties"]["evidence"]
    assert evidence["maxItems"] == 20 and "At most 20 files" in evidence["description"]
