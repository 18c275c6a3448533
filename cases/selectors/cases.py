"""Reads that know the user (STYLE §5): department visibility in one place.

A user sees in full the cases their department owns, has been sent and not returned (a
referral to it), executes (an execution or archive task) or decides an appeal of. A department
that only *referred* a lead, or transferred the case away, sees its status and outcome and
nothing else (PRODUCT §5).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any, cast

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Exists,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
from django.db.models.query import ModelIterable
from django.db.models.sql.compiler import SQLCompiler

from cases.models import (
    Appeal,
    Assessment,
    Case,
    CaseSearch,
    CaseSubject,
    ExecutionTask,
    InterimMeasure,
    MeasureDecision,
    PerformanceFinding,
    Referral,
)
from cases.search import is_short_query, link_kinds, matching_case_ids, normalize, query_grams
from cases.selectors.filters import case_filters_q, has_case_filters
from core.typing import AnyUser
from org.access import membership_of
from org.jurisdiction import ROUTE_KINDS, departments_visible_q, user_units
from org.models import Department

FULL = "full"
SOURCE_ONLY = "source"
CASE_NUMBER = re.compile(r"^[A-Z]+-\d{4}-\d+$")  # ZR-2026-0001 (leads.next_case_number)


def _cases() -> QuerySet[Case]:
    # ``Case`` mixes in django-fsm's untyped ``ConcurrentTransitionMixin``, so the stubs read its
    # manager as ``Any``: typed once here.
    cases: QuerySet[Case] = Case.objects.all()
    return cases


def _involved(department_id: int) -> Q:
    # ``cast``: ``Q | Exists`` is a ``Q`` (the stubs type Q's ``|`` for another Q only).
    return cast(
        Q,
        Q(owner_department_id=department_id)
        | Exists(
            Referral.objects.filter(case=OuterRef("pk"), to_department_id=department_id).exclude(state=Referral.State.RETURNED)
        )
        | Exists(ExecutionTask.objects.filter(case=OuterRef("pk"), department_id=department_id))
        | Exists(Appeal.objects.filter(case=OuterRef("pk"), deciding_department_id=department_id)),
    )


def case_visible_qs(user: AnyUser) -> QuerySet[Case]:
    if getattr(user, "is_superuser", False):
        return _cases()
    membership = membership_of(user)
    if membership is None:
        return _cases().none()
    d = membership.department_id
    return _cases().filter(_involved(d) | _referred(d))


def _referred(department_id: int) -> Q:
    return cast(
        Q,
        Q(source_department_id=department_id)
        | Exists(Referral.objects.filter(case=OuterRef("pk"), from_department_id=department_id)),
    )


class _InArray(Func):
    """``id = ANY(ARRAY(subquery))``: PostgreSQL runs the subquery once, before the scan (an
    InitPlan), and can use its ids as an index condition."""

    output_field = BooleanField()

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = compiler.compile(self.source_expressions[0])
        rhs, rhs_params = compiler.compile(self.source_expressions[1])
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


def _reached_only_through_links(department_id: int) -> RawSQL:
    """Ids of the cases a department reaches through referrals, execution tasks or appeals and
    neither owns nor referred: usually few, read from covering indexes, never from the rows."""
    case = Case._meta.db_table
    links = " UNION ".join(
        f"SELECT case_id FROM {table} WHERE {column} = %s AND {condition}" for table, column, condition in link_kinds()
    )
    return RawSQL(
        f"{links} EXCEPT SELECT id FROM {case} WHERE owner_department_id = %s"
        f" EXCEPT SELECT id FROM {case} WHERE source_department_id = %s",
        [department_id] * (len(link_kinds()) + 2),
        output_field=BigIntegerField(),
    )


def _visible_for_counting(department_id: int) -> Q:
    """The rule of ``_involved(d) | _referred(d)`` in a shape PostgreSQL can estimate and count
    from indexes (BENCH W3): the case's own two columns, or one of the few cases the department
    reaches only through referrals, execution tasks or appeals (those it neither owns nor
    referred), listed once by a subquery over covering indexes. The EXISTS form stays the one
    that lists rows: a page is read off the newest-first index, each row tested against hashed
    sets, where this form would test each row against a list."""
    others = _reached_only_through_links(department_id)
    own = Q(owner_department_id=department_id) | Q(source_department_id=department_id)
    return cast(Q, own | (_InArray(F("pk"), others) if connection.vendor == "postgresql" else Q(pk__in=others)))


def _links_recheck(department_id: int) -> tuple[str, list[Any]]:
    """On the case ``c``: the department reaches it only through its links (``link_kinds``),
    neither handling nor referring it, tested on the links themselves."""
    # ``OFFSET 0``: an EXISTS is then not rewritten as ``c.id IN (…)``, which PostgreSQL may run
    # as a hashed subplan — every link of the department read and hashed, the very list this
    # branch avoids — instead of a lookup of each candidate's links by its case (few rows).
    exists = " OR ".join(
        f"EXISTS (SELECT 1 FROM {table} l WHERE l.case_id = c.id AND l.{column} = %s AND {condition} OFFSET 0)"
        for table, column, condition in link_kinds()
    )
    return (
        f"c.owner_department_id <> %s AND (c.source_department_id IS NULL OR c.source_department_id <> %s) AND ({exists})",
        [department_id] * (2 + len(link_kinds())),
    )


@dataclass(frozen=True)
class _Branch:
    """One way a case is visible to the searcher — for an officer: handled by their department;
    referred by it and handled elsewhere; reached only through links (three disjoint sets).
    ``case_cond`` decides it on the case (``c``) and is authoritative; ``search_cond`` is the
    same rule on the search row's copies (migrations 0031, 0032), held by the grams index beside
    the grams; ``title_cond`` is it on ``cases_case`` beside ``case_grams(title)`` (migration
    0031), or None where that index cannot hold it (the links)."""

    case_cond: str
    case_params: list[Any]
    search_cond: str
    search_params: list[Any]
    title_cond: str | None
    title_params: list[Any]


class SearchWalk:
    """A page of a one- or two-character search read newest first, tier by tier (issue 16).

    The ranked order (title hits, then the rest; newest first in each) is served without ranking
    every match: for each tier, and for an officer for each way a case is visible to them (owned;
    referred and not owned; reached only through referrals, execution tasks or appeals — three
    disjoint sets), ``ORDER BY created_at DESC, id DESC LIMIT n`` over ``cases_case``, the match
    tested by the search document (``EXISTS``, its grams) and the tier by the title's grams
    (``case_grams(title)``, migration 0030). PostgreSQL chooses per query: for a common term it
    walks the newest-first index and stops after ``n`` matches; for a rare one it reads the few
    candidates off the GIN indexes and sorts them. Either way a page costs what its position
    costs, not what the number of matches does. PostgreSQL only; a single run of one or two
    characters only, where holding the gram is containing the text (no ``LIKE``)."""

    def __init__(self, *, department: int | None, q: str, grams: list[str], extra: list[str], extra_params: list[Any]) -> None:
        self.department = department  # None: the superuser, every case
        escaped = q.strip().upper().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        self.title_pattern = f"%{escaped}%"
        self.grams = grams
        self.extra = extra
        self.extra_params = extra_params

    @cached_property
    def _branches(self) -> list[_Branch]:
        """Each way a case is visible (see ``_Branch``)."""
        d = self.department
        if d is None:
            return [_Branch("TRUE", [], "TRUE", [], "TRUE", [])]
        # ``::bigint``: btree_gin's operator classes are of one type; an integer parameter
        # compared with a bigint column would not be an index condition.
        owned = "owner_department_id = %s::bigint"
        referred = "source_department_id = %s::bigint AND owner_department_id <> %s::bigint"
        recheck, recheck_params = _links_recheck(d)
        return [
            _Branch("c.owner_department_id = %s", [d], owned, [d], owned, [d]),
            _Branch("c.source_department_id = %s AND c.owner_department_id <> %s", [d, d], referred, [d, d], referred, [d, d]),
            # ``reach`` is the search row's alone: the titles' index cannot narrow this branch.
            _Branch(recheck, recheck_params, "string_to_array(reach, ' ') @> %s::text[]", [[str(d)]], None, []),
        ]

    RARE = 500  # fewer candidates than this: read them off the GIN index; more: walk newest first

    _rare: list[dict[str, bool]] | None = None

    def _is_rare(self, branch: int = 0) -> dict[str, bool]:
        """Whether the documents, and the titles, holding the query *in a branch* (for an
        officer: among the cases their department handles, referred, or reaches through links)
        are fewer than ``RARE``: probes of the GIN indexes, which hold the departments beside the
        grams, reading at most ``RARE`` rows each (one statement). The planner's estimate cannot
        decide it: a gram outside its statistics is estimated at 0.5 % of the rows, and a walk
        newest first for a rare gram would read every case of the department. A branch whose
        titles no index narrows (the links') counts its titles as its documents: the document
        holds the title."""
        if self._rare is None:
            search, case = CaseSearch._meta.db_table, Case._meta.db_table
            probes, params = [], []
            for branch_ in self._branches:
                probes.append(
                    f"(SELECT count(*) FROM (SELECT 1 FROM {search} WHERE string_to_array(grams, ' ') @> %s::text[]"
                    f" AND {branch_.search_cond} LIMIT %s) d)"
                )
                params += [self.grams, *branch_.search_params, self.RARE]
                if branch_.title_cond is not None:
                    probes.append(
                        f"(SELECT count(*) FROM (SELECT 1 FROM {case} WHERE case_grams(title) @> %s::text[]"
                        f" AND {branch_.title_cond} LIMIT %s) t)"
                    )
                    params += [self.grams, *branch_.title_params, self.RARE]
            with connection.cursor() as cursor:
                cursor.execute("SELECT " + ", ".join(probes), params)
                answers = iter(cursor.fetchone())
            self._rare = []
            for branch_ in self._branches:
                document = next(answers) < self.RARE
                title = next(answers) < self.RARE if branch_.title_cond is not None else document
                self._rare.append({"document": document, "title": title})
        return self._rare[branch]

    def _where(self, branch: int, tier: int | None, *, counting: bool = False) -> tuple[str, list[Any], bool]:
        """The condition of a branch's cases in ``tier`` (None: both), its parameters, and
        whether it is a walk (the match tested row by row on the newest-first index)."""
        search, case = CaseSearch._meta.db_table, Case._meta.db_table
        b = self._branches[branch]
        rare = self._is_rare(branch)
        walk = False
        if b.title_cond is not None and tier == 1 and rare["title"]:  # few titles hold it: their ids, off the title index
            match = f"c.id = ANY(ARRAY(SELECT id FROM {case} WHERE case_grams(title) @> %s::text[] AND {b.title_cond}))"
            match_params = [self.grams, *b.title_params]
        elif rare["document"] or (tier == 2 and not rare["title"]) or counting:
            # Few documents hold it: their ids first (an InitPlan off the GIN index), each case by
            # its key. Also the rest after many title hits (past the title tier's pages), which may
            # be few among many matches: a walk could read every case to find them. And a count
            # (asked of a list expected to be short): the index intersects the gram with the
            # department, so it reads the matches, not the department's cases.
            match = (
                f"c.id = ANY(ARRAY(SELECT case_id FROM {search} WHERE string_to_array(grams, ' ') @> %s::text[]"
                f" AND {b.search_cond}))"
            )
            match_params = [self.grams, *b.search_params]
        else:
            # Many: tested row by row on the walk newest first, which stops at the page's end.
            # The search row's copy narrows first (the links branch's recheck is four EXISTS).
            match = (
                f"EXISTS (SELECT 1 FROM {search} s WHERE s.case_id = c.id AND string_to_array(s.grams, ' ') @> %s::text[]"
                f" AND {b.search_cond})"
            )
            match_params = [self.grams, *b.search_params]
            walk = True
        # The case's own columns and links decide visibility (``case_cond``): a search row's copy
        # of the departments only narrows the candidates, so a stale copy can hide a case, never
        # show one.
        parts = [b.case_cond, match, *self.extra]
        params: list[Any] = [*b.case_params, *match_params, *self.extra_params]
        if tier is not None:
            # A title hit as the ranked query has it (``_search_rank``: the title contains q).
            parts.append("UPPER(c.title::text) LIKE %s" if tier == 1 else "NOT (UPPER(c.title::text) LIKE %s)")
            params.append(self.title_pattern)
        return " AND ".join(parts), params, walk

    def branch_queries(self, tier: int, n: int) -> list[tuple[str, list[Any], bool]]:
        """For each branch of visibility: the SQL of its first ``n`` cases of ``tier`` (1: title
        hits, 2: the rest), newest first, and whether it is a walk (see ``ids``)."""
        case = Case._meta.db_table
        queries = []
        for index in range(len(self._branches)):
            where, where_params, walk = self._where(index, tier)
            sql = f"SELECT c.id, c.created_at FROM {case} c WHERE {where} ORDER BY c.created_at DESC, c.id DESC LIMIT %s"
            queries.append((sql, [*where_params, n], walk))
        return queries

    def tier_ids(self, tier: int, n: int) -> list[int]:
        """The first ``n`` ids of ``tier``, newest first: each branch's, merged."""
        rows: list[tuple[Any, int]] = []
        queries = self.branch_queries(tier, n)
        listed = [(sql, params) for sql, params, walk in queries if not walk]
        if len(listed) > 1:  # the branches that list their ids: one statement
            union = " UNION ALL ".join(f"({sql})" for sql, _params in listed)
            listed = [(f"SELECT * FROM ({union}) w", [p for _sql, params in listed for p in params])]
        with connection.cursor() as cursor:
            for sql, params, walk in [
                *[(sql, params, True) for sql, params, walk in queries if walk],
                *[(sql, params, False) for sql, params in listed],
            ]:
                if walk:
                    # The walk newest first, as planned: the planner's estimate of a gram's share
                    # (or of ``LIKE``) cannot be trusted to prefer it, and the share was measured
                    # (``_is_rare``). Without sort, bitmap or sequential scan, the plan is the
                    # created-at index (per department for an officer), stopping at ``n`` matches.
                    # The estimate that misleads the planner also prices the walk as the whole
                    # index: above ``jit_above_cost`` and worth parallel workers, whose start-up
                    # (≈ 30 ms of JIT, ≈ 70 ms of workers at 1M) dwarfs the page's 9 ms of reading.
                    cursor.execute(
                        "SET enable_sort = off; SET enable_bitmapscan = off; SET enable_seqscan = off;"
                        " SET jit = off; SET max_parallel_workers_per_gather = 0"
                    )
                try:
                    cursor.execute(sql, params)
                    rows += [(created, pk) for pk, created in cursor.fetchall()]
                finally:
                    if walk:
                        cursor.execute(
                            "RESET enable_sort; RESET enable_bitmapscan; RESET enable_seqscan;"
                            " RESET jit; RESET max_parallel_workers_per_gather"
                        )
        return [pk for _created, pk in sorted(rows, reverse=True)[:n]]

    def ids(self, start: int, stop: int) -> list[int]:
        """The ids at ``[start:stop]`` of the ranked list: tier 1, then tier 2 if needed."""
        found: list[int] = []
        for tier in (1, 2):
            want = stop - len(found)
            if want <= 0:
                break
            found += self.tier_ids(tier, want)
        return found[start:stop]

    def count(self) -> int:
        """The exact number of matches (asked only of a list expected to be short): per branch,
        the matches off the grams index, which intersects the gram with the department (the
        links branch: its few cases, each tested)."""
        sql, params = self.count_query()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return int(cursor.fetchone()[0])

    def count_if_short(self) -> int | None:
        """The exact count when the probes found fewer than ``RARE`` documents in every branch
        (the probes the page reads anyway: no query more), else None (the paginator then asks
        the planner). The planner would estimate a gram outside its statistics at 0.5 % of the
        rows: "≈ 4,996" for the 13 cases of 鑫磊 at a million."""
        if all(self._is_rare(branch)["document"] for branch in range(len(self._branches))):
            return self.count()
        return None

    def count_query(self) -> tuple[str, list[Any]]:
        """The SQL of ``count``, one statement: the branches' counts added."""
        case = Case._meta.db_table
        counts, params = [], []
        for index in range(len(self._branches)):
            where, where_params, _walk = self._where(index, None, counting=True)
            counts.append(f"(SELECT count(*) FROM {case} c WHERE {where})")
            params += where_params
        return "SELECT " + " + ".join(counts), params


class CaseListQuerySet(QuerySet[Case]):
    """A case list that carries how to count it, ``counting = (estimate_qs, exact_qs)``, for
    ``cases.api.pagination.EstimatingPaginator``. Kept through ``prefetch_related``, slicing and
    the like; a further ``filter()`` is not reflected in it, so filter through ``case_list``.

    A short search's list also carries ``walk`` (``SearchWalk``) and ``page_rows`` (the visible
    cases, without the search): a slice of it — a page — is then read by the walk and its rows
    fetched by id, in the walk's order (a list). ``order_by`` (the web's ``?sort=``), a further
    filter, ``values`` and the like drop the walk: the list is then the plain ranked query."""

    counting: tuple[QuerySet[Case], Any] | None = None
    walk: SearchWalk | None = None
    page_rows: QuerySet[Case] | None = None

    def _clone(self) -> CaseListQuerySet:
        clone: CaseListQuerySet = super()._clone()  # type: ignore[misc]  # Django's private copy, not in the stubs
        clone.counting = self.counting
        clone.walk, clone.page_rows = self.walk, self.page_rows
        return clone

    def _plain(self) -> CaseListQuerySet:
        clone = self._clone()
        clone.walk = clone.page_rows = None
        return clone

    def order_by(self, *field_names: Any) -> CaseListQuerySet:
        return QuerySet.order_by(self._plain(), *field_names)

    def _filter_or_exclude(self, negate: bool, args: Any, kwargs: Any) -> CaseListQuerySet:
        return cast(CaseListQuerySet, super(CaseListQuerySet, self._plain())._filter_or_exclude(negate, args, kwargs))  # type: ignore[misc]

    def annotate(self, *args: Any, **kwargs: Any) -> CaseListQuerySet:
        return cast(CaseListQuerySet, QuerySet.annotate(self._plain(), *args, **kwargs))

    def distinct(self, *field_names: Any) -> CaseListQuerySet:
        return QuerySet.distinct(self._plain(), *field_names)

    def __getitem__(self, k: Any) -> Any:
        walk, rows = self.walk, self.page_rows
        if (
            walk is None
            or rows is None
            or not isinstance(k, slice)
            or k.step is not None
            or self._iterable_class is not ModelIterable
            or self.query.is_sliced
        ):
            return super().__getitem__(k)
        start, stop = k.start or 0, k.stop
        if stop is None or start < 0 or stop < 0:
            return super().__getitem__(k)
        ids = walk.ids(start, stop)
        if not ids:
            return []
        fetched = rows.filter(pk__in=ids).prefetch_related(*self._prefetch_related_lookups)  # type: ignore[attr-defined]  # Django's, not in the stubs
        by_id = {case.pk: case for case in fetched}
        return [by_id[pk] for pk in ids if pk in by_id]


def cases_handled(user: AnyUser) -> QuerySet[Case]:
    """Cases the user's department handles (sees in full), as opposed to ones it only referred."""
    if getattr(user, "is_superuser", False):
        return _cases()
    membership = membership_of(user)
    if membership is None:
        return _cases().none()
    return _cases().filter(_involved(membership.department_id))


def case_access(case: Case, user: AnyUser) -> str | None:
    """``full``, ``source`` (status and outcome only) or None (invisible)."""
    if getattr(user, "is_superuser", False):
        return FULL
    membership = membership_of(user)
    if membership is None:
        return None
    d = membership.department_id
    if case.owner_department_id == d:  # the owner sees its case in full: no query needed
        return FULL
    if _cases().filter(pk=case.pk).filter(_involved(d)).exists():
        return FULL
    if _cases().filter(pk=case.pk).filter(_referred(d)).exists():
        return SOURCE_ONLY
    return None


def _search_rank(number: str, q: str) -> Any:
    """0 for the case of that number, 1 for a case whose title contains ``q``, 2 for the rest."""
    from django.db.models import Case as Case_
    from django.db.models import IntegerField, Value, When

    return Case_(
        When(number=number, then=Value(0)),
        When(title__icontains=q, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    ).asc()


def case_list(
    *,
    user: AnyUser,
    state: str | None = None,
    department: int | None = None,
    q: str | None = None,
    **narrowing: Any,
) -> QuerySet[Case]:
    """The cases the user may see, newest first. ``narrowing`` takes the statistics' filters of
    ``cases.selectors.filters.case_filters_q`` (year, month, circumstance, claimed, found,
    measure), so a statistic's drill-down lists the very cases it counted."""
    membership = None if getattr(user, "is_superuser", False) else membership_of(user)
    if membership is not None and department == membership.department_id:
        base = counting_base = _cases()  # every case a department owns is visible to it
    else:
        base = case_visible_qs(user)
        counting_base = _cases().filter(_visible_for_counting(membership.department_id)) if membership else base
    filters = Q()
    if state:
        filters &= Q(state__in=state.split(","))
    if department:
        filters &= Q(owner_department_id=department)
    order: list[Any] = ["-created_at", "-id"]
    walk: SearchWalk | None = None
    page_filters = filters
    if q and q.strip():
        # One set of matching ids (issue 16): the case's search document (title, facts, subjects'
        # names, findings, measures), found on PostgreSQL by a GIN index over its character
        # unigrams and bigrams (``cases.search``), so one- and two-character queries are served
        # too; or the case number. A whole case number is looked up in its unique index (every
        # number shares the grams of "ZR-2026-"); a part of one of three or more characters in
        # its trigram index (migration 0010); shorter ones would match nearly every number.
        needle = q.strip().upper()
        ids = matching_case_ids(q)
        if CASE_NUMBER.match(needle):
            ids = ids.union(_cases().filter(number=needle).order_by().values("pk"))
        elif len(normalize(q)) >= 3:
            ids = ids.union(_cases().filter(number__icontains=q.strip()).order_by().values("pk"))
        filters &= Q(pk__in=ids)
        if is_short_query(q) and connection.vendor == "postgresql" and not has_case_filters(**narrowing):
            walk = SearchWalk(
                department=membership.department_id if membership else None,
                q=q,
                grams=query_grams(q),
                extra=(["c.state = ANY(%s)"] if state else []) + (["c.owner_department_id = %s"] if department else []),
                extra_params=([state.split(",")] if state else []) + ([department] if department else []),
            )
            if membership is None and not getattr(user, "is_superuser", False):
                walk = None
        # Ranked: the case of that number, then title hits, then the rest; newest first in each.
        order = [
            _search_rank(needle, q.strip()),
            *order,
        ]
    narrowed = has_case_filters(**narrowing)
    if narrowed:
        filters &= case_filters_q(cases_handled(user), **narrowing)
    rows = base.filter(filters).select_related("owner_department", "source_department").order_by(*order)
    result: CaseListQuerySet = CaseListQuerySet(model=Case, query=rows.query, using=rows.db)
    # The planner estimates the count from the indexed form of the rule. An exact count (of a
    # list it expects to be short) runs on that form when nothing narrows the list, and on the
    # rows' own form when a filter does: an index on the filter then finds the few candidates.
    twin = counting_base.filter(filters)
    result.counting = (twin, rows if (state or department or q or narrowed) else twin)
    if walk is not None:
        # A one- or two-character search: pages read newest first per tier (``SearchWalk``).
        result.walk, result.page_rows = walk, base.filter(page_filters).select_related("owner_department", "source_department")
        result.counting = (twin, walk)
    return result


def case_owner_departments(user: AnyUser, *, selected: int | None = None) -> QuerySet[Department]:
    """The case list's "handling department" choices: the departments that handle cases where the
    user is (their own, and the discipline, organization and emergency departments of their
    jurisdiction and of the jurisdictions above: where Art. 34 sends leads and transfers), and the
    one currently selected if it is where the user may look. Read from the departments alone, so
    the choices cost the same whatever the number of cases (BENCH W3); a case handled elsewhere
    (followed across a boundary under Art. 32) stays in the list and in the API's ``department``
    filter. A superuser gets every department that handles a case (one index probe each)."""
    from django.db.models import Case as Case_
    from django.db.models import Value, When

    if getattr(user, "is_superuser", False):
        return Department.objects.filter(Exists(_cases().filter(owner_department=OuterRef("pk")))).order_by("level", "id")
    membership = membership_of(user)
    if membership is None:
        return Department.objects.none()
    visible = departments_visible_q(user)
    handling = Q(pk=membership.department_id) | (visible & Q(kind__in=ROUTE_KINDS))
    # The user's own department first, then the rest of their jurisdiction, then the organs above.
    nearness = Case_(
        When(pk=membership.department_id, then=Value(0)),
        When(pk__in=user_units(user), then=Value(1)),
        default=Value(2),
    )
    return (
        Department.objects.filter(handling | (visible & Q(pk=selected)) if selected else handling)
        .annotate(nearness=nearness)
        .order_by("nearness", "id")
    )


def case_detail(pk: int) -> Case | None:
    """The case with everything its page and the API's detail show, or None: the case row with
    its five joins, its subjects with theirs, and then only the relations that hold rows.

    Each row carries ``EXISTS`` flags for its relations, read in the same statement, and a
    relation flagged empty is left empty without a statement. A case early in its life (no
    measures, assessments, interim measures, team or referrals) is two statements instead of
    seven, and one that has them pays for what it has (issue 17: the API's answer after a
    transition was 43 % of the call)."""
    case = case_detail_row(pk)
    if case is not None:
        case_detail_relations(case)
    return case


def case_detail_row(pk: int) -> Case | None:
    """The first half of ``case_detail``: the case row alone (one statement), enough to check
    access and, for a referring agency's ``source`` access, to answer; ``case_detail_relations``
    completes it for full access."""
    return (
        _cases()
        .select_related("owner_department", "source_department", "accident", "proposed_by", "approved_by")
        .annotate(
            detail_has_team=Exists(Case.team.through.objects.filter(case_id=OuterRef("pk"))),
            detail_has_referrals=Exists(Referral.objects.filter(case_id=OuterRef("pk"))),
        )
        .filter(pk=pk)
        .first()
    )


def case_detail_relations(case: Case) -> None:
    """The second half of ``case_detail``: the subjects and the relations that hold rows, onto a
    case read by ``case_detail_row``."""
    subjects_qs = (
        CaseSubject.objects.select_related("cadre", "post", "post__organization", "finding", "filing", "filing__approved_by")
        .annotate(
            detail_has_measures=Exists(MeasureDecision.objects.filter(subject_id=OuterRef("pk"))),
            detail_has_conclusions=Exists(Assessment.objects.filter(subject_id=OuterRef("pk"), kind=Assessment.Kind.CONCLUSION)),
            detail_has_interim=Exists(InterimMeasure.objects.filter(subject_id=OuterRef("pk"))),
        )
        .order_by("id")
    )
    prefetch_related_objects([case], Prefetch("subjects", queryset=subjects_qs))
    subjects = list(case.subjects.all())
    _prefetch_where(
        subjects, "detail_has_measures", "measures", MeasureDecision.objects.select_related("deciding_department").order_by("id")
    )
    _prefetch_where(
        subjects,
        "detail_has_conclusions",
        "assessments",
        Assessment.objects.filter(kind=Assessment.Kind.CONCLUSION).order_by("id"),
    )
    prefetch_related_objects(
        subjects,
        Prefetch("finding__full_performance", queryset=PerformanceFinding.objects.select_related("recorded_by").order_by("id")),
    )
    _prefetch_where(
        subjects,
        "detail_has_interim",
        "interim_measures",
        InterimMeasure.objects.select_related(
            "authority", "post", "post__organization", "ordered_by", "ended_by", "absorbed_by"
        ).order_by("ordered_on", "id"),
    )
    _prefetch_where([case], "detail_has_team", "team", None)
    _prefetch_where(
        [case],
        "detail_has_referrals",
        "referrals",
        Referral.objects.select_related("from_department", "to_department", "subject__cadre").order_by("id"),
    )


def _prefetch_where(instances: list[Any], flag: str, lookup: str, queryset: QuerySet[Any] | None) -> None:
    """Prefetch ``lookup`` onto the instances whose ``flag`` says it holds rows; the others get it
    empty without a statement, and without compiling one (a ``none()`` queryset compiles the
    whole query before it finds it needs none: as much Python as the statement it saves)."""
    full = [i for i in instances if getattr(i, flag)]
    if full:
        prefetch_related_objects(full, Prefetch(lookup, queryset=queryset) if queryset is not None else lookup)
    for instance in instances:
        if not getattr(instance, flag):
            _known_empty(instance, lookup)


def _known_empty(instance: Any, lookup: str) -> None:
    """Leave ``instance.<lookup>.all()`` empty as ``prefetch_related`` leaves a relation with no
    rows: the manager's queryset with an empty result, under the relation's name in
    ``_prefetched_objects_cache`` (Django 5.2's ``prefetch_one_level``; for these relations the
    cache name is the accessor's name). ``cases/tests/test_case_detail.py`` checks that the
    answer is the same as a full prefetch and that reading it sends nothing."""
    empty = getattr(instance, lookup).get_queryset()
    empty._result_cache = []
    empty._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[lookup] = empty
