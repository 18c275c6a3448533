"""The case filters the statistics and the case list share (issue 16 item 9), so that a number
on the statistics page and the case list it links to count the same cases.

Each filter narrows a case queryset (``case_filters_q``); what each one keeps:

- ``year`` / ``month``: cases *received* (``created_at``) in that calendar year / month, in the
  site's time zone (the one ``TruncMonth`` groups the month chart by);
- ``circumstance``: cases that claim the Art. 26 code at intake, or whose investigation found it
  for a subject, the findings counting only for cases the user's department handles (a
  referring agency never sees findings, PRODUCT §5);
- ``claimed``: the code claimed at intake; ``found``: the code found (same rule on findings);
- ``measure``: cases with a *decided* measure of that code for at least one subject (a case is
  listed once however many of its subjects got the measure).

Each of these is a sequence of groups: a group is one code or several (any of them), and a case
must match every group, so ``circumstance=[("26.1",), ("26.3",)]`` keeps cases with both and
``measure=[("notice", "admonishment")]`` cases with either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

from django.db import connection
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from cases.models import Case, Finding, MeasureDecision

Groups = Sequence[Sequence[str]]


def local_range(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The aware datetimes that begin ``start`` and ``end`` in the site's time zone."""
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(dt.datetime(start.year, start.month, start.day), tz),
        timezone.make_aware(dt.datetime(end.year, end.month, end.day), tz),
    )


def month_after(first: dt.date) -> dt.date:
    return dt.date(first.year + 1, 1, 1) if first.month == 12 else dt.date(first.year, first.month + 1, 1)


def json_list_has(model: type[Model], field: str, code: str) -> Q:
    """Rows of ``model`` whose JSON list ``field`` holds ``code``: ``@>`` on PostgreSQL, the
    JSON1 table function on SQLite (which has no JSON containment lookup)."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__contains": [code]})
    table = model._meta.db_table
    column = cast(Any, model._meta.get_field(field)).column
    pk = cast(Any, model._meta.pk).column
    return Q(
        pk__in=RawSQL(
            f'SELECT t."{pk}" FROM "{table}" t, json_each(t."{column}") j WHERE j.value = %s',
            [code],
        )
    )


def _any_of(codes: Sequence[str], make: Any) -> Q:
    q = Q()
    for code in codes:
        q |= make(code)
    return q


def _claimed(code: str) -> Q:
    return json_list_has(Case, "circumstances", code)


def _found(handled: QuerySet[Case]) -> Any:
    def make(code: str) -> Q:
        findings = Finding.objects.filter(json_list_has(Finding, "circumstances", code), subject__case__in=handled.values("pk"))
        return Q(Exists(findings.filter(subject__case=OuterRef("pk"))))

    return make


def _measure(code: str) -> Q:
    decided = MeasureDecision.objects.filter(state=MeasureDecision.State.DECIDED, measure=code, subject__case=OuterRef("pk"))
    return Q(Exists(decided))


def case_filters_q(
    handled: QuerySet[Case],
    *,
    year: int | None = None,
    month: dt.date | None = None,
    circumstance: Groups = (),
    claimed: Groups = (),
    found: Groups = (),
    measure: Groups = (),
) -> Q:
    """The filters as one ``Q`` over ``Case`` (an empty ``Q`` when none is given). ``handled``:
    the cases whose findings count, those the user's department handles (``cases_handled``)."""
    q = Q()
    if year:
        start, end = local_range(dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
        q &= Q(created_at__gte=start, created_at__lt=end)
    if month:
        start, end = local_range(month, month_after(month))
        q &= Q(created_at__gte=start, created_at__lt=end)
    if circumstance or found:
        found_in = _found(handled)
        for group in circumstance:
            q &= _any_of(group, lambda code: _claimed(code) | found_in(code))
        for group in found:
            q &= _any_of(group, found_in)
    for group in claimed:
        q &= _any_of(group, _claimed)
    for group in measure:
        q &= _any_of(group, _measure)
    return q


def has_case_filters(**filters: Any) -> bool:
    return any(bool(v) for v in filters.values())


def filter_cases(qs: QuerySet[Case], handled: QuerySet[Case], **filters: Any) -> QuerySet[Case]:
    """``qs`` narrowed by the filters of ``case_filters_q``."""
    return qs.filter(case_filters_q(handled, **filters)) if has_case_filters(**filters) else qs
