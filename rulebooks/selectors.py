"""Which rulebook applies, and its effective content (issue 13).

The rulebook of a conduct is the one of the nearest jurisdiction up the department tree (the
department itself, its county, city, region, then the national rules) that is in force on the
conduct date. A rulebook inherits from its parent (by code, the parent's current version) what it
does not state itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import QuerySet

from org.models import Department
from rulebooks import content as files
from rulebooks.models import Rulebook


class NoRulebookInForce(LookupError):
    """No rulebook of the jurisdiction or above is in force on ``day``; ``earliest`` is the first one."""

    def __init__(self, day: dt.date, earliest: Rulebook | None) -> None:
        self.day = day
        self.earliest = earliest
        if earliest is None:
            super().__init__(f"no rulebook is loaded for {day.isoformat()}")
        else:
            super().__init__(
                f"no rulebook is in force on {day.isoformat()}: the earliest, {earliest.code} "
                f"({earliest.title}), is in force from {earliest.valid_from.isoformat()}"
            )


def jurisdiction_chain(department: Department | None) -> list[str]:
    """The codes of the department and its ancestors, nearest first, then ``""`` (national)."""
    chain: list[str] = []
    node = department
    for _depth in range(20):  # a shallow tree; the bound guards against a cycle in bad data
        if node is None:
            break
        chain.append(node.code)
        node = node.parent if node.parent_id else None
    chain.append("")
    return chain


def choose(books: Iterable[Rulebook], chain: list[str], day: dt.date) -> Rulebook | None:
    """Of ``books``, the one in force on ``day`` for the jurisdiction ``chain`` (nearest first,
    as ``jurisdiction_chain`` gives it): nearest jurisdiction wins; within one jurisdiction the
    latest ``valid_from``. Pure: ``rulebook_for`` and ``spans`` share it."""
    rank = {code: index for index, code in enumerate(chain)}
    candidates = [
        b for b in books if b.jurisdiction in rank and b.valid_from <= day and (b.valid_to is None or b.valid_to >= day)
    ]
    return min(candidates, key=lambda r: (rank[r.jurisdiction], -r.valid_from.toordinal()), default=None)


def rulebook_for(department: Department | None, day: dt.date) -> Rulebook:
    """The rulebook in force on ``day`` for ``department`` (nearest jurisdiction wins; within one
    jurisdiction the latest ``valid_from``). Raises ``NoRulebookInForce``."""
    chain = jurisdiction_chain(department)
    books = list(Rulebook.objects.filter(current=True, jurisdiction__in=chain))
    found = choose(books, chain, day)
    if found is not None:
        return found
    raise NoRulebookInForce(day, min(books, key=lambda b: b.valid_from, default=None))


def _key(book: Rulebook | None) -> tuple[str, int] | None:
    return (book.code, book.version) if book is not None else None


def spans(
    books: Iterable[Rulebook], chain: list[str], start: dt.date, end: dt.date
) -> list[tuple[dt.date, dt.date, Rulebook | None]]:
    """``[start, end]`` cut where the rulebook in force for ``chain`` changes: ``(first day, last
    day, rulebook or None)``, in order — ``rulebook_for`` for every day at once. Pure."""
    books = [b for b in books if b.jurisdiction in chain]
    cuts = {start}
    for book in books:
        if start < book.valid_from <= end:
            cuts.add(book.valid_from)
        if book.valid_to is not None and start <= book.valid_to < end:
            cuts.add(book.valid_to + dt.timedelta(days=1))
    days = sorted(cuts)
    out: list[tuple[dt.date, dt.date, Rulebook | None]] = []
    for index, lo in enumerate(days):
        hi = days[index + 1] - dt.timedelta(days=1) if index + 1 < len(days) else end
        found = choose(books, chain, lo)
        if out and _key(out[-1][2]) == _key(found):
            out[-1] = (out[-1][0], hi, found)
        else:
            out.append((lo, hi, found))
    return out


def lineage(rulebook: Rulebook, current: Mapping[str, Rulebook]) -> list[Rulebook]:
    """``rulebook`` and its parents, nearest first, from ``current`` (the current version of each
    code): ``ancestry`` reversed, without a query. Pure."""
    chain = [rulebook]
    seen = {rulebook.code}
    node = rulebook
    while node.parent:
        parent = current.get(node.parent)
        if parent is None or parent.code in seen:
            break
        chain.append(parent)
        seen.add(parent.code)
        node = parent
    return chain


def ancestry(rulebook: Rulebook) -> list[Rulebook]:
    """``rulebook`` and the current versions of its parents, root first."""
    chain = [rulebook]
    seen = {rulebook.code}
    node = rulebook
    while node.parent:
        parent = Rulebook.objects.filter(code=node.parent, current=True).first()
        if parent is None or parent.code in seen:
            break
        chain.append(parent)
        seen.add(parent.code)
        node = parent
    return list(reversed(chain))


def meta_of(rulebook: Rulebook) -> dict[str, Any]:
    place = Department.objects.filter(code=rulebook.jurisdiction).first() if rulebook.jurisdiction else None
    return {
        "code": rulebook.code,
        "version": rulebook.version,
        "title": rulebook.title,
        "issuer": rulebook.issuer,
        "document_number": rulebook.document_number,
        "jurisdiction": place.pk if place else None,
        "jurisdiction_code": rulebook.jurisdiction,
        "jurisdiction_name": place.name if place else ("全国" if not rulebook.jurisdiction else rulebook.jurisdiction),
        "valid_from": rulebook.valid_from.isoformat(),
        "valid_to": rulebook.valid_to.isoformat() if rulebook.valid_to else None,
        "verification": rulebook.verification,
        "inherits": [book.code for book in ancestry(rulebook)[:-1]],
    }


def effective(rulebook: Rulebook) -> dict[str, Any]:
    """The rulebook's effective content (own and inherited) with its meta: what an assessment
    keeps as its snapshot. ``version`` names the code and a digest of that content."""
    chain = ancestry(rulebook)
    merged = files.merge([{"title": book.title, "content": book.content} for book in chain])
    meta = meta_of(rulebook)
    digest = files.digest({**meta, "inherits": None}, {**merged, "inherits": [(b.code, b.version) for b in chain]})
    return {"meta": meta, "content": merged, "version": f"{rulebook.code}@{digest[:12]}"}


def rulebook_by_code(code: str, version: int | None = None) -> Rulebook | None:
    rows = Rulebook.objects.filter(code=code)
    return rows.filter(version=version).first() if version is not None else rows.filter(current=True).first()


def versions_of(code: str) -> list[Rulebook]:
    return list(Rulebook.objects.filter(code=code).order_by("-version"))


def rulebooks() -> list[Rulebook]:
    return list(Rulebook.objects.filter(current=True).order_by("valid_from", "code"))


# --- files, versions and diffs (issue 13 item 3) -------------------------------------------------


def rulebook_file(book: Rulebook) -> dict[str, Any]:
    """A stored version as a file's object (what ``manage.py rulebook export`` writes)."""
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


