"""Who a user is in the organization: their department seat, its county, the organ of a kind
that serves it (Art. 34 routing). Cached on the user object for the request."""

from __future__ import annotations

from typing import cast

from django.db.models import Q

from core.errors import LEADER_REQUIRED, NO_DEPARTMENT, NOT_A_MEMBER, InvalidReference, NotPermitted
from core.typing import Actor, AnyUser
from org.codes import DepartmentKind, Rank
from org.models import Department, Membership


def membership_of(user: AnyUser | None) -> Membership | None:
    """The user's department seat, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_zeren_membership", False)
    if cached is not False:
        return cast("Membership | None", cached)
    try:
        # The parent too: the jurisdiction (``county_of``) is read on most requests.
        # ``cast``: signed in (checked above), so not the anonymous user.
        membership = Membership.objects.select_related("department__parent").get(user=cast(Actor, user))
    except Membership.DoesNotExist:
        membership = None
    user._zeren_membership = membership  # type: ignore[union-attr]  # a per-request cache on the user object
    return membership


def require_membership(user: AnyUser) -> Membership:
    membership = membership_of(user)
    if membership is None:
        raise NotPermitted(NO_DEPARTMENT)
    return membership


def require_member_of(user: AnyUser, department: Department | int, *, leader: bool = False) -> Membership:
    """403 unless ``user`` sits in ``department`` (a row or its id; as a leader when ``leader``)."""
    membership = require_membership(user)
    if membership.department_id != (department if isinstance(department, int) else department.pk):
        raise NotPermitted(NOT_A_MEMBER)
    if leader and membership.rank != Rank.LEADER:
        raise NotPermitted(LEADER_REQUIRED)
    return membership


JURISDICTION_LEVELS = (Department.Level.COUNTY, Department.Level.CITY, Department.Level.REGION)


def county_of(department: Department) -> Department:
    """The county (or higher) unit a department belongs to: jurisdictions are counted from here."""
    node = department
    for _depth in range(20):  # the tree is shallow; the bound guards against a cycle in bad data
        if node.level in JURISDICTION_LEVELS or node.parent_id is None:
            break
        node = cast(Department, node.parent)  # not None: parent_id was checked above
    return node


def department_of_kind(kind: str, *, near: Department) -> Department:
    """The department of ``kind`` serving the county of ``near`` (Art. 34 routing)."""
    county = county_of(near)
    if county.kind == kind:
        return county
    found = Department.objects.filter(kind=kind).filter(Q(parent=county) | Q(pk=county.pk)).order_by("id").first()
    if found is None:
        raise InvalidReference(
            f"No department of kind “{DepartmentKind(kind).label}” is configured for {county.name}.",
        )
    return found
