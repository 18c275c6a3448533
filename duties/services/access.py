"""Who may see and keep the duty ledger and the assessment records: the checks that answer 403.
The scope they judge by (keepers, readers, a department's own leaders) is
``duties.selectors.scope``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.errors import NotPermitted
from core.typing import Actor, AnyUser
from duties.selectors.scope import KEEPERS, ledger_scope
from org.access import county_of, membership_of, require_membership
from org.models import Department

NO_ACCESS = _(
    "The duty ledger is open to the organization department, emergency management, the discipline organ and the cadre's own department."
)


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
