"""Overriding a cadre's Art. 28 veto (PRODUCT §4). The record it changes is read by
``cases.selectors.records``."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Assessment, CaseSubject, VetoOverride
from cases.selectors.records import VETO_AUTHORITIES
from cases.services.common import case_event_record
from core.errors import NotPermitted, field_error
from core.persistence import lock, save_with_history
from core.typing import Actor
from org.access import county_of, require_membership
from org.codes import Rank


@transaction.atomic
def veto_override(*, subject_id: int, until: dt.date, reason: str, acting_user: Actor) -> VetoOverride:
    """Set the end of a subject's Art. 28 veto, as a leader of the organization or discipline
    department of the case's county, with a reason that the record shows."""
    membership = require_membership(acting_user)
    if membership.rank != Rank.LEADER or membership.department.kind not in VETO_AUTHORITIES:
        raise NotPermitted(_("Only a leader of the organization or discipline department may override a veto."))
    subject = CaseSubject.objects.select_related("case", "case__owner_department").get(pk=subject_id)
    if county_of(membership.department).pk != county_of(subject.case.owner_department).pk:
        raise NotPermitted(_("Only a leader of the organization or discipline department may override a veto."))
    case = lock(type(subject.case), subject.case_id)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("Give the reason for the override."))
    conclusion = subject.assessments.filter(kind=Assessment.Kind.CONCLUSION).order_by("-id").first()
    if conclusion is None or not conclusion.output.get("veto", {}).get("applies"):
        raise field_error("subject", _("No one-vote veto applies to this subject."))
    if case.decided_on and until < case.decided_on:
        raise field_error("until", _("The veto cannot end before the decision (%(d)s).") % {"d": case.decided_on})
    override = VetoOverride(subject=subject, until=until, reason=reason, decided_by=acting_user)
    save_with_history(override, acting_user=acting_user, reason="veto override")
    case_event_record(
        case=case,
        kind="veto_override",
        acting_user=acting_user,
        from_state=case.state,
        to_state=case.state,
        reason=reason,
        payload={"subject": subject.pk, "until": until.isoformat()},
    )
    return override
