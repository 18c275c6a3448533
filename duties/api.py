"""API v1 of the duty ledger and Chapters 4–5 (PRODUCT §3, §9): thin wrappers over
``duties.services``."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NOT_FOUND, InvalidInput, NotFound
from core.persistence import local_today
from duties.codes import InterviewGround
from duties.models import (
    AnnualAssessment,
    AssessmentGrade,
    Award,
    DutyRecord,
    Evidence,
    Interview,
    Obligation,
    Patrol,
    PatrolFinding,
)
from duties.services import assessment as assessment_services
from duties.services import ledger, rewards
from duties.services.access import ledger_scope, require_ledger_access, visible_cadres_q
from duties.services.compliance import cadre_compliance
from duties.services.status import department_status
from org.codes import Role
from org.models import Cadre, Department, Post


def _int(name: str, value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInput({name: [_("Expected an integer.")]}) from None
    if not 0 <= number < 2**63:  # ids are 64-bit; anything else can match nothing
        raise InvalidInput({name: [_("Expected an integer.")]})
    return number


def _date(name: str, value, default=None):
    if not value:
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput({name: [_("Expected an ISO date such as 2026-01-31.")]}) from None


def _valid(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _scope_ids(user) -> list[int] | None:
    level, ids = ledger_scope(user)
    return ids if level != "none" else []


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
            "roles",
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
    """The obligations catalog: every duty with a frequency in Articles 5, 6, 9, 10, 11, 14, 17."""

    serializer_class = ObligationSerializer
    pagination_class = None

    def get_queryset(self):
        qs = Obligation.objects.order_by("position", "id")
        role = self.request.query_params.get("role")
        if role:
            if role not in Role.values:
                raise InvalidInput({"role": [_("Unknown role “%(r)s”.") % {"r": role}]})
            # JSON containment is not portable to SQLite; the catalog is small.
            ids = [o.pk for o in qs if role in o.roles]
            qs = qs.filter(pk__in=ids)
        return qs

    @extend_schema(parameters=[OpenApiParameter("role", str, description="a role code of PRODUCT §1.2")])
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
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    citation = serializers.CharField(source="obligation.citation", read_only=True)
    role = serializers.CharField(source="post.role", read_only=True)
    organization = serializers.CharField(source="post.organization.name", read_only=True)
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
            "date",
            "note",
            "recorded_by",
            "recorded_at",
            "voided_at",
            "void_reason",
            "evidence",
        ]


class DutyRecordCreateSerializer(serializers.Serializer):
    cadre = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.all())
    obligation = serializers.PrimaryKeyRelatedField(queryset=Obligation.objects.all())
    date = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class VoidSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class DutyRecordViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = DutyRecordSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        qs = DutyRecord.objects.select_related("cadre", "obligation", "post__organization", "recorded_by").prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("id"))
        )
        visible = Cadre.objects.filter(visible_cadres_q(self.request.user)).values("pk")
        qs = qs.filter(cadre_id__in=visible)
        params = self.request.query_params
        if cadre := params.get("cadre"):
            qs = qs.filter(cadre_id=_int("cadre", cadre))
        if obligation := params.get("obligation"):
            qs = qs.filter(obligation_id=_int("obligation", obligation))
        if since := params.get("from"):
            qs = qs.filter(date__gte=_date("from", since))
        if until := params.get("to"):
            qs = qs.filter(date__lte=_date("to", until))
        # Only the list hides withdrawn records: by id they stay readable (with ``voided_at``),
        # and a second withdrawal or a late upload gets its 409, not a 404.
        if self.action == "list" and params.get("voided") not in ("1", "true"):
            qs = qs.filter(voided_at__isnull=True)
        return qs.order_by("-date", "-id")

    @extend_schema(
        parameters=[
            OpenApiParameter("cadre", int),
            OpenApiParameter("obligation", int),
            OpenApiParameter("from", str, description="ISO date"),
            OpenApiParameter("to", str, description="ISO date"),
            OpenApiParameter("voided", bool, description="include withdrawn records"),
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
                    "cadre": serializers.IntegerField(),
                    "obligation": serializers.IntegerField(),
                    "date": serializers.DateField(),
                    "note": serializers.CharField(required=False),
                    "evidence": serializers.ListField(child=serializers.FileField(), required=False),
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
        from core.idempotency import key_from, once

        key = key_from(request)
        data = _valid(DutyRecordCreateSerializer, request.data)
        files = request.FILES.getlist("evidence") if request.FILES else []
        record_id, created = once(
            user=request.user,
            scope="duty_record",
            key=key,
            create=lambda: ledger.record_create(acting_user=request.user, files=files, **data).pk,
        )
        return Response(
            DutyRecordSerializer(self.get_queryset().get(pk=record_id)).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(request=VoidSerializer, responses=DutyRecordSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        record = self.get_object()
        data = _valid(VoidSerializer, request.data)
        ledger.record_void(acting_user=request.user, record_id=record.pk, reason=data["reason"])
        return Response(DutyRecordSerializer(DutyRecord.objects.get(pk=record.pk)).data)

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
        evidence = Evidence.objects.select_related("record").filter(pk=pk, record_id=record_pk).first()
        if evidence is None:
            raise NotFound(NOT_FOUND)
        organizations = set(Post.objects.filter(cadre_id=evidence.record.cadre_id).values_list("organization_id", flat=True))
        require_ledger_access(request.user, organizations, write=False)
        return evidence_response(evidence)


def evidence_response(evidence: Evidence) -> FileResponse:
    response = FileResponse(
        evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- compliance ------------------------------------------------------------------------------


def _year_param(value, default: int) -> int:
    if value in (None, ""):
        return default
    year = _int("year", value)
    if not 2000 <= year <= 2100:
        raise InvalidInput({"year": [_("Expected a year such as 2026.")]})
    return year


class CadreComplianceView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("year", int), OpenApiParameter("as_of", str, description="ISO date; default today")],
        responses=inline_serializer("Compliance", {"year": serializers.IntegerField(), "fully_met": serializers.BooleanField()}),
    )
    def get(self, request, pk: int):
        cadre = get_object_or_404(Cadre, pk=pk)
        organizations = set(cadre.posts.values_list("organization_id", flat=True))
        require_ledger_access(request.user, organizations, write=False)
        today = local_today()
        year = _year_param(request.query_params.get("year"), today.year)
        as_of = _date("as_of", request.query_params.get("as_of"), today)
        return Response(cadre_compliance(cadre.pk, year=year, as_of=as_of))


class DepartmentDutyStatusView(APIView):
    """Who in a department is behind in the current period of each duty."""

    @extend_schema(
        parameters=[OpenApiParameter("on", str, description="ISO date; default today")],
        responses=inline_serializer("DutyStatus", {"on": serializers.DateField()}),
    )
    def get(self, request, pk: int):
        department = get_object_or_404(Department, pk=pk)
        require_ledger_access(request.user, {department.pk}, write=False)
        on = _date("on", request.query_params.get("on"), local_today())
        # The blocks around a day in year 1 or 9999 fall outside ``datetime.date``: refuse them
        # here rather than answer a server error.
        if not 2000 <= on.year <= 2100:
            raise InvalidInput({"on": [_("Expected a date such as 2026-01-31.")]})
        return Response(department_status(department, on))


# --- Chapter 4 -------------------------------------------------------------------------------


class GradeSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssessmentGrade
        fields = ["id", "code", "label", "position", "excellent", "failing"]


class GradeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = GradeSerializer
    pagination_class = None
    queryset = AssessmentGrade.objects.filter(active=True).order_by("position", "id")


class AnnualAssessmentSerializer(serializers.ModelSerializer):
    grade = serializers.CharField(source="grade.code", read_only=True)
    grade_label = serializers.CharField(source="grade.label", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True, default=None)
    cadre_name = serializers.CharField(source="cadre.name", read_only=True, default=None)
    ranked_last = serializers.BooleanField(read_only=True)

    class Meta:
        model = AnnualAssessment
        fields = [
            "id",
            "year",
            "department",
            "department_name",
            "cadre",
            "cadre_name",
            "grade",
            "grade_label",
            "score",
            "rank",
            "ranked_of",
            "ranked_last",
            "note",
            "compliance",
            "recorded_at",
        ]


class AnnualAssessmentInput(serializers.Serializer):
    year = serializers.IntegerField()
    grade = serializers.CharField(max_length=32)
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), required=False, allow_null=True)
    cadre = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.all(), required=False, allow_null=True)
    score = serializers.DecimalField(max_digits=6, decimal_places=2, required=False, allow_null=True)
    rank = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    ranked_of = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class PublishInput(serializers.Serializer):
    year = serializers.IntegerField()
    published_on = serializers.DateField()
    channel = serializers.CharField(max_length=200)


def _chapter4_scope(user):
    """County unit ids the user may read Chapter 4 records of (None = all)."""
    level, ids = ledger_scope(user)
    if level in ("keep", "read"):
        return ids
    return ids if level == "own" else []


class AnnualAssessmentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = AnnualAssessmentSerializer

    def get_queryset(self):
        qs = AnnualAssessment.objects.select_related("grade", "department", "cadre")
        ids = _chapter4_scope(self.request.user)
        if ids is not None:
            in_scope = Q(department_id__in=ids) | Q(cadre__in=Cadre.objects.filter(posts__organization_id__in=ids).values("pk"))
            qs = qs.filter(in_scope)
        params = self.request.query_params
        if year := params.get("year"):
            qs = qs.filter(year=_year_param(year, 0))
        if department := params.get("department"):
            qs = qs.filter(department_id=_int("department", department))
        if cadre := params.get("cadre"):
            qs = qs.filter(cadre_id=_int("cadre", cadre))
        if kind := params.get("of"):
            if kind not in ("department", "cadre"):
                raise InvalidInput({"of": [_("Expected department or cadre.")]})
            qs = qs.filter(**{f"{kind}__isnull": False})
        return qs.order_by("-year", "rank", "id")

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int),
            OpenApiParameter("department", int),
            OpenApiParameter("cadre", int),
            OpenApiParameter("of", str, enum=["department", "cadre"]),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=AnnualAssessmentInput, responses={201: AnnualAssessmentSerializer})
    def create(self, request, *args, **kwargs):
        data = _valid(AnnualAssessmentInput, request.data)
        row = assessment_services.assessment_record(acting_user=request.user, **data)
        return Response(AnnualAssessmentSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PublishInput, responses={201: inline_serializer("Publication", {"id": serializers.IntegerField()})})
    @action(detail=False, methods=["post"])
    def publish(self, request):
        data = _valid(PublishInput, request.data)
        row = assessment_services.publish(acting_user=request.user, **data)
        return Response(
            {"id": row.pk, "year": row.year, "published_on": row.published_on, "channel": row.channel},
            status=status.HTTP_201_CREATED,
        )


class AssessmentReportView(APIView):
    """The year's results as a workbook to publish or circulate (Art. 20)."""

    @extend_schema(
        parameters=[OpenApiParameter("year", int)],
        responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes},
    )
    def get(self, request):
        year = _year_param(request.query_params.get("year"), local_today().year)
        content = assessment_services.results_xlsx(year, _chapter4_scope(request.user))
        response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="safety-assessment-{year}.xlsx"'
        return response


class PatrolFindingSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = PatrolFinding
        fields = ["id", "patrol", "department", "department_name", "cadres", "text", "case", "recorded_at"]


class PatrolSerializer(serializers.ModelSerializer):
    findings = PatrolFindingSerializer(many=True, read_only=True)

    class Meta:
        model = Patrol
        fields = [
            "id",
            "title",
            "started_on",
            "ended_on",
            "led_by",
            "targets",
            "summary",
            "duty_record",
            "findings",
            "recorded_at",
        ]


class PatrolInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    started_on = serializers.DateField()
    ended_on = serializers.DateField(required=False, allow_null=True)
    led_by = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.all(), required=False, allow_null=True)
    targets = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), many=True)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=8000)


class PatrolFindingInput(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    text = serializers.CharField(max_length=8000)
    cadres = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.all(), many=True, required=False)


class ReferInput(serializers.Serializer):
    circumstances = serializers.ListField(child=serializers.CharField(), required=False)


class PatrolViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PatrolSerializer

    def get_queryset(self):
        qs = Patrol.objects.prefetch_related(
            "targets",
            Prefetch("findings", queryset=PatrolFinding.objects.select_related("department").prefetch_related("cadres")),
        )
        ids = _chapter4_scope(self.request.user)
        level, _ids = ledger_scope(self.request.user)
        if ids is not None:
            qs = qs.filter(county_id__in=ids) if level in ("keep", "read") else qs.filter(targets__in=ids).distinct()
        return qs.order_by("-started_on", "-id")

    @extend_schema(request=PatrolInput, responses={201: PatrolSerializer})
    def create(self, request, *args, **kwargs):
        data = _valid(PatrolInput, request.data)
        patrol = assessment_services.patrol_create(acting_user=request.user, **data)
        return Response(PatrolSerializer(self.get_queryset().get(pk=patrol.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PatrolFindingInput, responses={201: PatrolFindingSerializer})
    @action(detail=True, methods=["post"])
    def findings(self, request, pk=None):
        patrol = self.get_object()
        data = _valid(PatrolFindingInput, request.data)
        finding = assessment_services.patrol_finding_add(acting_user=request.user, patrol=patrol, **data)
        return Response(PatrolFindingSerializer(finding).data, status=status.HTTP_201_CREATED)


class PatrolFindingReferView(APIView):
    @extend_schema(request=ReferInput, responses={201: inline_serializer("Lead", {"id": serializers.IntegerField()})})
    def post(self, request, pk: int):
        data = _valid(ReferInput, request.data)
        case = assessment_services.patrol_finding_refer(acting_user=request.user, finding_id=pk, **data)
        return Response({"id": case.pk, "number": case.number, "state": case.state}, status=status.HTTP_201_CREATED)


class InterviewSerializer(serializers.ModelSerializer):
    ground_label = serializers.CharField(source="get_ground_display", read_only=True)
    is_measure = serializers.SerializerMethodField()

    class Meta:
        model = Interview
        fields = [
            "id",
            "held_on",
            "department",
            "cadre",
            "ground",
            "ground_label",
            "assessment",
            "notes",
            "is_measure",
            "recorded_at",
        ]

    def get_is_measure(self, interview) -> bool:
        # Art. 15: "安全生产约谈不能代替…问责措施".
        return False


class InterviewInput(serializers.Serializer):
    held_on = serializers.DateField()
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    cadre = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.all())
    ground = serializers.ChoiceField(choices=InterviewGround.choices)
    notes = serializers.CharField(max_length=8000)
    assessment = serializers.PrimaryKeyRelatedField(queryset=AnnualAssessment.objects.all(), required=False, allow_null=True)


class InterviewViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = InterviewSerializer

    def get_queryset(self):
        qs = Interview.objects.all()
        ids = _chapter4_scope(self.request.user)
        if ids is not None:
            qs = qs.filter(department_id__in=ids)
        if cadre := self.request.query_params.get("cadre"):
            qs = qs.filter(cadre_id=_int("cadre", cadre))
        return qs.order_by("-held_on", "-id")

    @extend_schema(request=InterviewInput, responses={201: InterviewSerializer})
    def create(self, request, *args, **kwargs):
        data = _valid(InterviewInput, request.data)
        row = assessment_services.interview_record(acting_user=request.user, **data)
        return Response(InterviewSerializer(row).data, status=status.HTTP_201_CREATED)


# --- Chapter 5 -------------------------------------------------------------------------------


class AwardSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Award
        fields = ["id", "cadre", "year", "kind", "kind_label", "granted_on", "basis"]


class AwardInput(serializers.Serializer):
    cadre = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.all())
    year = serializers.IntegerField()
    granted_on = serializers.DateField(required=False)


class AwardViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = AwardSerializer

    def get_queryset(self):
        qs = Award.objects.all()
        ids = _chapter4_scope(self.request.user)
        if ids is not None:
            qs = qs.filter(cadre__in=Cadre.objects.filter(posts__organization_id__in=ids).values("pk"))
        return qs.order_by("-year", "-id")

    @extend_schema(request=AwardInput, responses={201: AwardSerializer})
    def create(self, request, *args, **kwargs):
        data = _valid(AwardInput, request.data)
        award = rewards.award_grant(acting_user=request.user, **data)
        return Response(AwardSerializer(award).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("year", int), OpenApiParameter("on", str, description="ISO date; default today")],
        responses=inline_serializer("RewardCandidate", {"kind": serializers.CharField()}, many=True),
    )
    @action(detail=False, methods=["get"])
    def candidates(self, request):
        """Art. 25 candidates for a year, each with the award it calls for and what blocks it."""
        today = local_today()
        year = _year_param(request.query_params.get("year"), today.year - 1)
        on = _date("on", request.query_params.get("on"), today)
        ids = _chapter4_scope(request.user)
        cadre_ids = (
            None
            if ids is None
            else list(Cadre.objects.filter(posts__organization_id__in=ids).values_list("pk", flat=True).distinct())
        )
        return Response(rewards.candidates(year, cadre_ids=cadre_ids, on=on))
