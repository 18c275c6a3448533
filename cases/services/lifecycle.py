"""The case lifecycle of PRODUCT §1.6: one dispatcher for the API, the UI and the flows.

What the transitions are is the table in ``cases.lifecycle.spec``; what each does is in
``cases.lifecycle.handlers``. Every call runs in one transaction: lock the case, check the state
(409), the right (403), the payload (400) and the preconditions (409), then move the state,
write the rows with history, append the event. Any error raised before the commit leaves
nothing written.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed

from cases.codes import CaseState
from cases.lifecycle.handlers import HANDLERS, open_recommendations
from cases.lifecycle.spec import BY_NAME, Transition
from cases.models import Case
from cases.selectors.transitions import transfer_pending
from core.errors import (
    CONCURRENT_MODIFICATION,
    PROPOSER_CANNOT_APPROVE,
    TRANSITION_NOT_ALLOWED,
    UNKNOWN_TRANSITION,
    ConcurrentModification,
    NotPermitted,
    PreconditionFailed,
    TransitionNotAllowed,
    field_error,
)
from core.hooks import workflow_event
from core.persistence import lock
from core.typing import Actor
from org.access import membership_of, require_member_of

DECIDING_TRANSITIONS = frozenset({"approve", "reject"})

# Transitions by name, in the order of the spec (the order buttons and choices are listed in).
TRANSITIONS: dict[str, Transition] = BY_NAME

TRANSFER_PENDING = gettext_lazy(
    "A transfer of this case is waiting for the receiving department; it must be accepted or returned first."
)


def _check_state(case: Case, name: str) -> None:
    method = getattr(case, name)
    if not can_proceed(method, check_conditions=False):
        raise TransitionNotAllowed(
            TRANSITION_NOT_ALLOWED % {"name": name, "state": CaseState(case.state).label},
            extra={"state": case.state},
        )


ORGANS_DECIDING = gettext_lazy("The discipline organ has decided its part; the case waits for the decision of: %(organs)s.")


def _authorize(case: Case, row: Transition, user: Actor) -> None:
    if row.name in DECIDING_TRANSITIONS and case.state == CaseState.APPROVING:
        _authorize_decision(case, row, user)
        return
    # By the owner's id: the department row itself is not needed to decide (one query less).
    require_member_of(user, case.owner_department_id, leader=row.leader_only)
    if row.four_eyes and case.proposed_by_id == user.pk:
        raise NotPermitted(PROPOSER_CANNOT_APPROVE)


def _authorize_decision(case: Case, row: Transition, user: Actor) -> None:
    """``approve``/``reject`` (issue 14): a leader of the owner until it has decided its part,
    then a leader of each organ with an open 问责建议."""
    membership = membership_of(user)
    waiting = list(open_recommendations(case).select_related("to_department"))
    if membership is not None and membership.department_id != case.owner_department_id:
        if any(r.to_department_id == membership.department_id for r in waiting):
            require_member_of(user, membership.department_id, leader=True)
            return
    require_member_of(user, case.owner_department_id, leader=row.leader_only)
    if row.four_eyes and case.proposed_by_id == user.pk:
        raise NotPermitted(PROPOSER_CANNOT_APPROVE)
    if case.approved_by_id is not None:
        raise PreconditionFailed(ORGANS_DECIDING % {"organs": "、".join(r.to_department.name for r in waiting)})


@transaction.atomic
def case_transition(
    *, case_id: int, name: str, payload: dict[str, Any] | None, acting_user: Actor, expected_version: int | None = None
) -> Case:
    """Fire transition ``name`` on a case: the one code path for the API, the UI and the flows.

    With ``expected_version`` (the version the caller saw), a case changed in between answers
    409 ``concurrent_modification`` even if the transition would still be allowed.
    """
    row = TRANSITIONS.get(name) if isinstance(name, str) else None
    if row is None:
        raise field_error("name", UNKNOWN_TRANSITION % {"name": name})
    case = lock(Case, case_id)
    if expected_version is not None and case.version != expected_version:
        raise ConcurrentModification(CONCURRENT_MODIFICATION, extra={"version": case.version, "state": case.state})
    _check_state(case, name)
    _authorize(case, row, acting_user)
    if row.blocked_by_pending_transfer and transfer_pending(case):
        # Until the target accepts or returns it, the case belongs to neither side to move.
        raise PreconditionFailed(TRANSFER_PENDING)
    payload = dict(payload or {})
    row.Input.reject_unknown(payload)
    result = HANDLERS[name](case, acting_user, payload, row)
    workflow_event("case_transition", case=result, name=name, acting_user=acting_user)
    return result
