"""The inbox (my tasks) and the queue (my department's unclaimed tasks), as indexed reads; one
task as the API shows it and the numbers of the cases tasks belong to."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import BigIntegerField, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cases.models import Case
from core.typing import AnyUser
from org.access import membership_of
from org.codes import Rank

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def _human(qs: QuerySet[Task]) -> QuerySet[Task]:
    return qs.filter(flow_task_type="HUMAN").select_related("process", "owner")


def _team_cases(user: AnyUser) -> QuerySet[Any, dict[str, Any]]:
    """The ids of the cases whose investigation team the user is on (a subquery)."""
    links: QuerySet[Any, dict[str, Any]] = Case.team.through.objects.filter(user_id=user.pk).values("case_id")
    return links


def my_tasks(user: AnyUser) -> QuerySet[Task]:
    """Tasks assigned to the user and not yet done, and the unclaimed team work of the cases whose
    team the user is on (``workflows.teams``), oldest first.

    The two parts are read apart and joined by a UNION of task ids, so each keeps its own partial
    index (an OR of the two would read every open task)."""
    owned = Task.objects.filter(owner=user, status__in=(STATUS.ASSIGNED, STATUS.STARTED), flow_task_type="HUMAN")
    membership = membership_of(user)
    if membership is None:
        return _human(owned).order_by("created", "pk")
    # Team work sits in the team's department (narrowed by its index) on one of the user's cases.
    team = (
        Task.objects.filter(status=STATUS.NEW, flow_task_type="HUMAN", data__department=membership.department_id, data__team=True)
        .annotate(team_case=Cast(KeyTextTransform("case", "data"), BigIntegerField()))
        .filter(team_case__in=_team_cases(user))
    )
    if connection.features.supports_slicing_ordering_in_compound:
        # Each part read in its index's order (PostgreSQL), so the planner takes that index.
        owned, team = owned.order_by("created", "pk"), team.order_by("created", "pk")
    else:  # SQLite allows no ORDER BY inside a UNION
        owned, team = owned.order_by(), team.order_by()
    ids = owned.values("pk").union(team.values("pk"))
    return _human(Task.objects.filter(pk__in=ids)).order_by("created", "pk")


def queue(user: AnyUser) -> QuerySet[Task]:
    """Unclaimed tasks of the user's department that the user's rank may take; a case team's work
    is in its members' inboxes instead (``workflows.teams``)."""
    membership = membership_of(user)
    if membership is None:
        none: QuerySet[Task] = Task.objects.none()
        return none
    qs = Task.objects.filter(status=STATUS.NEW, data__department=membership.department_id).exclude(data__has_key="team")
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


def of_case(tasks: QuerySet[Task], case_id: int) -> QuerySet[Task]:
    """These tasks narrowed to one case's, read as ``task_case_id`` reads it: the case on the
    task, else (the task names none) the case on its process."""
    on_process = Q(process__data__case=case_id) & (~Q(data__has_key="case") | Q(data__case=None))
    return tasks.filter(Q(data__case=case_id) | on_process)


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


def case_teams(case_ids: Iterable[int | None]) -> dict[int, list[Any]]:
    """The investigation team of each case, by case id (one query)."""
    ids = set(case_ids) - {None}
    teams: dict[int, list[Any]] = {}
    if not ids:
        return teams
    links = Case.team.through.objects.filter(case_id__in=ids).select_related("user").order_by("user__username")
    for link in links:
        teams.setdefault(link.case_id, []).append(link.user)
    return teams


def team_cases_among(user: AnyUser, case_ids: Iterable[int | None]) -> set[int]:
    """Which of these cases the user is on the team of (one query)."""
    ids = set(case_ids) - {None}
    if not ids:
        return set()
    return set(_team_cases(user).filter(case_id__in=ids).values_list("case_id", flat=True))


def may_claim(user: AnyUser, task: Task, on_team: bool) -> bool:
    """Whether ``task_claim`` would let the user take the task (no query: ``on_team`` is read
    with ``team_cases_among``)."""
    membership = membership_of(user)
    if task.status != STATUS.NEW or membership is None or membership.department_id != task.data.get("department"):
        return False
    leader = membership.rank == Rank.LEADER
    if task.data.get("rank") == "leader" and not leader:
        return False
    return leader or on_team or not is_team_task(task)


def is_team_task(task: Task) -> bool:
    return bool(task.data.get("team"))


def department_team_work(user: AnyUser) -> QuerySet[Task]:
    """The department's unclaimed team steps (``workflows.teams``): not in its queue, so a leader
    sees them apart, to claim or assign them."""
    return department_tasks(user).filter(status=STATUS.NEW, data__has_key="team")


def task_exists(task_id: int) -> bool:
    return bool(Task.objects.filter(pk=task_id).exists())  # viewflow ships no types
