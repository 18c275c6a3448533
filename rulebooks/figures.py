"""Time limits and influence periods a rulebook states (issue 13 item 1).

The figures of national law — the 政务处分法's and the 纪律处分条例's influence periods, the
问责条例's and 公务员法's time limits — are the national tables ``cases.DeadlinePolicy`` and
``cases.InfluencePeriod``: each row has its own validity (Party stacking from 2024-01-01, for
instance), which a rulebook's single period of force cannot express. A rulebook may state its own
rows under ``content.deadlines`` (keyed by ``code``) and ``content.influence_periods`` (keyed by
measure and sanction kind); a child inherits the rows of its parents it does not restate, and
the rows of the rulebook in force for a jurisdiction on a day take the place of the national
table's rows for that key. Nothing here invents a figure: where no rulebook states a row, the
national table answers.

``FigureBook.load()`` reads every rulebook's rows in one query, and the department tree in a
second one only when some rulebook states rows, so that callers computing many limits pay once.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models.fields.json import KT

from org.models import Department
from rulebooks.models import Rulebook


@dataclass(frozen=True)
class Book:
    """What ``FigureBook`` keeps of one rulebook: its meta and its own rows."""

    code: str
    title: str
    parent: str
    jurisdiction: str
    valid_from: dt.date
    valid_to: dt.date | None
    deadlines: tuple[Mapping[str, Any], ...]
    influence_periods: tuple[Mapping[str, Any], ...]


@dataclass(frozen=True)
class FigureRow:
    """One row a rulebook states, with the rulebook it comes from (its validity is the
    rulebook's)."""

    row: Mapping[str, Any]
    rulebook: str
    title: str
    valid_from: dt.date
    valid_to: dt.date | None

    @property
    def citation(self) -> str:
        cite = str(self.row.get("citation", "")).strip()
        return cite if self.title in cite else f"{self.title}{cite}"


def _rows(value: Any) -> tuple[Mapping[str, Any], ...]:
    return tuple(r for r in value if isinstance(r, Mapping)) if isinstance(value, list) else ()


def period_key(row: Mapping[str, Any]) -> tuple[str, str]:
    return (str(row["measure"]), str(row.get("sanction_kind", "")))


@dataclass
class FigureBook:
    """Every current rulebook's own figure rows, and the department tree when it is needed."""

    books: dict[str, Book]
    parents: dict[int, int | None] = field(default_factory=dict)
    codes: dict[int, str] = field(default_factory=dict)

    @classmethod
    def load(cls) -> FigureBook:
        rows = Rulebook.objects.filter(current=True).values_list(
            "code",
            "title",
            "parent",
            "jurisdiction",
            "valid_from",
            "valid_to",
            KT("content__deadlines"),
            KT("content__influence_periods"),
        )
        books: dict[str, Book] = {}
        for code, title, parent, jurisdiction, valid_from, valid_to, deadlines, periods in rows:
            books[code] = Book(
                code, title, parent, jurisdiction, valid_from, valid_to, _rows(_json(deadlines)), _rows(_json(periods))
            )
        book = cls(books)
        if book.any_rows:
            for pk, parent_id, dept_code in Department.objects.values_list("pk", "parent_id", "code"):
                book.parents[pk] = parent_id
                book.codes[pk] = dept_code
        return book

    @property
    def any_rows(self) -> bool:
        return any(b.deadlines or b.influence_periods for b in self.books.values())

    def chain(self, department_id: int | None) -> list[str]:
        """The jurisdiction codes of ``department_id`` and its ancestors, nearest first, then ``""``."""
        out: list[str] = []
        node = department_id
        for _depth in range(20):
            if node is None or node not in self.codes:
                break
            out.append(self.codes[node])
            node = self.parents.get(node)
        out.append("")
        return out

    def in_force(self, department_id: int | None, day: dt.date) -> Book | None:
        """The rulebook in force on ``day`` for the department (as ``rulebooks.selectors.choose``)."""
        chain = self.chain(department_id)
        rank = {code: index for index, code in enumerate(chain)}
        candidates = [
            b
            for b in self.books.values()
            if b.jurisdiction in rank and b.valid_from <= day and (b.valid_to is None or b.valid_to >= day)
        ]
        return min(candidates, key=lambda b: (rank[b.jurisdiction], -b.valid_from.toordinal()), default=None)

    def _lineage(self, book: Book) -> list[Book]:
        out = [book]
        seen = {book.code}
        node = book
        while node.parent and node.parent in self.books and node.parent not in seen:
            node = self.books[node.parent]
            out.append(node)
            seen.add(node.code)
        return out  # nearest first

    def deadline(self, code: str, department_id: int | None, day: dt.date) -> FigureRow | None:
        """The row for limit ``code`` the rulebook in force states (itself or a parent), or ``None``."""
        if not self.any_rows:
            return None
        book = self.in_force(department_id, day)
        if book is None:
            return None
        for source in self._lineage(book):
            for row in source.deadlines:
                if row.get("code") == code:
                    return FigureRow(row, source.code, source.title, book.valid_from, book.valid_to)
        return None

    def influence_period(self, measure: str, sanction_kind: str, department_id: int | None, day: dt.date) -> FigureRow | None:
        """The influence period row for (measure, sanction kind) the rulebook in force states."""
        if not self.any_rows:
            return None
        book = self.in_force(department_id, day)
        if book is None:
            return None
        for source in self._lineage(book):
            for row in source.influence_periods:
                if period_key(row) == (measure, sanction_kind):
                    return FigureRow(row, source.code, source.title, book.valid_from, book.valid_to)
        return None


def _json(value: Any) -> Any:
    """``KT`` gives the JSON text of an array on every backend; parse it."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value
