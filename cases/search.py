"""Case search in Chinese (issue 16): the search document, its character grams, and the query.

PostgreSQL's text search does not segment Chinese, and trigrams (``pg_trgm``) need three
characters, so 王伟 or 燃气 scanned every case. Each case has a ``CaseSearch`` row: its text
normalised (NFKC, upper case, runs of whitespace as one space) and the set of its character
unigrams and bigrams. On PostgreSQL a GIN index over ``string_to_array(grams, ' ')`` finds the
cases holding every gram of the query (``@>``); the normalised document then confirms the exact
substring (``LIKE``), so a query of any length matches exactly what a substring search would.
On SQLite the same document is searched with ``LIKE`` alone (no index). Why bigrams and not
jieba's segmentation: ``cases/README.md``, "Search".

Grams never span whitespace: ``"王伟 燃气"`` gives 王, 伟, 燃, 气, 王伟, 燃气 — not 伟燃.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import translation

from cases.codes import Aggravating, Circumstance, Measure, SanctionKind
from cases.models import Appeal, Case, CaseSearch, CaseSubject, ExecutionTask, MeasureDecision, Referral

WHITESPACE = re.compile(r"\s+")
FINDING_FIELDS = ("post_duties", "performance", "conditions", "evidence", "circumstances", "aggravating")
SEPARATOR = "\n"  # between the document's fields: no query (normalised) contains it


def normalize(text: str) -> str:
    """NFKC (full-width Ａ１ → A1), upper case, every run of whitespace one space, trimmed."""
    return WHITESPACE.sub(" ", unicodedata.normalize("NFKC", text or "").upper()).strip()


def grams(text: str) -> set[str]:
    """The character unigrams and bigrams of ``text`` (normalised first), within runs of
    non-whitespace characters. Punctuation and digits are characters like any other."""
    found: set[str] = set()
    for run in normalize(text).split():
        found.update(run)
        found.update(run[i : i + 2] for i in range(len(run) - 1))
    return found


def query_grams(q: str) -> list[str]:
    """The grams a document must hold to contain ``q``: the bigrams of each run of two or more
    characters, the character of a run of one. Sorted, without repeats (a stable SQL text)."""
    needed: set[str] = set()
    for run in normalize(q).split():
        if len(run) == 1:
            needed.add(run)
        else:
            needed.update(run[i : i + 2] for i in range(len(run) - 1))
    return sorted(needed)


_ACTIVE = ~Q(state__in=[MeasureDecision.State.WITHDRAWN, MeasureDecision.State.REVOKED])
_SUBJECT_COLUMNS = ("case_id", "cadre__name", *(f"finding__{f}" for f in FINDING_FIELDS))


def _label_maps() -> dict[str, dict[str, str]]:
    """The Chinese labels of the codes a document spells out (the zh-hans translations)."""
    with translation.override("zh-hans"):
        return {
            name: {c.value: str(c.label) for c in choices}
            for name, choices in (
                ("circumstances", Circumstance),
                ("aggravating", Aggravating),
                ("measure", Measure),
                ("sanction_kind", SanctionKind),
            )
        }


def document_text(
    title: str,
    facts: str,
    subjects: Iterable[tuple[Any, ...]],
    measures: Iterable[tuple[str, str]],
    labels: dict[str, dict[str, str]] | None = None,
) -> str:
    """The searchable text of a case, one field per line: title, facts, each subject's name and
    findings (``_SUBJECT_COLUMNS`` without the case id: name, then ``FINDING_FIELDS``), the
    measures proposed or decided (their Chinese labels)."""
    labels = labels or _label_maps()
    parts = [title, facts]
    for name, post_duties, performance, conditions, evidence, circumstances, aggravating in subjects:
        parts += [name, post_duties or "", performance or "", conditions or "", evidence or ""]
        parts += [labels["circumstances"].get(c, "") for c in circumstances or []]
        parts += [labels["aggravating"].get(c, "") for c in aggravating or []]
    for measure, kind in measures:
        parts += [labels["measure"].get(measure, ""), labels["sanction_kind"].get(kind, "") if kind else ""]
    return SEPARATOR.join(p for p in (normalize(part) for part in parts) if p)


def document_row(case_id: int, text: str, owner: int | None = None, source: int | None = None) -> CaseSearch:
    """A case's search row: its document, grams and (copied) departments (migration 0031); its
    ``reach`` is written by ``case_search_departments``, which reads the case's links."""
    return CaseSearch(
        case_id=case_id,
        document=text,
        grams=" ".join(sorted(grams(text))),
        owner_department_id=owner,
        source_department_id=source,
    )


