"""viewflow needs a view for every human node; Zeren's task pages live in the web UI, so the
node's own view only sends the user there (the UI fires the step through the services)."""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.views import View

from workflows.selectors import task_url


class TaskRedirectView(View):
    def dispatch(self, request, *args, **kwargs):
        activation = getattr(request, "activation", None)
        task = getattr(activation, "task", None)
        return HttpResponseRedirect(task_url(task) if task is not None else "/")
