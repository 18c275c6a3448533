"""Chapter 5 rewards (Art. 25), the write: granting the award a candidate calls for
(``appraisal.selectors.rewards.candidates`` says who is one and for which award)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from appraisal.models import Award
from appraisal.selectors.rewards import candidates
from core.errors import NotPermitted, PreconditionFailed, field_error
from core.persistence import local_today, save_with_history
from core.typing import Actor
from org.access import require_membership
from org.codes import DepartmentKind, Rank
from org.models import Cadre


@transaction.atomic
def award_grant(*, acting_user: Actor, cadre: Cadre, year: int, granted_on: dt.date | None = None) -> Award:
    """Grant the Art. 25 award a candidate calls for, as a leader of the organization department."""
    membership = require_membership(acting_user)
    if not acting_user.is_superuser and (
        membership.department.kind != DepartmentKind.ORGANIZATION or membership.rank != Rank.LEADER
    ):
        raise NotPermitted(_("Only a leader of the organization department may grant awards (按照干部管理权限)."))
    granted_on = granted_on or local_today()
    if granted_on > local_today():
        raise field_error("granted_on", _("The date is in the future."))
    # Art. 25 "按照干部管理权限": the authority that manages the cadre's post grants the award.
    post = next(
        (p for p in cadre.posts.select_related("managing_authority").order_by("-start", "-id") if p.held_on(granted_on)), None
    )
    if not acting_user.is_superuser and (post is None or post.managing_authority_id != membership.department_id):
        authority = post.managing_authority.name if post else _("the authority that managed the cadre")
        raise NotPermitted(
            _("Awards for %(c)s are granted by %(a)s, which manages the post (干部管理权限, Art. 25).")
            % {"c": cadre.name, "a": authority}
        )
    found = [c for c in candidates(year, cadre_ids=[cadre.pk], on=granted_on)]
    if not found:
        raise PreconditionFailed(
            _("%(c)s has no excellent assessment result for %(y)s (Art. 25).") % {"c": cadre.name, "y": year}
        )
    candidate = found[0]
    if candidate["granted"]:
        raise PreconditionFailed(_("An award for %(y)s was already granted.") % {"y": year})
    if not candidate["eligible"]:
        reasons = "；".join(b["reason"] for b in candidate["blocking"])
        raise PreconditionFailed(
            _("%(c)s may not receive awards on %(d)s: %(r)s") % {"c": cadre.name, "d": granted_on, "r": reasons}
        )
    award = Award(
        cadre=cadre, year=year, kind=candidate["kind"], granted_on=granted_on, basis=candidate["basis"], granted_by=acting_user
    )
    try:
        with transaction.atomic():
            save_with_history(award, acting_user=acting_user, reason="award (Art. 25)")
    except IntegrityError:
        raise PreconditionFailed(_("An award for %(y)s was already granted.") % {"y": year}) from None
    return award
