"""One error shape for the API: ``{"error": code, "detail": …}`` (STYLE §6).

No stack trace or SQL ever leaves the server: anything unexpected is logged and answered with
a bare 500 ``server_error``.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from core.errors import CONCURRENT_MODIFICATION, ApplicationError, ConcurrentModification, FieldValueError, database_busy

logger = logging.getLogger("zeren.api")

DRF_CODES = {
    exceptions.ValidationError: "invalid",
    exceptions.ParseError: "parse_error",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "not_permitted",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


def _plain(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {k: _plain(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [_plain(v) for v in detail]
    return str(detail)


def error_response(code: str, detail: Any, http_status: int, **extra: Any) -> Response:
    body = {"error": code, "detail": _plain(detail)}
    body.update(extra)
    return Response(body, status=http_status)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    if database_busy(exc):
        logger.warning("SQLite write lock not obtained in %s: answered 409", context.get("view"))
        exc = ConcurrentModification(CONCURRENT_MODIFICATION)
    if isinstance(exc, ApplicationError):
        return error_response(exc.code, exc.detail, exc.status, **exc.extra)
    if isinstance(exc, FieldValueError):
        return error_response("invalid", {exc.field: [exc.message]}, status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        # A service looking up an id the caller sent: the same answer as a missing URL.
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.APIException):
        code = next((c for cls, c in DRF_CODES.items() if isinstance(exc, cls)), "error")
        response = error_response(code, exc.detail, exc.status_code)
        if auth_header := getattr(exc, "auth_header", None):  # NotAuthenticated, AuthenticationFailed
            response["WWW-Authenticate"] = auth_header
        if wait := getattr(exc, "wait", None):  # Throttled
            response["Retry-After"] = str(int(wait))
        return response
    logger.exception("Unhandled error in %s", context.get("view"))
    return error_response("server_error", _("An unexpected error occurred; it has been logged."), 500)
