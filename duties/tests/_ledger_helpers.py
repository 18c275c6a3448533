"""Cadres, sample files and helpers shared by the duty-ledger tests (test_ledger.py, test_ledger_evidence.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from duties.models import DutyRecord, Obligation
from duties.services.ledger import record_create
from org.models import Cadre

D = dt.date
TODAY = D(2026, 11, 29)
SAFETY_DEPUTY = "pl-emergency:regulator_safety_deputy:0"  # 第十条（三）: monthly inspection, research every two months
TOWNSHIP_DEPUTY = "pl-baofeng:township_deputy:0"  # 第九条（四）: monthly inspection
KEEPERS = ("organization_officer", "emergency_officer")

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32


def _docx() -> bytes:
    import io

    from docx import Document

    out = io.BytesIO()
    Document().save(out)
    return out.getvalue()


def _zip(name: str) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr(name, b"anything")
    return out.getvalue()


DOCX = _docx()
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 32


# --- helpers ---------------------------------------------------------------------------------


def obligation(code: str) -> Obligation:
    return Obligation.objects.get(code=code)


def cadre(world, key: str) -> Cadre:
    return world.cadres[key]


def body(world, key: str, code: str, day: dt.date, **extra) -> dict:
    return {"cadre": cadre(world, key).pk, "obligation": obligation(code).pk, "date": day.isoformat(), **extra}


def recorded(world, key: str, code: str, day: dt.date, persona: str = "organization_officer", files=()) -> DutyRecord:
    return record_create(
        acting_user=world.users[persona], cadre=cadre(world, key), obligation=obligation(code), date=day, files=files
    )


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    # The client's content type is ignored: the file is judged by its bytes.
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def snapshot(media: Path) -> dict:
    """Row counts of every ``duties`` table, history and m2m tables included, and the stored files."""
    models = {}
    for model in apps.get_app_config("duties").get_models(include_auto_created=True):
        models[model._meta.label] = model
        history = getattr(model, "history", None)
        if history is not None and hasattr(history, "model"):
            models[history.model._meta.label] = history.model
    snap = {label: model._base_manager.count() for label, model in sorted(models.items())}
    snap["files"] = stored_files(media)
    return snap


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def compliance_block(api, world, key: str, code: str, start: dt.date, persona: str = "discipline_officer") -> dict:
    response = api(persona).get(f"/api/v1/cadres/{cadre(world, key).pk}/compliance/?year={start.year}")
    assert response.status_code == 200, response.content
    [row] = [o for o in response.json()["obligations"] if o["obligation"] == obligation(code).pk]
    [block] = [p for p in row["periods"] if p["start"] == start.isoformat()]
    return block
