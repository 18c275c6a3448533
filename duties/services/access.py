"""Who may see and keep the duty ledger and the assessment records.

- The organization department (组织人事部门, Art. 18–19) and emergency management (the safety
  committee's office, 安委会办公室, Art. 14–17) of the county keep the ledger and the
  assessment; a department keeps the records of its own leaders.
- The discipline organ (纪检监察机关) reads them: they are its evidence for Art. 26.1 and 31.
- Everyone else, and anyone from another county, sees nothing.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from core.errors import NotPermitted
from core.typing import Actor, AnyUser
from org.access import county_of, membership_of, require_membership
from org.codes import DepartmentKind
from org.jurisdiction import user_units
from org.models import Department

KEEPERS = frozenset({DepartmentKind.ORGANIZATION, DepartmentKind.EMERGENCY})
READERS = KEEPERS | {DepartmentKind.DISCIPLINE}

NO_ACCESS = _(
    "The duty ledger is open to the organization department, emergency management, the discipline organ and the cadre's own department."
)


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


def require_ledger_access(user: AnyUser, organization_ids: set[int], *, write: bool) -> None:
    """403 unless ``user`` may read (or, with ``write``, keep) the ledger of a cadre whose
    posts are in ``organization_ids``."""
    level, ids = ledger_scope(user)
    if ids is None:
        return
    require_membership(user)
    allowed = bool(organization_ids & set(ids))
    if not allowed or level == "none" or (write and level == "read"):
        raise NotPermitted(NO_ACCESS)


def require_keeper(user: Actor) -> Department | None:
    """A keeper of the ledger (organization or emergency management): returns the county."""
    if getattr(user, "is_superuser", False):
        membership = membership_of(user)
        return county_of(membership.department) if membership else None
    membership = require_membership(user)
    if membership.department.kind not in KEEPERS:
        raise NotPermitted(_("Only the organization department or emergency management may record this."))
    return county_of(membership.department)
