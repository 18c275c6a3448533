"""Which transitions a user may fire on a case now (the buttons and the API's
``available_transitions``): allowed from the state (django-fsm), within the user's rights (the
lifecycle table's leader-only and four-eyes columns), and not while a transfer is pending."""

from __future__ import annotations

from django_fsm import can_proceed

from cases.codes import CaseState
from cases.lifecycle.handlers import OPEN_REFERRAL_STATES, open_recommendations
from cases.lifecycle.spec import BY_NAME
from cases.models import Case, Referral
from core.typing import AnyUser
from org.access import membership_of
from org.codes import Rank


def _deciding_transitions(case: Case, user: AnyUser, department_id: int, leader: bool) -> list[str]:
    if not leader:
        return []
    if department_id == case.owner_department_id:
        if case.approved_by_id is not None or case.proposed_by_id == user.pk:
            # Its part is decided, or the proposer (four eyes): only ``reject`` stays out too.
            return [] if case.approved_by_id is not None else ["reject"]
        return ["reject", "approve"]
    waiting = open_recommendations(case).filter(to_department_id=department_id).exists()
    return ["reject", "approve"] if waiting else []


def transfer_pending(case: Case) -> bool:
    """A transfer of the case is waiting for its target: until it accepts or returns it, the case
    belongs to neither side to move."""
    return (
        case.state == CaseState.RECEIVED
        and case.referrals.filter(kind=Referral.Kind.TRANSFER, state__in=OPEN_REFERRAL_STATES).exists()
    )


def available_transitions(case: Case, user: AnyUser) -> list[str]:
    """Transitions the user may fire now: allowed from the state and within the user's rights.
    While a case is ``approving``, ``approve`` and ``reject`` are a leader's of the owner until
    it has decided its part, then of each organ with an open 问责建议 (issue 14)."""
    membership = membership_of(user)
    if membership is None:
        return []
    if case.state == CaseState.APPROVING:
        return _deciding_transitions(case, user, membership.department_id, membership.rank == Rank.LEADER)
    if membership.department_id != case.owner_department_id:
        return []
    if transfer_pending(case):
        return []
    names: list[str] = []
    for name, row in BY_NAME.items():
        if not can_proceed(getattr(case, name), check_conditions=False):
            continue
        if row.leader_only and membership.rank != Rank.LEADER:
            continue
        if row.four_eyes and case.proposed_by_id == user.pk:
            continue
        names.append(name)
    return names


def step_already_done_by(*, case_id: int, name: str, user: AnyUser, since_version: int) -> bool:
    """Whether every change of the case after ``since_version`` was ``user``'s own and one of them
    was transition ``name``: a stale form that is the user's own finished step sent again (Back
    and resubmit), not a concurrent change by someone else (issue 16). Read from the case's
    history rows, whose change reason starts with the transition's name (``save_case``)."""
    rows = list(
        Case.history.filter(id=case_id, version__gt=since_version).values_list("history_user_id", "history_change_reason")
    )
    if not rows or any(actor != user.pk for actor, _reason in rows):
        return False
    return any(reason == name or (reason or "").startswith(f"{name}:") for _actor, reason in rows)
