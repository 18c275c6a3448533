"""Claiming and assigning tasks. Who assigned what to whom is a case event (the timeline)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cases.models import Case
from cases.services.common import case_event_record
from core.errors import NotPermitted, TransitionNotAllowed, field_error
from core.persistence import lock
from org.access import membership_of, require_membership
from org.codes import Rank


def _task_for_update(task_id: int) -> tuple[Task, Case | None]:
    task = Task.objects.select_related("process").get(pk=task_id)
    case_id = task.data.get("case")
    case = lock(Case, case_id) if case_id else None  # the case lock serializes all work on it
    task.refresh_from_db()
    return task, case


def _may_take(user, task: Task) -> None:
    membership = require_membership(user)
    if membership.department_id != task.data.get("department"):
        raise NotPermitted(_("This task belongs to another department."))
    if task.data.get("rank") == "leader" and membership.rank != Rank.LEADER:
        raise NotPermitted(_("Only a leader may take this task."))


def _on_team_or_leader(user, task: Task, case: Case) -> None:
    """A team's task (``workflows.teams``) is claimed by a member of the case's team, or by a
    leader of its department (who may also give it to anyone there, as for any task)."""
    membership = require_membership(user)
    if membership.rank == Rank.LEADER and membership.department_id == task.data.get("department"):
        return
    if not case.team.filter(pk=user.pk).exists():
        raise NotPermitted(_("This task is the investigation team's: only a member of the team may claim it."))


def _record(case, kind, user, payload, reason="") -> None:
    if case is not None:
        case_event_record(
            case=case, kind=kind, acting_user=user, from_state=case.state, to_state=case.state, reason=reason, payload=payload
        )


@transaction.atomic
def task_claim(*, task_id: int, acting_user) -> Task:
    task, case = _task_for_update(task_id)
    if task.status != STATUS.NEW:
        raise TransitionNotAllowed(_("This task is already taken."))
    _may_take(acting_user, task)
    if task.data.get("team") and case is not None:
        _on_team_or_leader(acting_user, task, case)
    with task.activation() as activation:
        activation.assign(acting_user)
    _record(case, "task_claimed", acting_user, {"task": task.pk, "node": task.flow_task.name, "to": acting_user.username})
    return task


@transaction.atomic
def task_assign(*, task_id: int, to_username: str, acting_user, reason: str = "") -> Task:
    """A leader gives a task (new or already taken) to a member of the task's department."""
    task, case = _task_for_update(task_id)
    membership = require_membership(acting_user)
    if membership.rank != Rank.LEADER or membership.department_id != task.data.get("department"):
        raise NotPermitted(_("Only a leader of the task's department may assign it."))
    if task.status not in (STATUS.NEW, STATUS.ASSIGNED):
        raise TransitionNotAllowed(_("This task can no longer be assigned."))
    target = get_user_model().objects.filter(username=to_username, is_active=True).first()
    if target is None:
        raise field_error("to", _("No active user “%(u)s”.") % {"u": to_username})
    _may_take(target, task)
    previous = task.owner.username if task.owner_id else None
    with task.activation() as activation:
        if task.status == STATUS.NEW:
            activation.assign(target)
        else:
            activation.reassign(target)
    _record(
        case,
        "task_reassigned" if previous else "task_assigned",
        acting_user,
        {"task": task.pk, "node": task.flow_task.name, "from": previous, "to": target.username},
        reason,
    )
    return task


@transaction.atomic
def task_release(*, task_id: int, acting_user) -> Task:
    """The owner gives a task back to the department's queue."""
    task, case = _task_for_update(task_id)
    membership = membership_of(acting_user)
    is_leader = (
        membership is not None and membership.rank == Rank.LEADER and membership.department_id == task.data.get("department")
    )
    if task.status != STATUS.ASSIGNED or (task.owner_id != acting_user.pk and not is_leader):
        raise NotPermitted(_("Only the owner or a leader may release this task."))
    previous = task.owner.username
    with task.activation() as activation:
        activation.unassign()
    _record(case, "task_released", acting_user, {"task": task.pk, "node": task.flow_task.name, "from": previous})
    return task