def _write(rows: list[CaseSearch], *, departments: bool = True) -> None:
    if not departments:  # the schema of migration 0029 (its backfill): no department columns yet
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {CaseSearch._meta.db_table} (case_id, document, grams) VALUES (%s, %s, %s)"
                " ON CONFLICT (case_id) DO UPDATE SET document = excluded.document, grams = excluded.grams",
                [(row.case_id, row.document, row.grams) for row in rows],
            )
        return
    CaseSearch.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["case"],
        update_fields=["document", "grams", "owner_department", "source_department"],
    )


def link_kinds() -> list[tuple[str, str, str]]:
    """Each way a department reaches a case through a link, as ``(table, department column,
    condition)`` on that table's rows: a referral to it not returned, an execution or archive
    task, an appeal it decides, a referral from it. The rule of
    ``cases.selectors.cases._involved`` and ``_referred`` without the case's own two columns, for
    the raw SQL that needs it (``departments_sql`` here; the links branch of ``SearchWalk`` and
    the indexed count in ``cases.selectors.cases``)."""
    referral, execution, appeal = (m._meta.db_table for m in (Referral, ExecutionTask, Appeal))
    return [
        (referral, "to_department_id", f"state <> '{Referral.State.RETURNED.value}'"),
        (execution, "department_id", "TRUE"),
        (appeal, "deciding_department_id", "TRUE"),
        (referral, "from_department_id", "TRUE"),
    ]


def departments_sql(where: str) -> str:
    """One ``UPDATE`` that recomputes the department copies of the search rows matching ``where``
    (SQL on ``cases_casesearch``, its parameters the caller's): the case's handling and referring
    department, and ``reach`` — the departments that see the case only through its links
    (``link_kinds``) and neither handle nor referred it, as space-separated ids. Raw SQL on table
    names only, so migration 0032's backfill runs it on its own schema; PostgreSQL and SQLite
    alike (``string_agg`` / ``group_concat``)."""
    search, case = CaseSearch._meta.db_table, Case._meta.db_table
    agg = "string_agg(CAST(r.d AS text), ' ' ORDER BY r.d)" if connection.vendor == "postgresql" else "group_concat(r.d, ' ')"
    this = f"{search}.case_id"
    links = " UNION ".join(
        f"SELECT {column} AS d FROM {table} WHERE case_id = {this} AND {condition}" for table, column, condition in link_kinds()
    )
    return (
        f"UPDATE {search} SET"
        f" owner_department_id = (SELECT owner_department_id FROM {case} WHERE id = {this}),"
        f" source_department_id = (SELECT source_department_id FROM {case} WHERE id = {this}),"
        f" reach = COALESCE((SELECT {agg} FROM ({links}) r, {case} k WHERE k.id = {this} AND r.d IS NOT NULL"
        f" AND r.d <> k.owner_department_id AND (k.source_department_id IS NULL OR r.d <> k.source_department_id)), '')"
        f" WHERE {where}"
    )


def case_search_departments(case_id: int) -> None:
    """The case's departments or links changed (a referral sent, moved or accepted, an execution
    task, an appeal): its search row's copies follow, in the caller's transaction (one query).
    Called by the signals of ``cases.apps`` and by the referral service once a transfer's
    acceptance has moved the case."""
    with connection.cursor() as cursor:
        cursor.execute(departments_sql(f"{CaseSearch._meta.db_table}.case_id = %s"), [case_id])


