"""Jurisdictions (issue 7): one deployment serves several counties under a city.

A user's jurisdiction is the county (or city, or region) unit their department belongs to
(``county_of``), with every unit under it that is not itself a jurisdiction. Users see only
what belongs there; things cross a boundary only along the routes of the 细则:

- Art. 32: a cadre's case follows them to the authority that now manages them (lifelong
  referrals, ``cases.services.cadres``), and an authority sees the cadres it manages
  (干部管理权限: the city organization department manages county leaders);
- Art. 34: leads and transfers go to the discipline organ, organization or emergency
  department of the same jurisdiction or of one above it.

Every read of another unit's rows is filtered here, once per request (the ids are cached on the
user object like the membership).
"""

from __future__ import annotations

from collections.abc import Set
from typing import cast

from django.db.models import Q
from django.utils.translation import gettext as _

from core.typing import AnyUser
from org.access import JURISDICTION_LEVELS, county_of, membership_of
from org.codes import DepartmentKind
from org.models import Department

ROUTE_KINDS = frozenset({DepartmentKind.DISCIPLINE, DepartmentKind.ORGANIZATION, DepartmentKind.EMERGENCY})
OUTSIDE_ROUTES = _(
    "%(d)s is outside your jurisdiction: cases and leads cross it only to the discipline, organization or emergency "
    "department above (Art. 34) or to the authority that manages the cadre (Art. 32)."
)


def unit_ids(jurisdiction: Department) -> list[int]:
    """The jurisdiction and every unit under it, never through another jurisdiction (two levels:
    departments, townships and the park, and their offices)."""
    own = ~Q(level__in=JURISDICTION_LEVELS)
    below = Q(parent_id=jurisdiction.pk) & own
    below_below = Q(parent__parent_id=jurisdiction.pk) & own & ~Q(parent__level__in=JURISDICTION_LEVELS)
    return list(Department.objects.filter(Q(pk=jurisdiction.pk) | below | below_below).values_list("pk", flat=True))


def user_units(user: AnyUser | None) -> list[int] | None:
    """Ids of the units in the user's jurisdiction; ``None`` for a superuser (everything); an
    empty list for a user without a department."""
    if getattr(user, "is_superuser", False):
        return None
    cached = getattr(user, "_zeren_units", None)
    if cached is not None:
        return cast("list[int]", cached)
    membership = membership_of(user)
    units = unit_ids(county_of(membership.department)) if membership else []
    if user is not None and hasattr(user, "__dict__"):
        user._zeren_units = units  # type: ignore[union-attr]  # a per-request cache on the user object
    return units


def ancestors(department: Department) -> list[Department]:
    """The jurisdictions above ``department``'s own, nearest first."""
    node = county_of(department)
    if node.parent_id is not None:  # the levels above in one query (county → city → region → …)
        node = Department.objects.select_related("parent__parent__parent__parent").get(pk=node.pk)
    chain: list[Department] = []
    for _depth in range(10):
        if node.parent_id is None:
            break
        node = cast(Department, node.parent)  # not None: parent_id was checked above
        if node.level in JURISDICTION_LEVELS:
            chain.append(node)
    return chain


def route_allowed(source: Department, target: Department, *, managing_ids: Set[int] = frozenset()) -> bool:
    """May a lead or a case go from ``source``'s jurisdiction to ``target``?"""
    home = county_of(source)
    if county_of(target).pk == home.pk:
        return True
    if target.pk in managing_ids:  # Art. 32: the authority managing a subject
        return True
    upward = {a.pk for a in ancestors(source)}
    return target.kind in ROUTE_KINDS and target.parent_id in upward  # Art. 34, to the organs above


def cadres_visible_q(user: AnyUser, prefix: str = "") -> Q:
    """Cadres with a post in the user's jurisdiction, or managed by a unit in it (Art. 32)."""
    units = user_units(user)
    if units is None:
        return Q()
    return Q(**{f"{prefix}posts__organization_id__in": units}) | Q(**{f"{prefix}posts__managing_authority_id__in": units})


def departments_visible_q(user: AnyUser) -> Q:
    """The user's own units, the jurisdictions above and their organs: where a lead or a case
    may be sent. Other counties' units are not listed."""
    units = user_units(user)
    if units is None:
        return Q()
    membership = membership_of(user)
    if membership is None:
        return Q(pk__in=[])
    above = [a.pk for a in ancestors(membership.department)]
    return Q(pk__in=units) | Q(pk__in=above) | Q(parent_id__in=above, level=Department.Level.DEPARTMENT)
