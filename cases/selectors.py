"""Reads that know the user (STYLE §5): department visibility in one place.

A user sees in full the cases their department owns, has been sent and not returned (a
referral to it), executes (an execution or archive task) or decides an appeal of. A department
that only *referred* a lead, or transferred the case away, sees its status and outcome and
nothing else (PRODUCT §5).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import cast

from django.db import connection
from django.db.models import BigIntegerField, BooleanField, Exists, F, Func, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from cases.models import Appeal, Assessment, Case, CaseSubject, ExecutionTask, MeasureDecision, Referral
from core.typing import AnyUser
from org.access import membership_of
from org.jurisdiction import ROUTE_KINDS, departments_visible_q, user_units
from org.models import Department

FULL = "full"
SOURCE_ONLY = "source"
CASE_NUMBER = re.compile(r"^[A-Z]+-\d{4}-\d+$")  # ZR-2026-0001 (leads.next_case_number)


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


def case_visible_qs(user) -> QuerySet[Case]:
    if getattr(user, "is_superuser", False):
        return Case.objects.all()
    membership = membership_of(user)
    if membership is None:
        return Case.objects.none()
    d = membership.department_id
    return Case.objects.filter(_involved(d) | _referred(d))


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

    def as_sql(self, compiler, connection, **extra_context):
        lhs, lhs_params = compiler.compile(self.source_expressions[0])
        rhs, rhs_params = compiler.compile(self.source_expressions[1])
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


def _reached_only_through_links(department_id: int) -> RawSQL:
    """Ids of the cases a department reaches through referrals, execution tasks or appeals and
    neither owns nor referred: usually few, read from covering indexes, never from the rows."""
    referral, execution, appeal, case = (m._meta.db_table for m in (Referral, ExecutionTask, Appeal, Case))
    return RawSQL(
        f"SELECT case_id FROM {referral} WHERE to_department_id = %s AND state <> %s"
        f" UNION SELECT case_id FROM {execution} WHERE department_id = %s"
        f" UNION SELECT case_id FROM {appeal} WHERE deciding_department_id = %s"
        f" UNION SELECT case_id FROM {referral} WHERE from_department_id = %s"
        f" EXCEPT SELECT id FROM {case} WHERE owner_department_id = %s"
        f" EXCEPT SELECT id FROM {case} WHERE source_department_id = %s",
        [department_id, Referral.State.RETURNED, *[department_id] * 5],
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


class CaseListQuerySet(QuerySet):
    """A case list that carries how to count it, ``counting = (estimate_qs, exact_qs)``, for
    ``cases.api.pagination.EstimatingPaginator``. Kept through ``prefetch_related``, slicing and
    the like; a further ``filter()`` is not reflected in it, so filter through ``case_list``."""

    counting: tuple[QuerySet, QuerySet] | None = None

    def _clone(self):
        clone = super()._clone()
        clone.counting = self.counting
        return clone


def case_access(case: Case, user) -> str | None:
    """``full``, ``source`` (status and outcome only) or None (invisible)."""
    if getattr(user, "is_superuser", False):
        return FULL
    membership = membership_of(user)
    if membership is None:
        return None
    d = membership.department_id
    if case.owner_department_id == d:  # the owner sees its case in full: no query needed
        return FULL
    if Case.objects.filter(pk=case.pk).filter(_involved(d)).exists():
        return FULL
    if Case.objects.filter(pk=case.pk).filter(_referred(d)).exists():
        return SOURCE_ONLY
    return None


def case_list(*, user, state: str | None = None, department: int | None = None, q: str | None = None) -> QuerySet[Case]:
    membership = None if getattr(user, "is_superuser", False) else membership_of(user)
    if membership is not None and department == membership.department_id:
        base = counting_base = Case.objects.all()  # every case a department owns is visible to it
    else:
        base = case_visible_qs(user)
        counting_base = Case.objects.filter(_visible_for_counting(membership.department_id)) if membership else base
    filters = Q()
    if state:
        filters &= Q(state__in=state.split(","))
    if department:
        filters &= Q(owner_department_id=department)
    if q:
        # One set of matching ids: the case's own text, or a subject's name. Each arm is served by
        # a trigram index on PostgreSQL (migration 0010); an OR with an EXISTS would scan every case.
        # A whole case number is looked up in its unique index: every number shares the trigrams
        # of "ZR-2026-", so a trigram search for one reads more of the index as cases accumulate.
        number = Q(number=q.strip().upper()) if CASE_NUMBER.match(q.strip().upper()) else Q(number__icontains=q)
        text = Case.objects.filter(number | Q(title__icontains=q) | Q(facts__icontains=q))
        names = CaseSubject.objects.filter(cadre__name__icontains=q)
        filters &= Q(pk__in=text.order_by().values("pk").union(names.order_by().values("case_id")))
    rows = base.filter(filters).select_related("owner_department", "source_department").order_by("-created_at", "-id")
    result: CaseListQuerySet = CaseListQuerySet(model=Case, query=rows.query, using=rows.db)
    # The planner estimates the count from the indexed form of the rule. An exact count (of a
    # list it expects to be short) runs on that form when nothing narrows the list, and on the
    # rows' own form when a filter does: an index on the filter then finds the few candidates.
    twin = counting_base.filter(filters)
    result.counting = (twin, rows if (state or department or q) else twin)
    return result


def case_owner_departments(user, *, selected: int | None = None) -> QuerySet[Department]:
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
        return Department.objects.filter(Exists(Case.objects.filter(owner_department=OuterRef("pk")))).order_by("level", "id")
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


def case_detail_qs() -> QuerySet[Case]:
    subjects = CaseSubject.objects.select_related("cadre", "post", "post__organization", "finding").prefetch_related(
        Prefetch("measures", queryset=MeasureDecision.objects.order_by("id")),
        Prefetch("assessments", queryset=Assessment.objects.filter(kind=Assessment.Kind.CONCLUSION).order_by("id")),
    )
    return Case.objects.select_related(
        "owner_department", "source_department", "accident", "proposed_by", "approved_by"
    ).prefetch_related(Prefetch("subjects", queryset=subjects), "team")


_HISTORY_SOURCES = (
    # (model, how its history rows belong to the case): by the case's id, or by a subject's id
    # (the ids of every subject the case ever had, from the subjects' own history rows).
    ("case", "id"),
    ("casesubject", "case_id"),
    ("finding", "subject_id"),
    ("measuredecision", "subject_id"),
    ("assessment", "subject_id"),
    ("referral", "case_id"),
    ("executiontask", "case_id"),
    ("appeal", "case_id"),
)
_HISTORY_QUERY: dict[str, tuple[str, list]] = {}  # vendor → (SQL, [(model, tracked fields)])


def _history_query(vendor: str) -> tuple[str, list]:
    """One statement for every history table of a case (W5): a UNION ALL whose rows carry the
    tracked fields as a JSON object built in the database, so one round trip answers what took
    one query per table. Built once per process from the historical models' own fields."""
    if vendor in _HISTORY_QUERY:
        return _HISTORY_QUERY[vendor]
    from django.apps import apps
    from django.contrib.auth import get_user_model

    qn = connection.ops.quote_name
    user_model = get_user_model()
    # PostgreSQL's json_build_object takes at most 100 arguments: 50 fields a table, far above ours.
    build = "json_build_object" if vendor == "postgresql" else "json_object"
    subjects = (
        f"SELECT DISTINCT id FROM {qn(apps.get_model('cases', 'casesubject').history.model._meta.db_table)} WHERE case_id = %s"
    )
    arms, models = [], []
    for index, (name, link) in enumerate(_HISTORY_SOURCES):
        model = apps.get_model("cases", name)
        history_model = model.history.model
        fields = list(history_model.tracked_fields)
        pairs = []
        for field in fields:
            column = f"h.{qn(field.column)}"
            if vendor != "postgresql" and field.get_internal_type() == "JSONField":
                column = f"json({column})"  # SQLite keeps JSON as text: embed it, not a string of it
            pairs.append(f"'{field.attname}', {column}")
        condition = f"h.{qn(link)} IN ({subjects})" if link == "subject_id" else f"h.{qn(link)} = %s"
        arms.append(
            f"SELECT {index} AS source, h.id AS object_id, h.history_date, h.history_id, h.history_type,"
            f" h.history_change_reason, u.{qn(user_model.USERNAME_FIELD)} AS username, {build}({', '.join(pairs)}) AS fields"
            f" FROM {qn(history_model._meta.db_table)} h"
            f" LEFT JOIN {qn(user_model._meta.db_table)} u ON u.{qn(cast(str, user_model._meta.pk.column))} = h.history_user_id"
            f" WHERE {condition}"
        )
        models.append((model, [(field.attname, _history_converter(field)) for field in fields]))
    sql = " UNION ALL ".join(arms) + " ORDER BY 1, 2, 3, 4"
    _HISTORY_QUERY[vendor] = (sql, models)
    return sql, models


