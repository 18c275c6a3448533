"""Appeals (申诉) against measures: filed within the window after delivery, decided by a leader
of the deciding department; execution is not suspended (domain-facts §1.7)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.codes import CaseState
from cases.lifecycle.measures import create_execution_tasks, validate_measures
from cases.models import Appeal, Case, CaseSubject, ExecutionTask, MeasureDecision
from cases.selectors.deadlines import deadline_after
from cases.services.common import case_event_record
from core.errors import PreconditionFailed, TransitionNotAllowed, field_error
from core.hooks import workflow_event
from core.persistence import local_today, lock, save_with_history
from core.typing import Actor
from org.access import require_member_of


@transaction.atomic
def appeal_file(*, case_id: int, subject_id: int, filed_on: dt.date, grounds: str, acting_user: Actor) -> Appeal:
    """Record an appeal received by the deciding department, on behalf of the subject."""
    case = lock(Case, case_id)
    require_member_of(acting_user, case.owner_department_id)
    if case.state != CaseState.EXECUTING:
        raise PreconditionFailed(_("Appeals are filed against a delivered decision while it is executed."))
    subject = CaseSubject.objects.filter(case=case, pk=subject_id).first()
    if subject is None:
        raise field_error("subject", _("Not a subject of this case."))
    if not MeasureDecision.objects.filter(subject=subject, state=MeasureDecision.State.DECIDED).exists():
        raise field_error("subject", _("This subject has no decided measure to appeal against."))
    grounds = (grounds or "").strip()
    if not grounds:
        raise field_error("grounds", _("State the grounds of the appeal."))
    if filed_on < case.delivered_on:
        raise field_error("filed_on", _("An appeal cannot be filed before the decision was delivered."))
    if filed_on > local_today():
        raise field_error("filed_on", _("The filing date cannot be in the future."))
    window_end = deadline_after("appeal_window", case.delivered_on, department=case.owner_department_id)
    if filed_on > window_end:
        raise field_error("filed_on", _("The appeal window ended on %(d)s.") % {"d": window_end.isoformat()})
    if Appeal.objects.filter(subject=subject, state=Appeal.State.FILED).exists():
        raise PreconditionFailed(_("An appeal of this subject is already pending."))
    appeal = Appeal(
        case=case,
        subject=subject,
        filed_on=filed_on,
        grounds=grounds,
        deciding_department=case.owner_department,
        recorded_by=acting_user,
    )
    save_with_history(appeal, acting_user=acting_user, reason="appeal filed")
    case_event_record(
        case=case,
        kind="appeal_filed",
        acting_user=acting_user,
        from_state=case.state,
        to_state=case.state,
        reason=grounds,
        payload={"appeal": appeal.pk, "subject": subject.pk, "filed_on": filed_on.isoformat()},
    )
    workflow_event("appeal_filed", appeal=appeal, acting_user=acting_user)
    return appeal


@transaction.atomic
def appeal_decide(
    *, appeal_id: int, outcome: str, reason: str, acting_user: Actor, measures: list[dict[str, Any]] | None = None
) -> Appeal:
    """Uphold, or revise: the new measures replace the subject's decided ones, whose open
    execution tasks are cancelled and replaced."""
    case_id = Appeal.objects.values_list("case_id", flat=True).get(pk=appeal_id)
    case = lock(Case, case_id)
    appeal = lock(Appeal, appeal_id)
    if appeal.state != Appeal.State.FILED:
        raise TransitionNotAllowed(_("This appeal was already decided."))
    require_member_of(acting_user, appeal.deciding_department_id, leader=True)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("Give the reasons for the decision."))
    payload: dict[str, Any] = {"appeal": appeal.pk, "outcome": outcome}
    if outcome == "revised":
        chosen = validate_measures(case, measures, only_subject=appeal.subject)
        today = local_today()
        for row in MeasureDecision.objects.filter(subject=appeal.subject, state=MeasureDecision.State.DECIDED):
            row.state = MeasureDecision.State.REVOKED
            save_with_history(row, acting_user=acting_user, reason="appeal revised")
            for task in row.executions.filter(state=ExecutionTask.State.OPEN):
                task.state = ExecutionTask.State.CANCELLED
                save_with_history(task, acting_user=acting_user, reason="appeal revised")
        new_rows = []
        for subject, measure, kind in chosen:
            row = MeasureDecision(
                subject=subject,
                measure=measure,
                sanction_kind=kind,
                state=MeasureDecision.State.DECIDED,
                proposed_by=acting_user,
                decided_on=today,
            )
            save_with_history(row, acting_user=acting_user, reason="appeal revised")
            new_rows.append(row)
        tasks = create_execution_tasks(case, new_rows, acting_user, reason="appeal revised")
        payload["measures"] = [{"id": r.pk, "measure": r.measure, "sanction_kind": r.sanction_kind} for r in new_rows]
        payload["executions"] = [t.pk for t in tasks]
        appeal.state = Appeal.State.REVISED
    elif outcome == "upheld":
        appeal.state = Appeal.State.UPHELD
    else:
        raise field_error("outcome", _("Expected upheld or revised."))
    appeal.decision_reason = reason
    appeal.decided_by = acting_user
    appeal.decided_at = timezone.now()
    save_with_history(appeal, acting_user=acting_user, reason=f"appeal {outcome}")
    case_event_record(
        case=case,
        kind=f"appeal_{outcome}",
        acting_user=acting_user,
        from_state=case.state,
        to_state=case.state,
        reason=reason,
        payload=payload,
    )
    workflow_event("appeal_decided", appeal=appeal, acting_user=acting_user)
    return appeal
