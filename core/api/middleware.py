"""Every answer under ``/api/`` that is an error keeps the one error shape (issue 15, item 1).

DRF's exception handler shapes what views raise; a few errors arise before or beside any view:
a URL the resolver does not match (``/api/v1/cases/-1/`` is not ``<int:pk>``), Django's CSRF
refusal, a method a plain Django view does not answer, an unhandled error outside DRF. Those
come back as HTML pages. This middleware, outermost but for the security headers, turns any
non-JSON error under ``/api/`` into ``{"error": code, "detail": message}`` with the same status,
so a client generated from the schema never meets a body its schema does not describe.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"

CODES: dict[int, str] = {
    400: "invalid",
    401: "not_authenticated",
    403: "not_permitted",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "request_too_large",
    415: "unsupported_media_type",
    429: "throttled",
}


def _detail(status: int) -> str:
    messages = {
        400: _("The request could not be read."),
        403: _("You have no right to this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        413: _("The request body is too large."),
    }
    return messages.get(
        status, _("The request was refused.") if status < 500 else _("An unexpected error occurred; it has been logged.")
    )


class ApiErrorShapeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or not request.path.startswith(API_PREFIX):
            return response
        content_type = response.get("Content-Type", "")
        if "json" in content_type:
            return response
        status = response.status_code
        code = CODES.get(status, "server_error" if status >= 500 else "error")
        shaped = JsonResponse(
            {"error": code, "detail": _detail(status)}, status=status, json_dumps_params={"ensure_ascii": False}
        )
        for header in ("Allow", "WWW-Authenticate", "Retry-After", "Vary", "Content-Language"):
            if header in response:
                shaped[header] = response[header]
        return shaped
