"""What a locked-out login gets (django-axes, ``AXES_LOCKOUT_CALLABLE``): the API's error shape
for ``/api/``, the login page's lockout notice for the UI; both 429 with ``Retry-After``."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

LOCKED_OUT = "Too many failed logins for this account from this address; try again in %(minutes)s minutes."


def lockout_response(request, original_response=None, credentials=None):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if request.path.startswith("/api/"):
        response = JsonResponse({"error": "locked_out", "detail": _(LOCKED_OUT) % {"minutes": minutes}}, status=429)
    else:
        response = render(request, "web/locked_out.html", {"cooloff_minutes": minutes, "status": 429, "back": ""}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
