"""The inbox (my tasks) and the queue (the department's unclaimed tasks); claiming, releasing
and assigning a task (``workflows.services``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from org.access import membership_of
from org.codes import Rank
from web.common.pages import task_rows
from web.common.services import FLASH, SHOW, run_service
from workflows import services as task_services
from workflows.selectors import department_tasks_held_by_others, department_team_work, my_tasks, queue, task_exists


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@login_required
def inbox(request):
    rows = task_rows(my_tasks(request.user), request.user, with_assignees=True)
    return render(request, "web/tasks/tasks.html", {"mode": "inbox", "rows": rows, "others": []})


@login_required
def queue_page(request):
    user = request.user
    rows = task_rows(queue(user), user, with_assignees=True)
    membership = membership_of(user)
    others, team_work = [], []
    if membership is not None and membership.rank == Rank.LEADER:
        # Leaders also see who holds the department's taken tasks, to reassign them, and the
        # teams' unclaimed steps (in the members' inboxes, not the queue), to claim or assign them.
        taken = department_tasks_held_by_others(user)
        others = task_rows(taken, user, with_assignees=True)
        team_work = task_rows(department_team_work(user), user, with_assignees=True)
    context = {"mode": "queue", "rows": rows, "others": others, "team_work": team_work}
    return render(request, "web/tasks/tasks.html", context)


def _task_action(request, task_id: int, action, success: str):
    if not task_exists(task_id):
        raise Http404
    run_service(request, action, success=success, denied=SHOW, others=FLASH)
    return redirect(_next_url(request, reverse("web:inbox")))


@login_required
@require_POST
def task_claim(request, task_id: int):
    return _task_action(
        request,
        task_id,
        lambda: task_services.task_claim(task_id=task_id, acting_user=request.user),
        _("The task is now in your inbox."),
    )


@login_required
@require_POST
def task_release(request, task_id: int):
    return _task_action(
        request,
        task_id,
        lambda: task_services.task_release(task_id=task_id, acting_user=request.user),
        _("The task is back in the queue."),
    )


@login_required
@require_POST
def task_assign(request, task_id: int):
    to = request.POST.get("to", "")
    return _task_action(
        request,
        task_id,
        lambda: task_services.task_assign(
            task_id=task_id, to_username=to, acting_user=request.user, reason=request.POST.get("reason", "")
        ),
        _("The task was assigned."),
    )
