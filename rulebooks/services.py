"""Loading a rulebook version (issue 13). A version is never edited: importing a file makes the
next version of its code current and keeps the previous ones.

``rulebook_check`` is what a file must pass beyond its schema (``content.parse``): its parent is
loaded and not itself or its own descendant, and the effective content — merged with its parents,
and that of every rulebook inheriting from it — has every measures row the engine needs
(``content.missing_rows``). Its errors are keyed by the JSON path they concern.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from core.errors import InvalidInput, field_error
from core.persistence import save_with_history
from core.typing import Actor
from rulebooks import content as files
from rulebooks import selectors
from rulebooks.models import Rulebook

PARENT_NOT_LOADED = "上级规则集 %(parent)r 未载入 / parent rulebook %(parent)r is not loaded"
PARENT_IS_SELF = "规则集不能以自身为上级 / a rulebook cannot inherit from itself"
PARENT_CYCLE = "上级规则集 %(parent)r 继承自本规则集，形成循环 / parent rulebook %(parent)r inherits from this one: a cycle"
MISSING_ROWS = (
    "合并上级后缺少引擎需要的问责方式行：%(rows)s / the effective content (with its parents) lacks the measures rows "
    "the engine needs: %(rows)s"
)
CHILD_MISSING_ROWS = (
    "继承本规则集的 %(child)r 将缺少问责方式行：%(rows)s / rulebook %(child)r, which inherits from this one, would lack "
    "the measures rows: %(rows)s"
)
REASON_REQUIRED = "请说明载入理由 / give the reason for loading this version"


def _problem(path: str, message: str) -> InvalidInput:
    return InvalidInput({path: [message]})


def rulebook_check(data: dict[str, Any]) -> None:
    """Raise ``InvalidInput({json_path: [message]})`` when ``data`` (a parsed, validated file)
    cannot be loaded as the next version of its code (see the module's docstring)."""
    code, parent = data["code"], data.get("parent") or ""
    books = selectors.current_by_code()
    parents: list[Rulebook] = []
    if parent:
        if parent == code:
            raise _problem("$.parent", PARENT_IS_SELF)
        if parent not in books:
            raise _problem("$.parent", PARENT_NOT_LOADED % {"parent": parent})
        parents = selectors.chain_in(books, parent)
        if any(book.code == code for book in parents):
            raise _problem("$.parent", PARENT_CYCLE % {"parent": parent})
    new = {"title": data["title"], "content": data["content"]}
    above = [{"title": b.title, "content": b.content} for b in parents]
    missing = files.missing_rows(files.merge([*above, new]))
    if missing:
        raise _problem("$.content.measures", MISSING_ROWS % {"rows": ", ".join(missing)})
    # Every rulebook inheriting from this code gets the new version (and its parents) above it.
    for other in sorted(books):
        chain = selectors.chain_in(books, other)
        codes = [b.code for b in chain]
        if other == code or code not in codes:
            continue
        below = [{"title": b.title, "content": b.content} for b in chain[codes.index(code) + 1 :]]
        missing = files.missing_rows(files.merge([*above, new, *below]))
        if missing:
            raise _problem("$.content.measures", CHILD_MISSING_ROWS % {"child": other, "rows": ", ".join(missing)})


@transaction.atomic
def load_rulebook(data: dict[str, Any], *, acting_user: Actor | None, reason: str) -> tuple[Rulebook, bool]:
    """Store ``data`` (a parsed, validated file: ``content.parse``) as the next version of its
    code, after ``rulebook_check``. Returns ``(rulebook, created)``; a file with the digest of
    the current version creates nothing. Both rows are written with the reason (history)."""
    if not reason.strip():
        raise field_error("reason", REASON_REQUIRED)
    previous = Rulebook.objects.select_for_update().filter(code=data["code"], current=True).first()
    digest = files.file_digest(data)
    if previous is not None and previous.digest == digest:
        return previous, False
    rulebook_check(data)
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
    """A stored version as a file's object (``manage.py rulebook export``): ``selectors.rulebook_file``."""
    return selectors.rulebook_file(book)
