"""Reads of the organization layer, filtered to what the user may see (``org.jurisdiction``)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from core.typing import Actor, AnyUser
from org.codes import MoveKind, Rank
from org.jurisdiction import cadres_visible_q, departments_visible_q
from org.models import Cadre, Department, Membership, Post


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


def cadres_in_jurisdiction(user: AnyUser) -> QuerySet[Cadre]:
    """The cadres the user may see or name, one row each, in id order (a subquery of the visible
    ids: the rule's joins never multiply the rows)."""
    return Cadre.objects.filter(pk__in=Cadre.objects.filter(cadres_visible_q(user)).values("pk")).order_by("id")


def cadres_with_current_posts(
    user: AnyUser,
    *,
    q: str = "",
    role: str = "",
    organization: Department | None = None,
    by_name: bool = False,
) -> QuerySet[Cadre]:
    """The visible cadres with their current posts (newest first) as ``current_posts``; with
    ``q``, by name; with ``role`` or ``organization``, those holding such a post now."""
    current = Post.objects.filter(end__isnull=True).select_related("organization").order_by("-start", "-id")
    qs = cadres_in_jurisdiction(user)
    if by_name:
        qs = qs.order_by("name", "id")
    qs = qs.prefetch_related(Prefetch("posts", queryset=current, to_attr="current_posts"))
    if q:
        qs = qs.filter(name__icontains=q)
    post_filter: dict[str, object] = {}
    if role:
        post_filter["role"] = role
    if organization is not None:
        post_filter["organization"] = organization
    if post_filter:
        qs = qs.filter(Exists(Post.objects.filter(cadre=OuterRef("pk"), end__isnull=True, **post_filter)))
    return qs


def with_organization_name(qs: QuerySet[Cadre]) -> QuerySet[Cadre]:
    """``organization_name``: the organization of the cadre's newest current post (for sorting the
    cadre list by organization; a subquery per row, so only when that sort is asked for)."""
    newest = Post.objects.filter(cadre=OuterRef("pk"), end__isnull=True).order_by("-start", "-id")
    return qs.annotate(organization_name=Subquery(newest.values("organization__name")[:1]))


def cadre_posts(cadre: Cadre) -> list[Post]:
    """A cadre's posts, newest first, with their organizations and managing authorities."""
    return list(cadre.posts.select_related("organization", "managing_authority").order_by("-start", "-id"))


def later_moves(cadre_ids: Iterable[int]) -> dict[int, list[Post]]:
    """Each cadre's posts taken by a move (not the first appointment), oldest first: one query."""
    moves: dict[int, list[Post]] = {}
    rows = Post.objects.filter(cadre_id__in=set(cadre_ids)).exclude(move_kind=MoveKind.APPOINTMENT).order_by("start", "id")
    for post in rows:
        moves.setdefault(post.cadre_id, []).append(post)
    return moves


def posts_by_id(ids: Iterable[int]) -> dict[int, Post]:
    return {p.pk: p for p in Post.objects.filter(pk__in=set(ids)).select_related("organization")}


def departments_ordered() -> QuerySet[Department]:
    """Every department, by level then id (form choices, narrowed by ``departments_within``)."""
    return Department.objects.order_by("level", "id")


def departments_within(queryset: QuerySet[Department], user: AnyUser) -> QuerySet[Department]:
    """``queryset`` narrowed to the departments the user may send to (``departments_visible_q``)."""
    return queryset.filter(departments_visible_q(user))


def cadres_within(queryset: QuerySet[Cadre], user: AnyUser) -> QuerySet[Cadre]:
    """``queryset`` narrowed to the cadres the user may see."""
    return queryset.filter(pk__in=Cadre.objects.filter(cadres_visible_q(user)).values("pk"))


def transfer_targets(user: AnyUser | None, *, excluding: int) -> QuerySet[Department]:
    """Departments a case may be transferred to: the visible ones (all, without a user) but its owner."""
    return (
        Department.objects.filter(departments_visible_q(user) if user is not None else Q())
        .exclude(pk=excluding)
        .order_by("level", "id")
    )


def departments_by_id(ids: Iterable[int]) -> dict[int, Department]:
    wanted = {i for i in ids if i}
    return Department.objects.in_bulk(wanted) if wanted else {}


def department_members(department_id: int, *, leaders_only: bool = False) -> QuerySet[Actor]:
    """Active members of a department, with their seats, by rank then username."""
    qs = get_user_model().objects.filter(is_active=True, membership__department_id=department_id)
    if leaders_only:
        qs = qs.filter(membership__rank=Rank.LEADER)
    return qs.select_related("membership").order_by("membership__rank", "username")


def users_by_username(usernames: Iterable[str]) -> list[Actor]:
    wanted = set(usernames)
    return list(get_user_model().objects.filter(username__in=wanted)) if wanted else []


def users_by_id(ids: Iterable[int]) -> list[Actor]:
    return list(get_user_model().objects.filter(pk__in=set(ids)))


def department_id_of(user: AnyUser) -> int | None:
    """The id of the department the user sits in (one query, no row), or ``None``."""
    if user.pk is None:  # the anonymous user sits nowhere
        return None
    return Membership.objects.filter(user_id=user.pk).values_list("department_id", flat=True).first()
