"""Which obligations catalog measures a post or an organ (issue 13).

Each rulebook has its own catalog (``Obligation.rulebook``, a rulebook code). A post is measured
against the catalog of the rulebook in force for its department on the day
(``rulebooks.selectors.rulebook_for``: the department's own jurisdiction, then the ones above it,
then the national rules); a rulebook without a catalog of its own uses the nearest one up its
ancestry (``rulebooks.selectors.ancestry``). When no rulebook of the ancestry has one, the post is
not measured at all: compliance says "no catalog loaded for <rulebook>" and never claims the
duties met (``duties.selectors.compliance``). An organ is measured the same way, by its unit.

``catalog_for`` answers for one department and day with those two selectors; ``Catalogs`` answers
for many posts and whole periods at once from the same tables read once (``spans``, ``lineage``,
``choose`` are the pure parts ``rulebook_for`` and ``ancestry`` are made of), which the
compliance of many cadres needs. ``duties/tests/test_catalog_rulebooks.py`` checks they agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from duties.models import Obligation
from org.models import Department
from rulebooks.models import Rulebook
from rulebooks.selectors import NoRulebookInForce, ancestry, lineage, rulebook_for, spans


@dataclass(frozen=True)
class CatalogChoice:
    """The rulebook in force (``None``: none is) and the rulebook whose catalog applies (itself or
    the nearest ancestor with one; ``None``: no catalog is loaded anywhere up its ancestry)."""

    rulebook: str | None
    rulebook_title: str = ""
    catalog: str | None = None
    catalog_title: str = ""

    @property
    def detail(self) -> str:
        """What a reader is told: which catalog measures, or why nothing does."""
        if self.rulebook is None:
            return _("no rulebook in force")
        if self.catalog is None:
            return _("no catalog loaded for %(rulebook)s") % {"rulebook": self.rulebook}
        if self.catalog == self.rulebook:
            return _("catalog of %(rulebook)s") % {"rulebook": self.rulebook}
        return _("catalog of %(catalog)s, inherited by %(rulebook)s") % {"catalog": self.catalog, "rulebook": self.rulebook}

    def as_dict(self) -> dict[str, str | None]:
        return {
            "rulebook": self.rulebook,
            "rulebook_title": self.rulebook_title,
            "catalog": self.catalog,
            "catalog_title": self.catalog_title,
            "detail": self.detail,
        }


NO_RULEBOOK = CatalogChoice(None)


def catalog_codes() -> set[str]:
    """The codes of the rulebooks that have a catalog loaded (one query)."""
    return set(Obligation.objects.values_list("rulebook", flat=True).distinct())


def _choice(book: Rulebook | None, nearest_first: list[Rulebook], codes: set[str]) -> CatalogChoice:
    if book is None:
        return NO_RULEBOOK
    for candidate in nearest_first:
        if candidate.code in codes:
            return CatalogChoice(book.code, book.title, candidate.code, candidate.title)
    return CatalogChoice(book.code, book.title)


def catalog_for(department: Department | None, day: dt.date) -> CatalogChoice:
    """The catalog that measures a post (or an organ) of ``department`` on ``day``."""
    try:
        book = rulebook_for(department, day)
    except NoRulebookInForce:
        return NO_RULEBOOK
    return _choice(book, list(reversed(ancestry(book))), catalog_codes())


class Catalogs:
    """``catalog_for`` for many departments and whole periods: the departments' codes and
    parents, the current rulebooks and the codes with a catalog are read once (three queries)."""

    def __init__(self) -> None:
        self.tree = {pk: (code, parent) for pk, code, parent in Department.objects.values_list("pk", "code", "parent_id")}
        self.books = list(Rulebook.objects.filter(current=True))
        self.current = {book.code: book for book in self.books}
        self.codes = catalog_codes()

    def chain(self, department_id: int | None) -> list[str]:
        """``rulebooks.selectors.jurisdiction_chain`` from the tree read once."""
        chain: list[str] = []
        node = department_id
        for _depth in range(20):  # the same bound as jurisdiction_chain's
            if node is None or node not in self.tree:
                break
            code, parent = self.tree[node]
            chain.append(code)
            node = parent
        chain.append("")
        return chain

    def choice(self, book: Rulebook | None) -> CatalogChoice:
        return _choice(book, lineage(book, self.current) if book is not None else [], self.codes)

    def spans(self, department_id: int | None, start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date, CatalogChoice]]:
        """``[start, end]`` cut where the catalog measuring ``department_id`` changes."""
        out: list[tuple[dt.date, dt.date, CatalogChoice]] = []
        for lo, hi, book in spans(self.books, self.chain(department_id), start, end):
            choice = self.choice(book)
            if out and out[-1][2] == choice:
                out[-1] = (out[-1][0], hi, choice)
            else:
                out.append((lo, hi, choice))
        return out
