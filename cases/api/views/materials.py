"""API v1: case materials (案件材料, issue 16 item 8) under ``/api/v1/cases/{id}/materials/``: list,
upload (multipart, checked as duty evidence is), a new version, withdrawal with a reason, the
download. Thin over ``cases.services.materials`` and ``cases.selectors.materials``."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api import serializers as s
from cases.models import Case, CaseMaterial
from cases.selectors import case_or_none
from cases.selectors.materials import material_or_none, materials_qs, materials_visible
from cases.services.materials import TITLE_MAX_LENGTH, material_add, material_new_version, material_withdraw
from core.api.params import pk_param, validated
from core.errors import NOT_FOUND, InvalidInput, NotFound
from duties.api.views import stored_file_response

_403 = OpenApiResponse(s.ErrorSerializer, description="not_permitted: not a member of the department handling the case.")
_404 = OpenApiResponse(
    s.ErrorSerializer,
    description="not_found: no such case or material, or the caller does not see the case in full (a referring "
    "agency sees its status and outcome only).",
)
_409 = OpenApiResponse(
    s.ErrorSerializer,
    description="precondition_failed: the case has ended (closed, disposed of, not pursued: its file is sealed); the "
    "material was withdrawn; a new version of an earlier version.",
)
FILE_RULE = (
    "One file. Server rule: its content is PDF, PNG, JPEG, DOCX, XLSX or OFD with the matching extension, not empty, "
    "within ZEREN_EVIDENCE_MAX_BYTES, not a refused archive or a polyglot"
)
TITLE_RULE = "Server rule: not blank"
_FILE_400 = (
    "invalid: `file` missing, empty, too large (ZEREN_EVIDENCE_MAX_BYTES), more than one, or its content is not an "
    "accepted type with the matching extension (pdf, png, jpg, docx, xlsx, ofd), a refused archive or a polyglot"
)


def _case(request, case_pk) -> Case:
    case = case_or_none(pk_param(case_pk))
    if case is None or not materials_visible(request.user, case):
        raise NotFound(NOT_FOUND)
    return case


def _material(case: Case, pk) -> CaseMaterial:
    material = material_or_none(case, pk_param(pk))
    if material is None:
        raise NotFound(NOT_FOUND)
    return material


def _one_file(request):
    files = request.FILES.getlist("file")
    if len(files) > 1:
        raise InvalidInput({"file": [_("Send one file per material; each file is its own material or version.")]})
    return files[0] if files else None


def _text(request, name: str) -> str:
    value = request.data.get(name, "")
    if not isinstance(value, str):
        raise InvalidInput({name: [_("Expected text.")]})
    return value


class CaseMaterialsView(APIView):
    """Every version of every material of a case, oldest first; a new material."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary="List a case's materials (every version)", responses={200: s.CaseMaterialSerializer(many=True), 404: _404}
    )
    def get(self, request, case_pk):
        case = _case(request, case_pk)
        return Response(s.CaseMaterialSerializer(materials_qs(case), many=True).data)

    @extend_schema(
        summary="Attach a material to a case",
        request={
            "multipart/form-data": inline_serializer(
                "CaseMaterialUpload",
                {
                    "kind": serializers.ChoiceField(choices=CaseMaterial.Kind.choices),
                    "title": serializers.CharField(max_length=TITLE_MAX_LENGTH, help_text=TITLE_RULE),
                    "file": serializers.FileField(help_text=FILE_RULE),
                },
            )
        },
        responses={
            201: s.CaseMaterialSerializer,
            400: OpenApiResponse(s.ErrorSerializer, description=f"{_FILE_400}; `kind` unknown; `title` empty or too long."),
            403: _403,
            404: _404,
            409: _409,
        },
    )
    def post(self, request, case_pk):
        case = _case(request, case_pk)
        material = material_add(
            case_id=case.pk,
            kind=_text(request, "kind"),
            title=_text(request, "title"),
            upload=_one_file(request),
            acting_user=request.user,
        )
        return Response(s.CaseMaterialSerializer(material_or_none(case, material.pk)).data, status=status.HTTP_201_CREATED)


class CaseMaterialVersionView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary="Upload a new version of a material",
        request={
            "multipart/form-data": inline_serializer(
                "CaseMaterialVersionUpload",
                {
                    "file": serializers.FileField(help_text=FILE_RULE),
                    "title": serializers.CharField(
                        required=False,
                        max_length=TITLE_MAX_LENGTH,
                        help_text="A new title; left out or blank, the title stays.",
                    ),
                },
            )
        },
        responses={
            201: s.CaseMaterialSerializer,
            400: OpenApiResponse(s.ErrorSerializer, description=_FILE_400),
            403: _403,
            404: _404,
            409: _409,
        },
    )
    def post(self, request, case_pk, pk):
        """``pk`` is the latest version; the new one supersedes it, in the same series and kind."""
        case = _case(request, case_pk)
        previous = _material(case, pk)
        material = material_new_version(
            case_id=case.pk,
            material_id=previous.pk,
            upload=_one_file(request),
            title=_text(request, "title"),
            acting_user=request.user,
        )
        return Response(s.CaseMaterialSerializer(material_or_none(case, material.pk)).data, status=status.HTTP_201_CREATED)


class CaseMaterialWithdrawView(APIView):
    @extend_schema(
        summary="Withdraw (撤回) a material, with a reason",
        request=s.MaterialWithdrawSerializer,
        responses={
            200: s.CaseMaterialSerializer,
            400: OpenApiResponse(s.ErrorSerializer, description="invalid: `reason` empty or too long."),
            403: _403,
            404: _404,
            409: _409,
        },
    )
    def post(self, request, case_pk, pk):
        """Every version of the material is marked withdrawn; nothing is deleted, findings citing it
        keep it (shown withdrawn)."""
        case = _case(request, case_pk)
        material = _material(case, pk)
        data = validated(s.MaterialWithdrawSerializer, request.data)
        material_withdraw(case_id=case.pk, material_id=material.pk, reason=data["reason"], acting_user=request.user)
        return Response(s.CaseMaterialSerializer(material_or_none(case, material.pk)).data)


class CaseMaterialFileView(APIView):
    """A material's file, for those who see the case in full; always as an attachment, with its
    checked content type, ``nosniff`` and a sandboxing CSP (as duty evidence)."""

    @extend_schema(summary="Download a material's file", responses={(200, "application/octet-stream"): bytes, 404: _404})
    def get(self, request, case_pk, pk):
        case = _case(request, case_pk)
        material = _material(case, pk)
        return stored_file_response(
            material.file,
            filename=material.original_name,
            content_type=material.content_type,
            missing=_("The file of this material is missing from storage; tell the administrator."),
            what=f"Material {material.pk} of case {case.pk}",
        )
