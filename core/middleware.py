"""Bad input answered as the client's fault, never a 500 (issue 15, item 7).

Before any view runs, a request is refused when

- its body is larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (413);
- a query parameter, a form field or a string anywhere in a JSON body holds a NUL character or
  a lone surrogate, or is not UTF-8 (400);
- its form cannot be parsed (too many fields or files, a broken multipart body: 400).

The API answers with its one error shape (``core.api.errors``); pages with a short error page.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.inputs import bad_json, bad_urlencoded, unstorable

API_PREFIX = "/api/"


def _refuse(request: HttpRequest, status: int, code: str, detail: str) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"error": code, "detail": detail}, status=status, json_dumps_params={"ensure_ascii": False})
    return render(request, "web/bad_input.html", {"status": status, "detail": detail}, status=status)


class BadInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = self._check(request)
        if refused is not None:
            return refused
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        invalid = _("The request holds a NUL character or text that is not valid UTF-8.")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            return self._too_big(request)
        if bad_urlencoded(request.META.get("QUERY_STRING", "")) or unstorable(request.path):
            return _refuse(request, 400, "invalid", invalid)
        if not length:
            return None
        content_type = request.content_type or ""
        try:
            if content_type == "application/x-www-form-urlencoded":
                if bad_urlencoded(request.body):
                    return _refuse(request, 400, "invalid", invalid)
            elif content_type == "multipart/form-data":
                if any(unstorable(k) or unstorable(v) for k, values in request.POST.lists() for v in values):
                    return _refuse(request, 400, "invalid", invalid)
            elif content_type == "application/json" or content_type.endswith("+json"):
                try:
                    text = request.body.decode("utf-8")
                except UnicodeDecodeError:
                    return _refuse(request, 400, "parse_error", invalid)
                try:
                    document = json.loads(text)
                except ValueError:
                    return None  # the parser answers a malformed document with its own 400
                if bad_json(document):
                    return _refuse(request, 400, "invalid", invalid)
        except RequestDataTooBig:
            return self._too_big(request)
        except (SuspiciousOperation, MultiPartParserError):
            # Too many fields or files, a broken multipart body.
            return _refuse(request, 400, "invalid", _("The form could not be read: too many fields or files, or a broken body."))
        return None

    def _too_big(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        detail = _("The request body is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)}
        return _refuse(request, 413, "request_too_large", detail)
