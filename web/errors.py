"""Zeren's own error pages (issue 16 item 4): 403 and 404 in the officer's language, inside the
site's layout with its navigation and a way back; the API keeps its one JSON error shape.

``config.urls`` names these as ``handler403`` and ``handler404``. 400 and 500 keep Django's
handlers, which render ``400.html`` / ``500.html`` without a request context: those templates are
self-contained (no navigation, no context processor, no database), so they still render when the
failure is the database itself. The templates in ``templates/`` also shadow viewflow's, which
Django would otherwise find first among the apps ("We're sorry…", partly English)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

API_PREFIX = "/api/"
NOT_FOUND = "Not found."
NOT_PERMITTED = "You do not have permission to perform this action."


def back_url(request: HttpRequest) -> str:
    """The page the user came from when it is one of ours (and not this very page), else "" (the
    page then offers the dashboard alone)."""
    referer = request.META.get("HTTP_REFERER", "")
    if (
        referer
        and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}, require_https=request.is_secure())
        and not referer.endswith(request.get_full_path())
    ):
        return referer
    return ""


def _page(request: HttpRequest, status: int, template: str, context: dict) -> HttpResponse:
    return render(request, template, {"status": status, "back": back_url(request), **context}, status=status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"error": "not_found", "detail": _(NOT_FOUND)}, status=404, json_dumps_params={"ensure_ascii": False})
    return _page(request, 404, "404.html", {})


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # The reason a service gave (``run_service`` raises PermissionDenied with it) is for the
    # officer to read; Django's bare PermissionDenied carries none.
    reason = str(exception) if exception is not None and str(exception) else ""
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            {"error": "not_permitted", "detail": reason or _(NOT_PERMITTED)},
            status=403,
            json_dumps_params={"ensure_ascii": False},
        )
    return _page(request, 403, "403.html", {"reason": reason})
