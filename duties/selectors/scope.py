"""Whose ledger a user may read (PRODUCT §3; Art. 14–19), as reads: the level of access and the
organizations in scope. The 403s built on it are ``duties.services.access``'s.

- The organization department (组织人事部门, Art. 18–19) and emergency management (the safety
  committee's office, 安委会办公室, Art. 14–17) of the county keep the ledger and the
  assessment; a department keeps the records of its own leaders.
- The discipline organ (纪检监察机关) reads them: they are its evidence for Art. 26.1 and 31.
- Everyone else, and anyone from another county, sees nothing.
"""

from __future__ import annotations

from django.db.models import Q

from core.typing import AnyUser
from org.access import membership_of
from org.codes import DepartmentKind
from org.jurisdiction import user_units

KEEPERS = frozenset({DepartmentKind.ORGANIZATION, DepartmentKind.EMERGENCY})
READERS = KEEPERS | {DepartmentKind.DISCIPLINE}


def ledger_scope(user: AnyUser) -> tuple[str, list[int] | None]:
    """``(level, organization ids)``: ``level`` is ``keep``, ``read`` or ``own`` (only the
    user's department); ids ``None`` means every organization (a superuser)."""
    if getattr(user, "is_superuser", False):
        return "keep", None
    membership = membership_of(user)
    if membership is None:
        return "none", []
    department = membership.department
    if department.kind in READERS:
        level = "keep" if department.kind in KEEPERS else "read"
        return level, user_units(user)  # the jurisdiction's units, cached for the request
    return "own", [department.pk]


def visible_cadres_q(user: AnyUser, prefix: str = "") -> Q:
    """Filter for the cadres whose ledger ``user`` may read: those with a post in scope."""
    level, ids = ledger_scope(user)
    if ids is None:
        return Q()
    if level == "none":
        return Q(pk__in=[])
    return Q(**{f"{prefix}posts__organization_id__in": ids})
