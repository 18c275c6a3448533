"""Chapter 5 rewards (Art. 25): one excellent assessment year → 通报嘉奖; three consecutive
excellent years → 记功; neither while the cadre may not receive awards (the Art. 28 veto, an
influence period, an investigation: ``cases.selectors.records``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from appraisal.codes import AwardKind
from appraisal.models import AnnualAssessment, Award
from cases.selectors.records import cadre_records
from core.errors import NotPermitted, PreconditionFailed, field_error
from core.persistence import local_today, save_with_history
from core.typing import Actor
from org.access import require_membership
from org.codes import DepartmentKind, Rank
from org.models import Cadre

BASIS = {
    AwardKind.COMMENDATION: "细则第二十五条：安全生产工作一个年度考核成绩为优秀的，给予通报嘉奖",
    AwardKind.MERIT: "细则第二十五条：连续三个年度考核成绩为优秀的，给予记功",
}


def candidates(year: int, *, cadre_ids: list[int] | None = None, on: dt.date | None = None) -> list[dict[str, Any]]:
    """Every cadre with an excellent result for ``year``: the award it calls for and, if the
    cadre may not receive awards on ``on``, the blocking reasons. Constant number of queries."""
    on = on or local_today()
    qs = AnnualAssessment.objects.filter(cadre__isnull=False, year__in=[year - 2, year - 1, year], grade__excellent=True)
    if cadre_ids is not None:
        qs = qs.filter(cadre_id__in=cadre_ids)
    excellent: dict[int, set[int]] = defaultdict(set)
    for cadre_id, y in qs.values_list("cadre_id", "year"):
        excellent[cadre_id].add(y)
    ids = sorted(c for c, years in excellent.items() if year in years)
    cadres = list(Cadre.objects.filter(pk__in=ids).order_by("id"))
    records = {r["cadre"]["id"]: r for r in cadre_records(cadres, on)}
    granted = dict(Award.objects.filter(cadre_id__in=ids, year=year).values_list("cadre_id", "kind"))
    # A year already counted in a 记功 is not counted again: the next merit needs three new years.
    merited = set(
        Award.objects.filter(cadre_id__in=ids, kind=AwardKind.MERIT, year__in=[year - 2, year - 1]).values_list(
            "cadre_id", flat=True
        )
    )
    out = []
    for cadre in cadres:
        years = excellent[cadre.pk]
        streak = {year - 2, year - 1, year} <= years and cadre.pk not in merited
        kind = AwardKind.MERIT if streak else AwardKind.COMMENDATION
        record = records[cadre.pk]
        blocking = [b for b in record["blocking"] if "awards" in b["applies_to"]]
        out.append(
            {
                "cadre": {"id": cadre.pk, "name": cadre.name},
                "year": year,
                "kind": kind.value,
                "kind_label": str(kind.label),
                "excellent_years": sorted(y for y in years if y <= year),
                "basis": BASIS[kind],
                "eligible": not blocking,
                "blocking": blocking,
                "granted": granted.get(cadre.pk),
            }
        )
    return out


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
