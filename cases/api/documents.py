"""The decision document of a case over HTTP (PRODUCT §9): ``decision.pdf`` and ``decision.docx``.

Only users with full access to the case get it; anyone else gets the same 404 as for a case
they cannot see. Before the measures are decided there is no document: 409 precondition_failed.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from cases.documents import decision_docx, decision_pdf, document_filename
from cases.models import Case
from cases.selectors import FULL, case_access, case_or_none
from core.errors import NOT_FOUND, NotFound

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_ERROR = inline_serializer("DocumentError", {"error": serializers.CharField(), "detail": serializers.CharField()})
_ERRORS = {
    401: OpenApiResponse(_ERROR, description="Not authenticated."),
    404: OpenApiResponse(_ERROR, description="No such case, or no full access to it."),
    409: OpenApiResponse(_ERROR, description="precondition_failed: the measures are not decided yet."),
}


def content_disposition(filename: str, *, fallback: str, inline: bool) -> str:
    """An ASCII ``filename`` for old clients plus the UTF-8 ``filename*`` of RFC 5987 / RFC 6266."""
    kind = "inline" if inline else "attachment"
    plain = fallback.encode("ascii", "ignore").decode().replace('"', "").replace("\\", "") or "document"
    return f"{kind}; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


class _DecisionDocumentView(APIView):
    """Errors are JSON whatever the client accepts; the document itself is a plain response."""

    renderer_classes = [JSONRenderer]
    content_type = ""
    extension = ""
    inline = False

    def perform_content_negotiation(self, request, force=False):
        # ``Accept: application/pdf`` must not end in 406: the body is not rendered by DRF.
        return super().perform_content_negotiation(request, force=True)

    # Each concrete view names its renderer (``render = staticmethod(decision_pdf)``); the base
    # class is never routed.
    render: Callable[[Case], bytes]

    def get(self, request, pk: int):
        case = case_or_none(pk)
        if case is None or case_access(case, request.user) != FULL:
            raise NotFound(NOT_FOUND)
        body = self.render(case)
        response = HttpResponse(body, content_type=self.content_type)
        response["Content-Disposition"] = content_disposition(
            document_filename(case, self.extension), fallback=f"{case.number}-decision.{self.extension}", inline=self.inline
        )
        response["Content-Length"] = str(len(body))
        # A decision names people and sanctions: never keep it in a shared cache.
        response["Cache-Control"] = "private, no-store"
        return response


class DecisionPdfView(_DecisionDocumentView):
    content_type = PDF
    extension = "pdf"
    inline = True

    @extend_schema(
        operation_id="cases_decision_pdf",
        summary="问责决定书 (PDF)",
        responses={(200, PDF): OpenApiResponse(OpenApiTypes.BINARY, description="The decision document, A4 PDF."), **_ERRORS},
    )
    def get(self, request, pk: int):
        return super().get(request, pk)

    render = staticmethod(decision_pdf)


class DecisionDocxView(_DecisionDocumentView):
    content_type = DOCX
    extension = "docx"

    @extend_schema(
        operation_id="cases_decision_docx",
        summary="问责决定书 (DOCX)",
        responses={(200, DOCX): OpenApiResponse(OpenApiTypes.BINARY, description="The decision document, Word."), **_ERRORS},
    )
    def get(self, request, pk: int):
        return super().get(request, pk)

    render = staticmethod(decision_docx)