def links_changed(sender: type, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """``post_save`` of a referral, an execution task or an appeal (``cases.apps``): the case's
    ``reach`` follows. A task or an appeal changes no department once written; a referral's
    state does (returned: no longer reached)."""
    if raw:  # a fixture load: rows arrive in any order; ``manage.py case_search_rebuild`` after it
        return
    if created or sender is Referral:
        case_search_departments(instance.case_id)


def case_search_refresh(case: Case) -> None:
    """Rewrite one case's search document (four queries): called by the services that change
    its title, facts, subjects, findings or measures, in their transaction. A new row's ``reach``
    is computed too: the case may already have links (a referred lead)."""
    subjects = [row[1:] for row in CaseSubject.objects.filter(case_id=case.pk).order_by("id").values_list(*_SUBJECT_COLUMNS)]
    measures = list(
        MeasureDecision.objects.filter(_ACTIVE, subject__case_id=case.pk).order_by("id").values_list("measure", "sanction_kind")
    )
    text = document_text(case.title, case.facts, subjects, measures)
    _write([document_row(case.pk, text, case.owner_department_id, case.source_department_id)])
    case_search_departments(case.pk)


def case_search_rebuild(
    *,
    batch: int = 2000,
    start: int = 0,
    log: Callable[[int, int], None] | None = None,
    departments: bool = True,
) -> int:
    """(Re)write the documents of every case with an id ≥ ``start``, ``batch`` cases at a time
    (the backfill of migration 0029, the benchmark's seed, ``manage.py case_search_rebuild``).
    Reads columns only (no model rows), so it runs on the schema of any later migration; writes
    the departments' copies too unless ``departments=False`` (0029's schema, before 0031)."""
    labels = _label_maps()
    done, last = 0, start - 1
    while True:
        cases = list(
            Case.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("id", "title", "facts", "owner_department_id", "source_department_id")[:batch]
        )
        if not cases:
            return done
        lo, hi = cases[0][0], cases[-1][0]
        subjects: dict[int, list[tuple[Any, ...]]] = {}
        for row in CaseSubject.objects.filter(case_id__gte=lo, case_id__lte=hi).order_by("id").values_list(*_SUBJECT_COLUMNS):
            subjects.setdefault(row[0], []).append(row[1:])
        measures: dict[int, list[tuple[str, str]]] = {}
        for case_id, measure, kind in (
            MeasureDecision.objects.filter(_ACTIVE, subject__case_id__gte=lo, subject__case_id__lte=hi)
            .order_by("id")
            .values_list("subject__case_id", "measure", "sanction_kind")
        ):
            measures.setdefault(case_id, []).append((measure, kind))
        _write(
            [
                document_row(pk, document_text(title, facts, subjects.get(pk, []), measures.get(pk, []), labels), owner, source)
                for pk, title, facts, owner, source in cases
            ],
            departments=departments,
        )
        if departments:  # and their reach, off the batch's links (one statement)
            with connection.cursor() as cursor:
                cursor.execute(departments_sql(f"{CaseSearch._meta.db_table}.case_id BETWEEN %s AND %s"), [lo, hi])
        done += len(cases)
        last = hi
        if log:
            log(done, last)


def is_short_query(q: str) -> bool:
    """One run of one or two characters (normalised): a document holds its gram exactly when it
    contains it, so the grams alone answer it (no ``LIKE``), and no case number matches it."""
    needle = normalize(q)
    return 1 <= len(needle) <= 2 and " " not in needle


def matching_case_ids(q: str) -> QuerySet[CaseSearch, Any]:
    """``case_id`` of the documents containing ``q`` (normalised). On PostgreSQL the GIN index
    on the grams finds the candidates and ``LIKE`` confirms them — except for a short query
    (``is_short_query``), where the gram is the answer; elsewhere ``LIKE`` alone."""
    needle = normalize(q)
    rows: QuerySet[CaseSearch] = CaseSearch.objects.all()
    if connection.vendor != "postgresql":
        return rows.filter(document__contains=needle).values("case_id")
    rows = rows.extra(where=["string_to_array(grams, ' ') @> %s::text[]"], params=[query_grams(q)])
    if not is_short_query(q):
        rows = rows.filter(document__contains=needle)
    return rows.values("case_id")