def _to_datetime(value):
    if isinstance(value, str):
        value = parse_datetime(value.replace(" ", "T", 1))
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)  # SQLite keeps UTC without an offset
    return value


def _history_converter(field):
    """Turn a value of the JSON object back into what the model field holds."""
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return _to_datetime
    if kind == "DateField":
        return lambda value: parse_date(value) if isinstance(value, str) else value
    if kind == "BooleanField":
        return lambda value: None if value is None else bool(value)
    return None


def case_history(case: Case) -> list[dict]:
    """Field-level changes of the case and every row hanging off it, oldest first.

    One statement over every history table (``_history_query``), whatever the number of rows;
    diffs are computed between consecutive snapshots of the same object in Python.
    """
    sql, models = _history_query(connection.vendor)
    params = [case.pk] * len(_HISTORY_SOURCES)  # one per arm (a subject arm's is in its subquery)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    entries = []
    previous: dict[tuple[int, int], dict] = {}
    for source, object_id, history_date, _history_id, history_type, reason, username, values in rows:
        model, fields = models[source]
        if isinstance(values, str):
            values = json.loads(values)
        history_date = _to_datetime(history_date)  # SQLite, through a UNION, returns it as text
        snapshot = {}
        for name, convert in fields:
            value = values.get(name)
            snapshot[name] = convert(value) if convert is not None else value
        key = (source, object_id)
        before = previous.get(key)
        changes = []
        for name, _convert in fields:
            new = snapshot[name]
            if before is None:
                if new in (None, "", [], {}):
                    continue
                changes.append({"field": name, "old": None, "new": new})
            elif before[name] != new:
                changes.append({"field": name, "old": before[name], "new": new})
        previous[key] = snapshot
        entries.append(
            {
                "model": model._meta.model_name,
                "object_id": object_id,
                "type": {"+": "created", "~": "changed", "-": "deleted"}[history_type],
                "user": username,
                "date": history_date,
                "reason": reason or "",
                "changes": changes,
            }
        )
    entries.sort(key=lambda e: e["date"])
    return entries


def accidents_visible_q(user: AnyUser) -> Q:
    """Accidents located in the jurisdiction (or, without a location, recorded from it)."""
    units = user_units(user)
    if units is None:
        return Q()
    return Q(location_id__in=units) | Q(location__isnull=True, created_by__membership__department_id__in=units)
