"""Case materials (issue 16 item 8): attached by the handling department, checked like duty
evidence, versioned, withdrawn with a reason and never deleted; each step a case event and a
signed history row; findings cite them. The service with the database, then the API over HTTP.

Personas: discipline_officer / discipline_leader handle the case (write); emergency_officer
referred the lead (sees status and outcome only: no materials); huinong_discipline_officer is in
another county (cannot see the case).
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from cases.codes import CaseEventKind, CaseState
from cases.models import CaseEvent, CaseMaterial, Finding
from cases.models.materials import NEVER_DELETED
from cases.selectors.materials import material_series
from cases.services.findings import finding_put
from cases.services.materials import material_add, material_new_version, material_withdraw
from cases.tests.scenarios import case_in_state
from core.errors import InvalidInput, NotPermitted, PreconditionFailed

pytestmark = pytest.mark.django_db

OFFICER, LEADER, SOURCE, OUTSIDER = "discipline_officer", "discipline_leader", "emergency_officer", "huinong_discipline_officer"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
REPORTING = {"circumstances": ["26.4"], "conduct_date": "2024-12-01"}


@pytest.fixture(scope="module")
def world(module_world):
    return module_world


def _pdf(name="谈话笔录.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _add(world, case, persona=OFFICER, **kwargs):
    args = {"kind": "interview", "title": "对副镇长的谈话笔录", "upload": _pdf()} | kwargs
    return material_add(case_id=case.pk, acting_user=world.users[persona], **args)


def _written(case):
    return (CaseMaterial.objects.filter(case=case).count(), CaseEvent.objects.filter(case=case).count())


def test_officer_adds_a_material_with_its_checked_content_an_event_and_history(world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    material = _add(world, case)
    assert (material.version, material.kind, material.content_type) == (1, "interview", "application/pdf")
    assert material.size == len(PDF) and len(material.sha256) == 64 and material.original_name == "谈话笔录.pdf"
    assert material.file.read() == PDF
    event = CaseEvent.objects.filter(case=case).order_by("-seq").first()
    assert event.kind == CaseEventKind.MATERIAL_ADDED and event.payload["material"] == material.pk
    assert event.actor == world.users[OFFICER]
    history = material.history.get()
    assert history.history_user == world.users[OFFICER] and history.history_change_reason == "material added"


def test_a_new_version_supersedes_the_latest_keeps_the_series_and_the_old_file(world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    first = _add(world, case)
    second = material_new_version(
        case_id=case.pk, material_id=first.pk, upload=SimpleUploadedFile("照片.png", PNG), acting_user=world.users[LEADER]
    )
    assert (second.version, second.series, second.supersedes_id, second.kind) == (2, first.series, first.pk, "interview")
    assert second.title == first.title and second.content_type == "image/png"
    first.refresh_from_db()
    assert first.file.read() == PDF  # the earlier version stays
    [series] = material_series(case)
    assert series.latest.pk == second.pk and [m.pk for m in series.earlier] == [first.pk]
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.MATERIAL_VERSIONED).count() == 1
    # Only the latest version gets a successor.
    before = _written(case)
    with pytest.raises(PreconditionFailed):
        material_new_version(case_id=case.pk, material_id=first.pk, upload=_pdf(), acting_user=world.users[OFFICER])
    assert _written(case) == before


def test_withdrawal_needs_a_reason_marks_every_version_and_deletes_nothing(world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    first = _add(world, case)
    second = material_new_version(case_id=case.pk, material_id=first.pk, upload=_pdf(), acting_user=world.users[OFFICER])
    before = _written(case)
    with pytest.raises(InvalidInput) as exc:
        material_withdraw(case_id=case.pk, material_id=second.pk, reason="  ", acting_user=world.users[OFFICER])
    assert "reason" in exc.value.detail
    assert _written(case) == before
    withdrawn = material_withdraw(
        case_id=case.pk, material_id=second.pk, reason="笔录未经本人签字确认", acting_user=world.users[OFFICER]
    )
    assert withdrawn.withdrawn_by == world.users[OFFICER] and withdrawn.withdraw_reason == "笔录未经本人签字确认"
    assert CaseMaterial.objects.filter(series=first.series, withdrawn_at__isnull=True).count() == 0
    assert CaseMaterial.objects.filter(case=case).count() == 2
    event = CaseEvent.objects.filter(case=case).order_by("-seq").first()
    assert event.kind == CaseEventKind.MATERIAL_WITHDRAWN and event.reason == "笔录未经本人签字确认"
    with pytest.raises(PreconditionFailed):
        material_withdraw(case_id=case.pk, material_id=first.pk, reason="again", acting_user=world.users[OFFICER])
    with pytest.raises(PreconditionFailed):
        material_new_version(case_id=case.pk, material_id=second.pk, upload=_pdf(), acting_user=world.users[OFFICER])
    # Never deleted: not one row, not a queryset.
    with pytest.raises(PermissionError, match=NEVER_DELETED):
        first.delete()
    with pytest.raises(PermissionError):
        CaseMaterial.objects.filter(case=case).delete()
    assert CaseMaterial.objects.filter(case=case).count() == 2


@pytest.mark.parametrize(
    ("upload", "field"),
    [
        (SimpleUploadedFile("笔录.pdf", b"MZ\x90\x00 not a pdf"), "file"),  # content is not what the name says
        (SimpleUploadedFile("笔录.exe", PDF), "file"),  # an extension not accepted
        (SimpleUploadedFile("空.pdf", b""), "file"),
        (None, "file"),
    ],
)
def test_bad_uploads_are_refused_naming_the_file_and_nothing_is_written(world, upload, field):
    case = case_in_state(world, CaseState.INVESTIGATING)
    before = _written(case)
    with pytest.raises(InvalidInput) as exc:
        _add(world, case, upload=upload)
    assert field in exc.value.detail
    assert _written(case) == before


def test_too_big_a_file_and_a_zip_bomb_are_refused(world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    before = _written(case)
    with override_settings(ZEREN_EVIDENCE_MAX_BYTES=1024), pytest.raises(InvalidInput) as exc:
        _add(world, case, upload=_pdf(content=PDF + b"0" * 2048))
    assert "1024" in str(exc.value.detail["file"][0])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"0" * 50_000_000)
    with pytest.raises(InvalidInput):
        _add(world, case, upload=SimpleUploadedFile("报告.docx", out.getvalue()))
    assert _written(case) == before


@pytest.mark.parametrize(
    ("kind", "title", "field"), [("diary", "x", "kind"), ("report", "  ", "title"), ("report", "长" * 201, "title")]
)
def test_bad_kind_or_title(world, kind, title, field):
    case = case_in_state(world, CaseState.INVESTIGATING)
    with pytest.raises(InvalidInput) as exc:
        _add(world, case, kind=kind, title=title)
    assert field in exc.value.detail
    assert _written(case)[0] == 0


@pytest.mark.parametrize("persona", [SOURCE, OUTSIDER, "organization_officer"])
def test_only_the_handling_department_writes(world, persona):
    case = case_in_state(world, CaseState.INVESTIGATING)
    material = _add(world, case)
    before = _written(case)
    with pytest.raises(NotPermitted):
        _add(world, case, persona=persona)
    with pytest.raises(NotPermitted):
        material_withdraw(case_id=case.pk, material_id=material.pk, reason="x", acting_user=world.users[persona])
    assert _written(case) == before


def test_an_ended_case_is_sealed(world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    material = _add(world, case)
    from cases.services.lifecycle import case_transition

    case = case_transition(
        case_id=case.pk, name="dismiss", payload={"reason": "经核实不存在问责情形"}, acting_user=world.users[LEADER]
    )
    assert case.state in (CaseState.DISMISSED, CaseState.NOT_PURSUED)
    before = _written(case)
    with pytest.raises(PreconditionFailed):
        _add(world, case)
    with pytest.raises(PreconditionFailed):
        material_withdraw(case_id=case.pk, material_id=material.pk, reason="x", acting_user=world.users[OFFICER])
    assert _written(case) == before


def test_findings_cite_materials_and_a_withdrawn_one_stays_cited(world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    subject = case.subjects.get()
    report = _add(world, case, kind="report", title="调查报告")
    other_case = case_in_state(world, CaseState.INVESTIGATING)
    foreign = _add(world, other_case)
    put = lambda materials: finding_put(  # noqa: E731
        case_id=case.pk, subject_id=subject.pk, data={**REPORTING, "materials": materials}, acting_user=world.users[OFFICER]
    )
    with pytest.raises(InvalidInput) as exc:
        put([foreign.pk])
    assert "materials" in exc.value.detail
    with pytest.raises(InvalidInput):
        put(["x"])
    put([report.pk, report.pk])
    assert Finding.objects.get(subject=subject).materials == [report.pk]
    material_withdraw(case_id=case.pk, material_id=report.pk, reason="报告被替换", acting_user=world.users[OFFICER])
    put([report.pk])  # stays cited
    assert Finding.objects.get(subject=subject).materials == [report.pk]
    put([])
    with pytest.raises(InvalidInput):  # but is not cited anew
        put([report.pk])
