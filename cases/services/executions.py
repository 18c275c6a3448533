"""Execution and archive tasks after delivery (PRODUCT §1.4)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, ExecutionTask
from cases.services.common import case_event_record
from core.errors import TransitionNotAllowed
from core.hooks import workflow_event
from core.persistence import lock, save_with_history
from core.typing import Actor
from org.access import require_member_of


@transaction.atomic
def execution_complete(*, task_id: int, acting_user: Actor, note: str = "") -> ExecutionTask:
    """Mark a task done, as a member of the executing department."""
    case_id = ExecutionTask.objects.values_list("case_id", flat=True).get(pk=task_id)
    case = lock(Case, case_id)
    task = lock(ExecutionTask, task_id)
    if task.state != ExecutionTask.State.OPEN:
        raise TransitionNotAllowed(_("This task is %(state)s, not open.") % {"state": task.get_state_display()})
    require_member_of(acting_user, task.department_id)
    task.state = ExecutionTask.State.DONE
    task.completed_by = acting_user
    task.completed_at = timezone.now()
    task.note = (note or "").strip()
    save_with_history(task, acting_user=acting_user, reason="execution complete")
    case_event_record(
        case=case,
        kind="execution_complete",
        acting_user=acting_user,
        from_state=case.state,
        to_state=case.state,
        reason=task.note,
        payload={"execution": task.pk, "kind": task.kind, "department": task.department_id},
    )
    workflow_event("execution_completed", task=task, acting_user=acting_user)
    return task
