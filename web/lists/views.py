"""Saving and deleting a user's views of a list page (``core.listviews``); applying one is a link
to the list with its query string. A view is the user's own: nobody else reads or deletes it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from core.listviews import saved_view_delete, saved_view_save
from web.common.listing import SPECS


def _spec(request):
    spec = SPECS.get(request.POST.get("list", ""))
    if spec is None:
        raise Http404
    return spec


@login_required
@require_POST
def list_view_save(request):
    spec = _spec(request)
    query = request.POST.get("query", "")
    try:
        view = saved_view_save(
            user=request.user, list_key=spec.key, name=request.POST.get("name", ""), query=query, allowed=spec.saved_params
        )
    except ApplicationError as exc:
        detail = exc.detail
        text = "; ".join(str(m) for ms in detail.values() for m in ms) if isinstance(detail, dict) else str(detail)
        messages.error(request, text)
        url = reverse(spec.url_name)
        return redirect(f"{url}?{query}" if query and len(query) <= 2000 else url)
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    url = reverse(spec.url_name)
    return redirect(f"{url}?{view.query}" if view.query else url)


@login_required
@require_POST
def list_view_delete(request, pk: int):
    spec = _spec(request)
    try:
        view = saved_view_delete(user=request.user, pk=pk)
    except ApplicationError:
        raise Http404 from None
    messages.success(request, _("View “%(name)s” deleted.") % {"name": view.name})
    return redirect(spec.url_name)