def current_by_code() -> dict[str, Rulebook]:
    """Every code's current version, by code (one query)."""
    return {book.code: book for book in Rulebook.objects.filter(current=True)}


def chain_in(books: dict[str, Rulebook], code: str) -> list[Rulebook]:
    """The rulebook ``code`` of ``books`` (``current_by_code``) and its parents, root first, read
    from ``books`` alone (as ``ancestry``; a missing parent or a cycle ends the chain)."""
    chain: list[Rulebook] = []
    seen: set[str] = set()
    node = books.get(code)
    while node is not None and node.code not in seen:
        chain.append(node)
        seen.add(node.code)
        node = books.get(node.parent) if node.parent else None
    return list(reversed(chain))


def load_reasons(books: list[Rulebook]) -> dict[int, str]:
    """The reason each version was loaded with (its history row of creation), by id (one query)."""
    rows = Rulebook.history.filter(id__in=[b.pk for b in books], history_type="+").values_list("id", "history_change_reason")
    return {pk: reason or "" for pk, reason in rows}


def jurisdiction_names(codes: set[str]) -> dict[str, str]:
    """The department name of each jurisdiction code ("" is 全国, an unknown code is itself)."""
    found = dict(Department.objects.filter(code__in=codes - {""}).values_list("code", "name")) if codes - {""} else {}
    return {code: ("全国" if not code else found.get(code, code)) for code in codes}


def with_sources(book: Rulebook) -> dict[str, Any]:
    """``effective(book)`` plus where each article, measures row and the veto come from
    (``sources``: rulebook codes) and the chain it inherits (root first, ``book`` last)."""
    chain = ancestry(book)
    out = effective(book)
    out["chain"] = [{"code": b.code, "version": b.version, "title": b.title} for b in chain]
    out["sources"] = files.sources([{"code": b.code, "content": b.content} for b in chain])
    return out


def diff_versions(code: str, old: int, new: int) -> dict[str, Any] | None:
    """``content.diff`` between two versions of ``code`` (``None`` when either is not loaded)."""
    books = {b.version: b for b in Rulebook.objects.filter(code=code, version__in=[old, new])}
    if old not in books or new not in books:
        return None
    return files.diff(rulebook_file(books[old]), rulebook_file(books[new]))


def all_versions() -> list[Rulebook]:
    return list(Rulebook.objects.order_by("code", "-version"))


def current_qs() -> QuerySet[Rulebook]:
    """The current version of every code, as a queryset (the API pages it)."""
    return Rulebook.objects.filter(current=True).order_by("valid_from", "code")
