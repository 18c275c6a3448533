"""Loading a rulebook version (issue 13). A version is never edited: importing a file makes the
next version of its code current and keeps the previous ones."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from core.errors import field_error
from core.persistence import save_with_history
from core.typing import Actor
from rulebooks import content as files
from rulebooks.models import Rulebook


@transaction.atomic
def load_rulebook(data: dict[str, Any], *, acting_user: Actor | None, reason: str) -> tuple[Rulebook, bool]:
    """Store ``data`` (a parsed, validated file: ``content.parse``) as the next version of its
    code. Returns ``(rulebook, created)``; an unchanged file creates nothing."""
    if data.get("parent") and not Rulebook.objects.filter(code=data["parent"]).exists():
        raise field_error("parent", f"上级规则集 {data['parent']!r} 未载入 / parent rulebook {data['parent']!r} is not loaded")
    meta = {key: data.get(key) for key in files.META_FIELDS}
    digest = files.digest(meta, data["content"])
    previous = Rulebook.objects.select_for_update().filter(code=data["code"], current=True).first()
    if previous is not None and previous.digest == digest:
        return previous, False
    if previous is not None:
        previous.current = False
        save_with_history(previous, acting_user=acting_user, reason=f"superseded by a new version: {reason}")
    book = Rulebook(
        code=data["code"],
        version=(previous.version + 1) if previous else 1,
        title=data["title"],
        issuer=data.get("issuer") or "",
        document_number=data.get("document_number") or "",
        jurisdiction=data.get("jurisdiction") or "",
        valid_from=dt.date.fromisoformat(data["valid_from"]),
        valid_to=dt.date.fromisoformat(data["valid_to"]) if data.get("valid_to") else None,
        parent=data.get("parent") or "",
        verification=data["verification"],
        content=data["content"],
        digest=digest,
        note=data.get("note") or "",
        loaded_by=acting_user,
    )
    save_with_history(book, acting_user=acting_user, reason=reason)
    return book, True


def rulebook_file(book: Rulebook) -> dict[str, Any]:
    """A stored version as a file's object (``manage.py rulebook export``)."""
    meta = {
        "code": book.code,
        "title": book.title,
        "issuer": book.issuer,
        "document_number": book.document_number,
        "jurisdiction": book.jurisdiction or None,
        "valid_from": book.valid_from,
        "valid_to": book.valid_to,
        "parent": book.parent or None,
        "verification": book.verification,
        "note": book.note,
    }
    return files.export(meta, book.content, version=book.version)
