"""Reads of the organization layer, filtered to what the user may see (``org.jurisdiction``)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from core.typing import AnyUser
from org.jurisdiction import cadres_visible_q, departments_visible_q
from org.models import Cadre, Department, Post


def departments_visible(user: AnyUser, *, kind: str | None = None, parent: int | None = None) -> QuerySet[Department]:
    """Departments a lead or a case may be sent to (the jurisdiction, the ones above and their
    organs), in id order, optionally of one kind or under one parent."""
    qs = Department.objects.filter(departments_visible_q(user)).order_by("id")
    if kind:
        qs = qs.filter(kind=kind)
    if parent is not None:
        qs = qs.filter(parent_id=parent)
    return qs


def cadres_visible(
    user: AnyUser, *, role: str | None = None, department: int | None = None, q: str | None = None
) -> QuerySet[Cadre]:
    """Cadres of the jurisdiction (or managed from it, Art. 32) with their posts in order; with
    ``role`` or ``department``, those holding such a post now; with ``q``, by name."""
    posts = Post.objects.select_related("organization", "managing_authority").order_by("start", "id")
    visible = Cadre.objects.filter(cadres_visible_q(user)).values("pk")
    qs = Cadre.objects.filter(pk__in=visible).prefetch_related(Prefetch("posts", queryset=posts)).order_by("id")
    current = Q(posts__end__isnull=True)
    if role:
        qs = qs.filter(current & Q(posts__role=role))
    if department is not None:
        qs = qs.filter(current & Q(posts__organization_id=department))
    if q:
        qs = qs.filter(name__icontains=q)
    return qs.distinct()


def cadre_rows_visible(user: AnyUser) -> QuerySet[Cadre]:
    """The visible cadres as plain rows (to look one up by id)."""
    return Cadre.objects.filter(cadres_visible_q(user)).distinct()


def organizations_of(cadre_id: int) -> set[int]:
    """Ids of every organization the cadre held a post in."""
    return set(Post.objects.filter(cadre_id=cadre_id).values_list("organization_id", flat=True))
