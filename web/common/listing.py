"""What the list pages (cases, cadres, accidents, referrals) share: sortable columns, page sizes,
the user's saved views and the live search's partial answer.

A list declares a ``ListSpec``: its whitelisted sort keys, each the ascending ``order_by`` it
stands for, with ``id`` appended as the tiebreak so equal values keep a stable order across pages.
``?sort=key`` sorts ascending, ``?sort=-key`` descending; an unknown key is ignored with a message.
Without ``sort`` the selector's own order stands: the one its index serves (cases: migration
``cases/0010``, ``case_created_idx``), so the default page stays index-served at a million rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from core.listviews import PAGE_SIZES, page_size_for, saved_views

UNKNOWN_SORT = gettext_lazy("The list cannot be sorted by “%(key)s”; it is shown in its usual order.")


@dataclass(frozen=True)
class ListSpec:
    key: str  # the saved views' list_key
    url_name: str
    sorts: Mapping[str, tuple[str, ...]]  # sort key → ascending order_by, without the id tiebreak
    default_page_size: int
    params: frozenset[str]  # the filters the page reads (what a saved view may hold)
    tiebreak: str = "id"
    unique: frozenset[str] = frozenset()  # sort keys already unique: no tiebreak, so a unique index serves them

    @property
    def saved_params(self) -> frozenset[str]:
        return self.params | {"sort", "page_size"}


@dataclass
class ListControls:
    spec: ListSpec
    sort: str  # "" (the usual order), "key" or "-key"
    page_size: int
    views: list = field(default_factory=list)
    params: Any = None  # the request's GET without page and partial (a QueryDict)

    @property
    def order_by(self) -> tuple[str, ...] | None:
        if not self.sort:
            return None
        descending = self.sort.startswith("-")
        fields = self.spec.sorts[self.sort.lstrip("-")]
        flip = (lambda f: f[1:] if f.startswith("-") else "-" + f) if descending else (lambda f: f)
        key = self.sort.lstrip("-")
        tail = () if key in self.spec.unique else (self.spec.tiebreak,)
        return tuple(flip(f) for f in (*fields, *tail))

    def apply(self, qs):
        order = self.order_by
        return qs.order_by(*order) if order else qs

    def query(self, **changes: str | None) -> str:
        """The current query string (no page) with ``changes`` (None removes a parameter)."""
        params = self.params.copy()
        for key, value in changes.items():
            params.pop(key, None)
            if value:
                params[key] = value
        return params.urlencode()

    @property
    def querystring(self) -> str:
        return self.query()

    def header(self, key: str) -> dict[str, str]:
        """A sortable header: the link that sorts by it (or reverses it), its arrow and aria-sort."""
        current = self.sort.lstrip("-") == key
        descending = self.sort.startswith("-")
        target = ("" if descending else "-") + key if current else key
        return {
            "key": key,
            "href": "?" + self.query(sort=target, page=None),
            "aria_sort": ("descending" if descending else "ascending") if current else "none",
            "arrow": ("▼" if descending else "▲") if current else "",
        }

    @property
    def page_sizes(self) -> list[dict[str, Any]]:
        return [{"size": n, "selected": n == self.page_size} for n in PAGE_SIZES]

    @property
    def is_default_size(self) -> bool:
        return self.page_size not in PAGE_SIZES


def list_controls(request: HttpRequest, spec: ListSpec, *, default_page_size: int | None = None) -> ListControls:
    """Reads ``sort`` and ``page_size`` off the request and the user's saved views (two queries;
    a third when the user picks another page size, which is then remembered)."""
    sort = (request.GET.get("sort") or "").strip()
    if sort and sort.lstrip("-") not in spec.sorts:
        if not wants_partial(request):  # a fragment has no message area; the message would wait
            messages.warning(request, UNKNOWN_SORT % {"key": sort[:40]})
        sort = ""
    page_size = page_size_for(request.user, spec.key, request.GET.get("page_size"), default_page_size or spec.default_page_size)
    params = request.GET.copy()
    for key in ("page", "partial"):
        params.pop(key, None)
    if sort != (request.GET.get("sort") or "").strip():
        params.pop("sort", None)
    return ListControls(spec=spec, sort=sort, page_size=page_size, views=saved_views(request.user, spec.key), params=params)


def wants_partial(request: HttpRequest) -> bool:
    """The live search asks for the results alone (``partial=1``); without script the form
    submits and the whole page answers."""
    return request.GET.get("partial") == "1"


# The four lists. Sort keys name columns, not fields: ``grade`` sorts by severity and ``department``
# by the cadre's current organization, both annotated by the list's view (``grade_rank``,
# ``organization_name``) before sorting.
CASES = ListSpec(
    key="cases",
    url_name="web:case_list",
    sorts={
        "number": ("number",),
        "title": ("title",),
        "state": ("state",),
        "created": ("created_at",),  # case_created_idx serves both directions
        "department": ("owner_department__name",),
    },
    default_page_size=25,
    params=frozenset({"q", "state", "department", "year", "month", "circumstance", "claimed", "found", "measure"}),
    unique=frozenset({"number"}),  # the unique index on number serves both directions
)
CADRES = ListSpec(
    key="cadres",
    url_name="web:cadre_list",
    sorts={"name": ("name",), "department": ("organization_name",), "status": ("status",)},
    default_page_size=50,
    params=frozenset({"q", "role", "department"}),
)
ACCIDENTS = ListSpec(
    key="accidents",
    url_name="web:accident_list",
    sorts={"occurred_at": ("occurred_at",), "grade": ("grade_rank",), "title": ("title",), "deaths": ("deaths",)},
    default_page_size=30,
    params=frozenset({"q"}),
)
REFERRALS = ListSpec(
    key="referrals",
    url_name="web:referrals",
    sorts={"created": ("created_at",), "state": ("state",), "handled": ("handled_at",)},
    default_page_size=30,
    params=frozenset({"q"}),
)
SPECS = {spec.key: spec for spec in (CASES, CADRES, ACCIDENTS, REFERRALS)}
