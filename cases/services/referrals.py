"""Referrals between departments (Art. 27, 32, 34; PRODUCT §5): sent → acknowledged → accepted | returned."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.codes import CaseState
from cases.models import Case, CaseSubject, Referral
from cases.search import case_search_departments
from cases.selectors.deadlines import deadline_after
from cases.services.common import case_event_record
from core.errors import NotPermitted, PreconditionFailed, TransitionNotAllowed, field_error
from core.hooks import workflow_event
from core.persistence import lock, save_with_history
from core.typing import Actor
from org.access import require_member_of
from org.models import Department

OPEN_REFERRAL_STATES = (Referral.State.SENT, Referral.State.ACKNOWLEDGED)

# Accepting a crime referral is the receiving organ's decision to open its own proceeding, and
# returning it is the decision not to: a leader's, never the member who sent it. 《监察法》（2024）
# 第四十二条: "监察机关主要负责人依法批准立案" (docs/investigation.md); 《公安机关办理刑事案件程序规定》
# 第一百七十八条: 予以立案 or 不予立案 "经县级以上公安机关负责人批准" (docs/referrals.md).
CRIME_DECISION_LEADER_ONLY = gettext_lazy(
    "Only a leader of the receiving organ may accept or return a crime referral: accepting it opens the organ's own "
    "proceeding (立案), returning it decides not to (监察法第四十二条; 公安机关办理刑事案件程序规定第一百七十八条)."
)
CRIME_DECISION_NOT_BY_SENDER = gettext_lazy(
    "The crime referral was sent by you; another leader of the receiving organ must accept or return it."
)

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
    if referral.kind == Referral.Kind.CRIME and move != "acknowledge":
        require_member_of(acting_user, referral.to_department_id, leader=True)
        if referral.created_by_id == acting_user.pk:
            raise NotPermitted(CRIME_DECISION_NOT_BY_SENDER)
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
        case_search_departments(case.pk)  # the search row's copies of the departments (cases.search)
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


def referral_send(
    *,
    case: Case,
    kind: str,
    to_department: Department,
    reason: str,
    acting_user: Actor,
    event_kind: str,
    subject: CaseSubject | None = None,
    crime: str = "",
    materials: list[dict[str, Any]] | None = None,
    event_payload: dict[str, Any] | None = None,
) -> Referral:
    """Write one referral with its acknowledgement limit, the case event that tells the receiving
    department, and start its flow. The caller holds the case's lock inside its transaction."""
    now = timezone.now()
    referral = Referral(
        case=case,
        kind=kind,
        subject=subject,
        crime=crime,
        from_department=case.owner_department,
        to_department=to_department,
        reason=reason,
        materials=materials or [],
        created_by=acting_user,
        created_at=now,
        acknowledge_by=deadline_after("referral_acknowledgement", now, department=case.owner_department_id),
    )
    save_with_history(referral, acting_user=acting_user, reason=f"{kind} referral")
    payload: dict[str, Any] = {"referral": referral.pk, "to_department": to_department.pk}
    if subject is not None:
        payload["subject"] = subject.pk
    case_event_record(
        case=case,
        kind=event_kind,
        acting_user=acting_user,
        from_state=case.state,
        to_state=case.state,
        reason=reason,
        payload={**payload, **(event_payload or {})},
    )
    workflow_event("referral_created", referral=referral, acting_user=acting_user)
    return referral


def case_materials(case: Case, subject: CaseSubject) -> list[dict[str, Any]]:
    """The materials that travel with a lifelong (Art. 32) or crime (Art. 27) referral: the case
    file, the subject and the facts, the findings, the assessments, the measures and the log."""
    items: list[dict[str, Any]] = [{"kind": "case_file", "ref": case.number, "title": case.title, "state": case.state}]
    post = subject.post
    items.append(
        {
            "kind": "subject",
            "ref": subject.pk,
            "cadre": subject.cadre_id,
            "title": f"{subject.cadre.name}（{post.title}）" if post is not None else subject.cadre.name,
        }
    )
    items.append({"kind": "facts", "text": case.facts})
    finding = getattr(subject, "finding", None) if hasattr(subject, "finding") else None
    if finding is not None:
        items.append({"kind": "findings", "ref": subject.pk, "conduct_date": finding.conduct_date.isoformat()})
    for assessment in subject.assessments.all():
        items.append({"kind": "assessment", "ref": assessment.pk, "policy_version": assessment.policy_version})
    for measure in subject.measures.all():
        items.append({"kind": "measure", "ref": measure.pk, "measure": measure.measure, "state": measure.state})
    items.append({"kind": "events", "count": case.events.count()})
    return items
