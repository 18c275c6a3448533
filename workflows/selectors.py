"""The inbox (my tasks) and the queue (my department's unclaimed tasks), as indexed reads; one
task as the API shows it and the numbers of the cases tasks belong to."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cases.models import Case
from core.typing import AnyUser
from org.access import membership_of
from org.codes import Rank

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def _human(qs: QuerySet[Task]) -> QuerySet[Task]:
    return qs.filter(flow_task_type="HUMAN").select_related("process", "owner")


def my_tasks(user: AnyUser) -> QuerySet[Task]:
    """Tasks assigned to the user and not yet done, oldest first."""
    return _human(Task.objects.filter(owner=user, status__in=(STATUS.ASSIGNED, STATUS.STARTED))).order_by("created", "pk")


def queue(user: AnyUser) -> QuerySet[Task]:
    """Unclaimed tasks of the user's department that the user's rank may take."""
    membership = membership_of(user)
    if membership is None:
        none: QuerySet[Task] = Task.objects.none()
        return none
    qs = Task.objects.filter(status=STATUS.NEW, data__department=membership.department_id)
    if membership.rank != Rank.LEADER:
        qs = qs.exclude(data__rank="leader")
    return _human(qs).order_by("created", "pk")


def department_tasks(user: AnyUser) -> QuerySet[Task]:
    """Every open task of the user's department (for leaders assigning work)."""
    membership = membership_of(user)
    if membership is None:
        none: QuerySet[Task] = Task.objects.none()
        return none
    return _human(Task.objects.filter(status__in=OPEN, data__department=membership.department_id)).order_by("created", "pk")


def case_tasks(case_id: int) -> QuerySet[Task]:
    return _human(Task.objects.filter(data__case=case_id)).order_by("created", "pk")


def task_url(task: Task) -> str:
    """Where a task is done in the UI: its case page (or the referral or appeal on it)."""
    case_id = task_case_id(task)
    return f"/cases/{case_id}/" if case_id else "/"


def task_by_id(pk: int) -> Task:
    """One task with its process and owner (``Task.DoesNotExist`` when there is none)."""
    return Task.objects.select_related("process", "owner").get(pk=pk)


def task_case_id(task: Task) -> int | None:
    """The case a task belongs to: on the task, else on its process."""
    case_id: int | None = task.data.get("case") or task.process.data.get("case")
    return case_id


def case_numbers(tasks: Iterable[Task]) -> dict[int, str]:
    """The number of the case of each task, by case id (one query)."""
    ids = {task_case_id(t) for t in tasks} - {None}
    return dict(Case.objects.filter(pk__in=ids).values_list("pk", "number"))


# --- for the web pages (web.tasks) ----------------------------------------------------------------


def department_tasks_held_by_others(user: AnyUser) -> QuerySet[Task]:
    """The department's open tasks someone other than the user has taken (a leader reassigns them)."""
    return department_tasks(user).exclude(status=STATUS.NEW).exclude(owner=user)


def task_exists(task_id: int) -> bool:
    return bool(Task.objects.filter(pk=task_id).exists())  # viewflow ships no types
