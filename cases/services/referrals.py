"""Referrals between departments (Art. 32, 34; PRODUCT §5): sent → acknowledged → accepted | returned."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.codes import CaseState
from cases.models import Case, Referral
from cases.services.common import case_event_record
from core.errors import PreconditionFailed, TransitionNotAllowed, field_error
from core.hooks import workflow_event
from core.persistence import lock, save_with_history
from core.typing import Actor
from org.access import require_member_of

REFERRAL_MOVES = {
    "acknowledge": ({Referral.State.SENT}, Referral.State.ACKNOWLEDGED),
    "accept": ({Referral.State.SENT, Referral.State.ACKNOWLEDGED}, Referral.State.ACCEPTED),
    "return": ({Referral.State.SENT, Referral.State.ACKNOWLEDGED}, Referral.State.RETURNED),
}


@transaction.atomic
def referral_move(*, referral_id: int, move: str, acting_user: Actor, reason: str = "") -> Referral:
    """Acknowledge, accept or return a referral, as a member of the receiving department.

    Accepting a transfer hands the case to the receiving department (Art. 34). The case row is
    locked first, then the referral, always in that order, so two moves cannot deadlock.
    """
    case_id = Referral.objects.values_list("case_id", flat=True).get(pk=referral_id)
    case = lock(Case, case_id)
    referral = lock(Referral, referral_id)
    sources, target = REFERRAL_MOVES[move]
    if referral.state not in sources:
        raise TransitionNotAllowed(
            _("The referral is %(state)s; it cannot be %(move)s now.") % {"state": referral.get_state_display(), "move": move}
        )
    require_member_of(acting_user, referral.to_department_id)
    if referral.kind == Referral.Kind.RECOMMENDATION and move != "acknowledge":
        # A 问责建议 is decided on the case, by the organ's leader (issue 14): ``approve`` decides
        # the measures, ``reject`` sends the proposal back; accepting it alone would decide nothing.
        raise PreconditionFailed(
            _("An accountability recommendation is decided on the case: its leader approves or rejects the measures.")
        )
    reason = (reason or "").strip()
    if move == "return" and not reason:
        raise field_error("reason", _("Say why the referral is returned."))
    if move == "accept" and referral.kind == Referral.Kind.TRANSFER and case.state != CaseState.RECEIVED:
        raise PreconditionFailed(_("The case is no longer at intake; the transfer cannot be accepted."))
    before = referral.state
    referral.state = target
    referral.handled_by = acting_user
    referral.handled_at = timezone.now()
    if move == "return":
        referral.return_reason = reason
    save_with_history(referral, acting_user=acting_user, reason=f"referral {move}: {reason}" if reason else f"referral {move}")
    payload = {"referral": referral.pk, "from": before, "to": target, "kind": referral.kind}
    if move == "accept" and referral.kind == Referral.Kind.TRANSFER:
        payload["owner_from"] = case.owner_department_id
        case.owner_department = referral.to_department
        case.proposed_by = None
        save_with_history(case, acting_user=acting_user, reason="referral accepted: owner changes (Art. 34)")
        payload["owner_to"] = case.owner_department_id
    case_event_record(
        case=case,
        kind=f"referral_{move}",
        acting_user=acting_user,
        from_state=case.state,
        to_state=case.state,
        reason=reason,
        payload=payload,
    )
    workflow_event("referral_moved", referral=referral, move=move, acting_user=acting_user)
    if move == "accept" and referral.kind == Referral.Kind.TRANSFER:
        workflow_event("case_owner_changed", case=case, acting_user=acting_user)
    return referral
