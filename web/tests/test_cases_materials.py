"""The case materials pages with the test client (issue 16 item 8): the case page's section and its
inline forms, the materials page's errors next to the fields, the safe download, and who sees
the forms; nothing is written on a refusal."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.codes import CaseState
from cases.models import CaseEvent, CaseMaterial
from cases.services.materials import material_add
from cases.tests.scenarios import case_in_state

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _written(case):
    return (CaseMaterial.objects.filter(case=case).count(), CaseEvent.objects.filter(case=case).count())


def _add(client, case, **fields):
    body = {
        "action": "add",
        "material-kind": "photo",
        "material-title": "事故现场照片",
        "material-file": SimpleUploadedFile("现场.pdf", PDF),
    } | fields
    return client.post(f"/cases/{case.pk}/materials/", {k: v for k, v in body.items() if v is not None})


def test_from_the_case_page_attach_and_withdraw_back_on_the_case_page(world, login):
    case = case_in_state(world, CaseState.INVESTIGATING)
    client = login("discipline_officer")
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="materials"' in page and 'id="case-material-upload"' in page
    response = _add(client, case, next="case")
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/#materials"
    material = CaseMaterial.objects.get(case=case)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'id="material-{material.pk}"' in page and f'id="case-withdraw-{material.pk}"' in page
    assert f"/cases/{case.pk}/materials/{material.pk}/file/" in page
    # An empty reason: the materials page answers with the error next to the reason, nothing written.
    before = _written(case)
    refused = client.post(
        f"/cases/{case.pk}/materials/",
        {"action": "withdraw", "material": material.pk, "next": "case", f"withdraw{material.pk}-reason": " "},
    )
    assert refused.status_code == 400
    assert 'data-field="reason"' in refused.content.decode()
    assert _written(case) == before
    done = client.post(
        f"/cases/{case.pk}/materials/",
        {"action": "withdraw", "material": material.pk, "next": "case", f"withdraw{material.pk}-reason": "重复上传"},
    )
    assert done.status_code == 302 and done["Location"] == f"/cases/{case.pk}/#materials"
    material.refresh_from_db()
    assert material.withdraw_reason == "重复上传" and material.withdrawn_by == world.users["discipline_officer"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"material-file": SimpleUploadedFile("现场.pdf", b"<script>alert(1)</script>")}, "material-file"),
        ({"material-file": None}, "material-file"),
        ({"material-title": " "}, "material-title"),
        ({"material-kind": ""}, "material-kind"),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_written(world, login, fields, field):
    case = case_in_state(world, CaseState.INVESTIGATING)
    client = login("discipline_officer")
    before = _written(case)
    response = _add(client, case, **fields)
    assert response.status_code == 400
    assert f'id="id_{field}-errors"' in response.content.decode()
    assert _written(case) == before


def test_the_download_is_an_attachment_with_its_checked_type(world, login):
    case = case_in_state(world, CaseState.INVESTIGATING)
    material = material_add(
        case_id=case.pk,
        kind="document",
        title="书证",
        upload=SimpleUploadedFile("合同.pdf", PDF),
        acting_user=world.users["discipline_officer"],
    )
    response = login("discipline_leader").get(f"/cases/{case.pk}/materials/{material.pk}/file/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_readers_with_full_access_get_no_forms_and_their_posts_are_refused(world, client_as):
    """The organization department executes a decided measure: it reads the materials, may not write."""
    case = case_in_state(world, CaseState.EXECUTING)
    material = material_add(
        case_id=case.pk,
        kind="report",
        title="调查报告",
        upload=SimpleUploadedFile("报告.pdf", PDF),
        acting_user=world.users["discipline_officer"],
    )
    client = client_as("organization_officer")
    page = client.get(f"/cases/{case.pk}/materials/").content.decode()
    assert f'id="material-{material.pk}"' in page and 'id="material-form"' not in page
    assert 'id="case-material-upload"' not in client.get(f"/cases/{case.pk}/").content.decode()
    before = _written(case)
    assert _add(client, case).status_code == 403
    assert _written(case) == before
    # The referring agency and the other county do not see them at all.
    for persona in ("emergency_officer", "huinong_discipline_officer"):
        other = client_as(persona)
        assert other.get(f"/cases/{case.pk}/materials/").status_code == 404
        assert other.get(f"/cases/{case.pk}/materials/{material.pk}/file/").status_code == 404
        assert _add(other, case).status_code == 404
    assert _written(case) == before


def test_an_ended_case_shows_its_materials_sealed(world, login):
    case = case_in_state(world, CaseState.DISMISSED)
    client = login("discipline_officer")
    page = client.get(f"/cases/{case.pk}/materials/").content.decode()
    assert 'id="materials-sealed"' in page and 'id="material-form"' not in page
    before = _written(case)
    response = _add(client, case)
    assert response.status_code == 409
    assert _written(case) == before
