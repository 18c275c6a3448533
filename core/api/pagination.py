"""Page numbers with a count that does not grow with the table (BENCH W3).

An exact ``COUNT(*)`` reads every matching row: over a million cases the count alone costs more
than the page. So PostgreSQL's planner is asked first how many rows it expects (``EXPLAIN``, from
its statistics, no rows read). Up to ``EXACT_COUNT_LIMIT`` (40 pages of 25) the rows are counted
exactly; past it the estimate is the answer and the page says so (``count_estimated``). Nobody
reads page 41 of a list to the end: a longer list is narrowed with a filter or a search, which
makes it small and exact again.

Why not ``COUNT(*)`` over ``LIMIT 1001``: for a department's cases the planner then prefers a
sequential scan that stops at the 1,001st match, which still reads tens of thousands of rows; a
count of a list it expects to be small is answered from the indexes.
"""

from __future__ import annotations

import json
from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from core.api.params import int_param
from core.errors import InvalidInput

EXACT_COUNT_LIMIT = 1000


def planner_estimate(qs: QuerySet[Any]) -> int | None:
    """The number of rows PostgreSQL expects ``qs`` to return, from its statistics (no scan)."""
    if connections[qs.db].vendor != "postgresql":
        return None
    if qs.query.is_empty():  # ``.none()``: no SQL to explain (EXPLAIN would print nothing)
        return 0
    plan = qs.order_by().explain(format="json")
    if not plan:  # a query Django proves empty without SQL (``pk__in=[]``) explains to nothing
        return 0
    data = json.loads(plan) if isinstance(plan, str) else plan
    return int(data[0]["Plan"]["Plan Rows"])


class EstimatingPaginator(Paginator):  # type: ignore[type-arg]  # pages of any model's rows
    """A Django paginator whose ``count`` is exact for lists expected to hold up to
    ``EXACT_COUNT_LIMIT`` rows, and PostgreSQL's estimate for longer ones."""

    count_estimated = False

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        if not isinstance(qs, QuerySet):
            return super().count
        # A list may say how it is best estimated and counted (cases.selectors.CaseListQuerySet).
        estimate_qs, exact_qs = getattr(qs, "counting", None) or (qs, qs)
        # A counter that knows its list is short (a rare short search: ``SearchWalk``) counts it
        # exactly without asking the planner, whose estimate of a rare gram can be thousands.
        cheap = getattr(exact_qs, "count_if_short", None)
        known = cheap() if cheap is not None else None
        if known is not None:
            return int(known)
        estimate = planner_estimate(estimate_qs)
        if estimate is None or estimate <= EXACT_COUNT_LIMIT:  # SQLite has no estimate: count
            return exact_qs.count()
        self.count_estimated = True
        return estimate


class Pagination(PageNumberPagination):
    """``?page=`` and ``?page_size=`` (at most 200); answers ``{count, count_estimated, next,
    previous, results}``: ``count_estimated`` is true when ``count`` is PostgreSQL's estimate."""

    page_size_query_param = "page_size"
    max_page_size = 200
    django_paginator_class = EstimatingPaginator

    def get_page_size(self, request: Any) -> int:
        """A ``page_size`` that is not a whole number from 1 to ``max_page_size`` is a 400, as the
        schema states, not silently the default."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return cast(int, self.page_size)
        size = int_param(self.page_size_query_param, raw)
        if not 1 <= size <= self.max_page_size:
            raise InvalidInput(
                {self.page_size_query_param: [_("Expected a number from 1 to %(max)d.") % {"max": self.max_page_size}]}
            )
        return size

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        raw = request.query_params.get(self.page_query_param)
        if raw is not None:
            number = int_param(self.page_query_param, raw)
            if number < 1:
                raise InvalidInput({self.page_query_param: [_("Expected a page number from 1.")]})
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            schema = parameter.setdefault("schema", {})
            if parameter["name"] == self.page_query_param:
                schema.update({"type": "integer", "minimum": 1, "maximum": 2**63 - 1})
            elif parameter["name"] == self.page_size_query_param:
                schema.update({"type": "integer", "minimum": 1, "maximum": self.max_page_size})
        return parameters

    def get_paginated_response(self, data: Any) -> Response:
        paginator = cast(EstimatingPaginator, cast("Page[Any]", self.page).paginator)  # set by paginate_queryset
        return Response(
            {
                "count": paginator.count,
                "count_estimated": paginator.count_estimated,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_estimated"] = {"type": "boolean", "example": False}
        return response
