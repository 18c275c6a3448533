"""The decision document of a case over HTTP (PRODUCT §9): ``decision.pdf`` and ``decision.docx``.

Only users with full access to the case get it; anyone else gets the same 404 as for a case
they cannot see. Before the measures are decided there is no document: 409 precondition_failed.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.codes import DECIDED_STATES
from cases.documents import decision_docx, decision_pdf, document_filename, document_spec, documents_of
from cases.models import Case
from cases.selectors import FULL, case_access, case_or_none
from cases.selectors.issuance import confirmation, documents_confirmed, issuance_checklist
from cases.services.issuance import documents_confirm
from core.errors import NOT_FOUND, NotFound, PreconditionFailed, field_error
from core.inputs import CODE_MAX_LENGTH, TEXT_MAX_LENGTH, too_long

NOT_CONFIRMED = gettext_lazy(
    "Confirm the unverified defaults this decision relied on before issuing its documents "
    "(GET …/documents/ lists them; POST …/documents/confirm/)."
)

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_ERROR = inline_serializer("DocumentError", {"error": serializers.CharField(), "detail": serializers.CharField()})
_ERRORS = {
    401: OpenApiResponse(_ERROR, description="Not authenticated."),
    404: OpenApiResponse(_ERROR, description="No such case, or no full access to it."),
    409: OpenApiResponse(
        _ERROR, description="precondition_failed: the measures are not decided yet, or the unverified defaults are not confirmed."
    ),
}


def content_disposition(filename: str, *, fallback: str, inline: bool) -> str:
    """An ASCII ``filename`` for old clients plus the UTF-8 ``filename*`` of RFC 5987 / RFC 6266."""
    kind = "inline" if inline else "attachment"
    plain = fallback.encode("ascii", "ignore").decode().replace('"', "").replace("\\", "") or "document"
    return f"{kind}; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


DOCUMENT_PARAM = OpenApiParameter(
    "document",
    str,
    description="Which document: decision-<department id> or recommendation-<department id> (default: the owner's decision).",
)


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
    render: Callable[[Case, str | None], bytes]

    def get(self, request, pk: int):
        case = case_or_none(pk)
        if case is None or case_access(case, request.user) != FULL:
            raise NotFound(NOT_FOUND)
        key = request.query_params.get("document") or None
        if case.state in DECIDED_STATES:
            try:
                document_spec(case, key)
            except LookupError:
                raise NotFound(NOT_FOUND) from None
            if not documents_confirmed(case):
                raise PreconditionFailed(NOT_CONFIRMED)
        body = self.render(case, key)
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
        parameters=[DOCUMENT_PARAM],
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
        parameters=[DOCUMENT_PARAM],
        responses={(200, DOCX): OpenApiResponse(OpenApiTypes.BINARY, description="The decision document, Word."), **_ERRORS},
    )
    def get(self, request, pk: int):
        return super().get(request, pk)

    render = staticmethod(decision_docx)


class DocumentsView(APIView):
    """The documents of a decided case, one per deciding organ (issue 14 item 6), and the
    checklist of unverified defaults to confirm before issuing them."""

    @extend_schema(
        operation_id="cases_documents",
        responses={
            200: inline_serializer(
                "CaseDocuments",
                {
                    "documents": serializers.ListField(child=serializers.DictField()),
                    "checklist": serializers.ListField(child=serializers.DictField()),
                    "digest": serializers.CharField(),
                    "confirmed": serializers.BooleanField(),
                    "confirmed_by": serializers.IntegerField(allow_null=True),
                    "confirmed_at": serializers.DateTimeField(allow_null=True),
                },
            ),
            **_ERRORS,
        },
    )
    def get(self, request, pk: int):
        case = case_or_none(pk)
        if case is None or case_access(case, request.user) != FULL:
            raise NotFound(NOT_FOUND)
        if case.state not in DECIDED_STATES:
            raise PreconditionFailed(_("The documents exist only once the measures are decided."))
        checklist = issuance_checklist(case)
        confirmed = documents_confirmed(case, checklist)
        event = confirmation(case) if confirmed and checklist["items"] else None
        base = f"/api/v1/cases/{case.pk}"
        documents = [
            {
                "key": spec.key,
                "kind": spec.kind,
                "title": spec.title,
                "organ": {"id": spec.organ_id, "name": spec.organ_name},
                "pdf": f"{base}/decision.pdf?document={spec.key}",
                "docx": f"{base}/decision.docx?document={spec.key}",
            }
            for spec in documents_of(case)
        ]
        return Response(
            {
                "documents": documents,
                "checklist": checklist["items"],
                "digest": checklist["digest"],
                "confirmed": confirmed,
                "confirmed_by": event.actor_id if event else None,
                "confirmed_at": event.created_at if event else None,
            }
        )


class DocumentsConfirmView(APIView):
    @extend_schema(
        operation_id="cases_documents_confirm",
        request=inline_serializer(
            "DocumentsConfirm",
            {
                "items": serializers.ListField(
                    child=serializers.CharField(max_length=CODE_MAX_LENGTH),
                    help_text="Server rule: keys of this case's checklist (GET documents/)",
                ),
                "reason": serializers.CharField(required=False, max_length=TEXT_MAX_LENGTH),
            },
        ),
        responses={200: inline_serializer("DocumentsConfirmed", {"digest": serializers.CharField()}), **_ERRORS},
    )
    def post(self, request, pk: int):
        case = case_or_none(pk)
        if case is None or case_access(case, request.user) != FULL:
            raise NotFound(NOT_FOUND)
        data = request.data if isinstance(request.data, dict) else {}
        reason = str(data.get("reason") or "")
        if len(reason) > TEXT_MAX_LENGTH:
            raise field_error("reason", too_long(TEXT_MAX_LENGTH))
        checklist = documents_confirm(case_id=case.pk, keys=data.get("items"), acting_user=request.user, reason=reason)
        return Response({"digest": checklist["digest"]})
