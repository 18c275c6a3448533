"""Completing an execution task from the case page (the executing department)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.selectors import FULL, case_access
from cases.selectors.pages import execution_tasks_with_case
from cases.services import executions as execution_services
from web.common.services import FLASH, SHOW, run_service


@login_required
@require_POST
def execution_complete(request, task_id: int):
    task = get_object_or_404(execution_tasks_with_case(), pk=task_id)
    case_url = reverse("web:case_detail", args=[task.case_id])
    if case_access(task.case, request.user) != FULL:
        raise Http404
    run_service(
        request,
        lambda: execution_services.execution_complete(
            task_id=task.pk, acting_user=request.user, note=request.POST.get("note", "")
        ),
        success=_("The task is done."),
        denied=SHOW,
        others=FLASH,
    )
    return redirect(case_url + "#executions")
