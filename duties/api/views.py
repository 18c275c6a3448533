"""API v1 of the duty ledger (PRODUCT §3): thin wrappers over ``duties.services``."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.params import (
    bool_param,
    bool_query,
    choice_param,
    choice_query,
    date_2000s_param,
    date_2000s_query,
    date_param,
    date_query,
    id_query,
    int_param,
    pk_param,
    validated,
    year_param,
    year_query,
)
from core.errors import NOT_FOUND, InvalidInput, NotFound
from core.idempotency import key_from, once
from core.inputs import TEXT_MAX_LENGTH, past_date
from core.persistence import local_today
from duties.codes import Organ
from duties.models import DutyRecord, Evidence, Obligation
from duties.selectors import ledger as ledger_reads
from duties.selectors.compliance import cadre_compliance
from duties.selectors.organs import organ_compliance_for_year
from duties.selectors.status import department_status
from duties.services import ledger
from duties.services.access import require_ledger_access
from org.codes import Role
from org.models import Cadre, Department
from org.selectors import organizations_of

logger = logging.getLogger("zeren.duties")

# --- obligations -----------------------------------------------------------------------------


class ObligationSerializer(serializers.ModelSerializer):
    activity_label = serializers.CharField(source="get_activity_display", read_only=True)
    period_label = serializers.CharField(source="get_period_display", read_only=True)
    citation = serializers.CharField(read_only=True)

    class Meta:
        model = Obligation
        fields = [
            "id",
            "code",
            "rulebook",
            "roles",
            "organs",
            "article",
            "item",
            "citation",
            "activity",
            "activity_label",
            "min_count",
            "period",
            "period_label",
            "text",
            "valid_from",
            "valid_to",
        ]


class ObligationViewSet(viewsets.ReadOnlyModelViewSet):
    """The obligations catalog of every rulebook, every version: each duty with a frequency (in
    平罗县's: Articles 5, 6, 9, 10, 11, 14, 16, 17), bound to roles or to organs."""

    serializer_class = ObligationSerializer  # paginated, as every list of PRODUCT §9

    def get_queryset(self):
        params = self.request.query_params
        role = choice_param("role", params.get("role"), Role.values)
        organ = choice_param("organ", params.get("organ"), Organ.values)
        on = params.get("on")
        return ledger_reads.obligations(
            role, organ=organ, rulebook=params.get("rulebook") or None, on=date_param("on", on) if on is not None else None
        )

    @extend_schema(
        parameters=[
            choice_query("role", Role.values, "a role code of PRODUCT §1.2"),
            choice_query("organ", Organ.values, "an organ code (county_safety_committee, …)"),
            OpenApiParameter("rulebook", str, description="a rulebook code: that rulebook's catalog only"),
            date_query("on", "ISO date: only the rows in force that day"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


# --- duty records ----------------------------------------------------------------------------


class EvidenceSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "original_name", "content_type", "size", "sha256", "uploaded_at", "url"]

    def get_url(self, evidence) -> str:
        return f"/api/v1/duty-records/{evidence.record_id}/evidence/{evidence.pk}/"


class DutyRecordSerializer(serializers.ModelSerializer):
    # A cadre's record has the cadre, role and organization; an organ's the organ, its unit
    # and the department keeping it (the others null).
    cadre_name = serializers.CharField(source="cadre.name", read_only=True, allow_null=True, default=None)
    citation = serializers.CharField(source="obligation.citation", read_only=True)
    role = serializers.CharField(source="post.role", read_only=True, allow_null=True, default=None)
    organization = serializers.CharField(source="post.organization.name", read_only=True, allow_null=True, default=None)
    unit_name = serializers.CharField(source="unit.name", read_only=True, allow_null=True, default=None)
    kept_by_name = serializers.CharField(source="kept_by.name", read_only=True, allow_null=True, default=None)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = DutyRecord
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "obligation",
            "citation",
            "role",
            "organization",
            "organ",
            "unit",
            "unit_name",
            "kept_by",
            "kept_by_name",
            "date",
            "note",
            "recorded_by",
            "recorded_at",
            "voided_at",
            "void_reason",
            "evidence",
        ]


class DutyRecordCreateSerializer(serializers.Serializer):
    """A cadre's record (``cadre``) or an organ's (``unit``: the department whose organ did it,
    the county for its safety committee or government, the park for its committee)."""

    cadre = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.all(), required=False)
    unit = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), required=False)
    obligation = serializers.PrimaryKeyRelatedField(queryset=Obligation.objects.all())
    date = serializers.DateField(validators=[past_date], help_text="The day it was done: between 1949 and today.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)

    def to_internal_value(self, data):
        # Without a cadre or a unit, ``cadre`` is required, named with the other missing fields.
        given = {key for key in ("cadre", "unit") if hasattr(data, "get") and data.get(key) not in (None, "")}
        required = {"cadre": [serializers.ErrorDetail(_("This field is required."), code="required")]}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if not given and isinstance(exc.detail, dict):
                exc.detail = {**required, **exc.detail}
            raise
        if not given:
            raise serializers.ValidationError(required)
        if given == {"cadre", "unit"}:
            raise serializers.ValidationError(
                {"cadre": [_("Give either the cadre who did it or the unit whose organ did it, not both.")]}
            )
        return value


class VoidSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class DutyRecordViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = DutyRecordSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        params = self.request.query_params
        cadre, obligation, since, until = (params.get(name) for name in ("cadre", "obligation", "from", "to"))
        unit, organ = params.get("unit"), choice_param("organ", params.get("organ"), Organ.values)
        return ledger_reads.visible_records(
            self.request.user,
            cadre_id=int_param("cadre", cadre) if cadre is not None else None,
            obligation_id=int_param("obligation", obligation) if obligation is not None else None,
            unit_id=int_param("unit", unit) if unit is not None else None,
            organ=organ or None,
            since=date_param("from", since) if since is not None else None,
            until=date_param("to", until) if until is not None else None,
            # Only the list hides withdrawn records: by id they stay readable (with ``voided_at``),
            # and a second withdrawal or a late upload gets its 409, not a 404.
            with_voided=not (self.action == "list" and not bool_param("voided", params.get("voided"))),
        )

    @extend_schema(
        parameters=[
            id_query("cadre"),
            id_query("obligation"),
            id_query("unit", "an organ's unit: its records only"),
            choice_query("organ", Organ.values, "an organ code: its records only"),
            date_query("from"),
            date_query("to"),
            bool_query("voided", "include withdrawn records"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request={
            "application/json": DutyRecordCreateSerializer,
            "multipart/form-data": inline_serializer(
                "DutyRecordUpload",
                {
                    "cadre": serializers.IntegerField(required=False),
                    "unit": serializers.IntegerField(required=False),
                    "obligation": serializers.IntegerField(),
                    "date": serializers.DateField(),
                    "note": serializers.CharField(required=False, max_length=TEXT_MAX_LENGTH),
                    "evidence": serializers.ListField(
                        child=serializers.FileField(),
                        required=False,
                        max_length=settings.ZEREN_EVIDENCE_MAX_FILES,
                        help_text=(
                            f"At most {settings.ZEREN_EVIDENCE_MAX_FILES} files, each at most "
                            f"{settings.ZEREN_EVIDENCE_MAX_BYTES} bytes: PDF, PNG, JPEG, DOCX, XLSX or OFD judged by content. "
                            f"A zip package (DOCX, XLSX, OFD) holds at most {settings.ZEREN_ARCHIVE_MAX_ENTRIES} entries, "
                            f"inflates to at most {settings.ZEREN_ARCHIVE_MAX_INFLATED} bytes, compressed at most "
                            f"{settings.ZEREN_ARCHIVE_MAX_RATIO} to 1, with no absolute or '..' paths; polyglots are refused (400)."
                        ),
                    ),
                },
            ),
        },
        responses={201: DutyRecordSerializer, 200: DutyRecordSerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                location=OpenApiParameter.HEADER,
                required=False,
                description="Retry with the same key after a lost answer: the first record comes back (200), not a second one.",
            )
        ],
    )
    def create(self, request, *args, **kwargs):

        key = key_from(request)
        data = validated(DutyRecordCreateSerializer, request.data)
        files = request.FILES.getlist("evidence") if request.FILES else []
        unit = data.pop("unit", None)

        def create() -> int:
            if unit is not None:
                return ledger.organ_record_create(acting_user=request.user, unit=unit, files=files, **data).pk
            return ledger.record_create(acting_user=request.user, files=files, **data).pk

        record_id, created = once(user=request.user, scope="duty_record", key=key, create=create)
        return Response(
            DutyRecordSerializer(self.get_queryset().get(pk=record_id)).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(request=VoidSerializer, responses=DutyRecordSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        record = self.get_object()
        data = validated(VoidSerializer, request.data)
        ledger.record_void(acting_user=request.user, record_id=record.pk, reason=data["reason"])
        return Response(DutyRecordSerializer(ledger_reads.record(record.pk)).data)

    @extend_schema(
        request={"multipart/form-data": inline_serializer("EvidenceUpload", {"file": serializers.FileField()})},
        responses={201: EvidenceSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def evidence(self, request, pk=None):
        record = self.get_object()
        upload = request.FILES.get("file")
        if upload is None:
            raise InvalidInput({"file": [_("Attach a file.")]})
        evidence = ledger.evidence_add(acting_user=request.user, record_id=record.pk, upload=upload)
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


class EvidenceDownloadView(APIView):
    """An evidence file, only for those who may read the record; always as an attachment."""

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request, record_pk: int, pk: int):
        evidence = ledger_reads.evidence(pk_param(record_pk), pk_param(pk))
        if evidence is None:
            raise NotFound(NOT_FOUND)
        require_ledger_access(request.user, ledger_reads.record_organizations(evidence.record), write=False)
        return evidence_response(evidence)


def evidence_response(evidence: Evidence) -> FileResponse:
    return stored_file_response(
        evidence.file,
        filename=evidence.original_name,
        content_type=evidence.content_type,
        missing=_("The file of this evidence is missing from storage; tell the administrator."),
        what=f"Evidence {evidence.pk} of record {evidence.record_id}",
    )


def stored_file_response(file: FieldFile, *, filename: str, content_type: str, missing: str, what: str) -> FileResponse:
    """A stored upload (checked by ``ledger.check_upload``) served safely: always as an attachment,
    with its sniffed content type, ``nosniff``, a sandboxing CSP and no caching. Also serves the
    case materials (``cases.api.views.materials``)."""
    try:
        content = file.open("rb")
    except FileNotFoundError:
        # The row outlived its file (a restore without the media directory): say so, never a 500.
        logger.error("%s: file %s is missing from storage", what, file.name)
        raise NotFound(missing) from None
    response = FileResponse(content, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- compliance ------------------------------------------------------------------------------


class CadreComplianceView(APIView):
    @extend_schema(
        parameters=[year_query(), date_query("as_of", "ISO date; default today")],
        responses=inline_serializer("Compliance", {"year": serializers.IntegerField(), "fully_met": serializers.BooleanField()}),
    )
    def get(self, request, pk: int):
        cadre = get_object_or_404(ledger_reads.cadres(), pk=pk)
        organizations = organizations_of(cadre.pk)
        require_ledger_access(request.user, organizations, write=False)
        today = local_today()
        year = year_param(request.query_params.get("year"), today.year)
        as_of = date_param("as_of", request.query_params.get("as_of"), today)
        return Response(cadre_compliance(cadre.pk, year=year, as_of=as_of))


class DepartmentOrganComplianceView(APIView):
    """The compliance of the organs of a county (its safety committee and government, each park's
    management committee) or of a park (第十四条、第十六条、第十七条), for a year."""

    @extend_schema(
        parameters=[year_query(), date_query("as_of", "ISO date; default today")],
        responses=inline_serializer(
            "OrganCompliance",
            {"year": serializers.IntegerField(), "organs": serializers.ListField(child=serializers.DictField())},
        ),
    )
    def get(self, request, pk: int):
        department = get_object_or_404(ledger_reads.departments(), pk=pk)
        require_ledger_access(request.user, {department.pk}, write=False)
        today = local_today()
        year = year_param(request.query_params.get("year"), today.year)
        as_of = date_param("as_of", request.query_params.get("as_of"), today)
        return Response(organ_compliance_for_year(department, year=year, as_of=as_of))


class DepartmentDutyStatusView(APIView):
    """Who in a department is behind in the current period of each duty."""

    @extend_schema(
        parameters=[date_2000s_query("on", "ISO date from 2000 to 2099; default today")],
        responses=inline_serializer("DutyStatus", {"on": serializers.DateField()}),
    )
    def get(self, request, pk: int):
        department = get_object_or_404(ledger_reads.departments(), pk=pk)
        require_ledger_access(request.user, {department.pk}, write=False)
        # The blocks around a day in year 1 or 9999 fall outside ``datetime.date``: the schema
        # and this check keep the day from 2000 to 2099.
        on = date_2000s_param("on", request.query_params.get("on"), local_today())
        return Response(department_status(department, on))
