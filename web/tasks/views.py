"""The inbox (my tasks) and the queue (the department's unclaimed tasks); claiming, releasing
and assigning a task (``workflows.services``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.errors import ApplicationError, NotFound, NotPermitted, TransitionNotAllowed
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


def _bulk_context(*groups) -> dict:
    """Whether the page offers bulk claim/assign, and whom a leader may assign to (the members
    the rows already list; ``task_assign`` checks each task again)."""
    rows = [row for group in groups for row in group]
    members = {m.pk: m for row in rows for m in row.assignees}
    possible = any(row.task.status == "NEW" or row.assignees for row in rows)
    return {"bulk_possible": possible, "bulk_members": list(members.values())}


@login_required
def inbox(request):
    rows = task_rows(my_tasks(request.user), request.user, with_assignees=True)
    return render(request, "web/tasks/tasks.html", {"mode": "inbox", "rows": rows, "others": [], **_bulk_context(rows)})


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
    context = {"mode": "queue", "rows": rows, "others": others, "team_work": team_work, **_bulk_context(rows, team_work)}
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


BULK_LIMIT = 100


def _bulk_summary(action: str, done: int, taken: int, refused: int, gone: int) -> tuple[str, bool]:
    parts = []
    if action == "claim":
        parts.append(ngettext("Claimed %(n)d task", "Claimed %(n)d tasks", done) % {"n": done})
    else:
        parts.append(ngettext("Assigned %(n)d task", "Assigned %(n)d tasks", done) % {"n": done})
    if taken:
        parts.append(
            ngettext("%(n)d was already taken by someone else", "%(n)d were already taken by someone else", taken) % {"n": taken}
        )
    if refused:
        parts.append(ngettext("%(n)d you may not take or give", "%(n)d you may not take or give", refused) % {"n": refused})
    if gone:
        parts.append(ngettext("%(n)d no longer exists", "%(n)d no longer exist", gone) % {"n": gone})
    return "; ".join(parts) + ".", not (taken or refused or gone)


@login_required
@require_POST
def task_bulk(request):
    """Claims the selected tasks for oneself, or assigns them to one member of the department.

    Each task goes through the single-task service on its own (``task_claim`` / ``task_assign``:
    the case's row lock, the same permission checks, a case event for the timeline), so a task
    taken by someone else a moment earlier fails alone and the others still go through; the
    summary says how many of each."""
    action = request.POST.get("action")
    if action not in ("claim", "assign"):
        raise Http404
    ids = [int(v) for v in request.POST.getlist("tasks") if v.isdigit()][:BULK_LIMIT]
    to = request.POST.get("to", "")
    done = taken = refused = gone = 0
    errors: list[str] = []
    for task_id in dict.fromkeys(ids):
        try:
            if not task_exists(task_id):
                raise NotFound(_("No such task."))
            if action == "claim":
                task_services.task_claim(task_id=task_id, acting_user=request.user)
            else:
                task_services.task_assign(task_id=task_id, to_username=to, acting_user=request.user)
            done += 1
        except TransitionNotAllowed:
            taken += 1
        except NotPermitted:
            refused += 1
        except NotFound:
            gone += 1
        except ApplicationError as exc:
            detail = exc.detail
            text = "; ".join(str(m) for ms in detail.values() for m in ms) if isinstance(detail, dict) else str(detail)
            if text not in errors:
                errors.append(text)
            refused += 1
    if not ids:
        messages.warning(request, _("Select the tasks first."))
    else:
        text, clean = _bulk_summary(action, done, taken, refused, gone)
        if errors:
            text += " " + " ".join(errors)
        (messages.success if clean else messages.warning)(request, text)
    return redirect(_next_url(request, reverse("web:queue")))
