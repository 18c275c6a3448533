"""API v1 of Chapters 4–5 (PRODUCT §9): thin wrappers over ``appraisal.services`` (writes) and
``appraisal.selectors`` (reads; who sees which rows is ``appraisal_scope``)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from appraisal.codes import AwardKind, InterviewGround
from appraisal.models import AnnualAssessment, AssessmentGrade, Award, Interview, Patrol, PatrolFinding
from appraisal.selectors.assessment import active_grades, api_assessments, api_interviews, api_patrols, results_xlsx
from appraisal.selectors.rewards import candidates
from appraisal.selectors.scope import appraisal_scope
from appraisal.services import assessment as assessment_services
from appraisal.services import rewards
from cases.selectors.pages import visible_case_ids
from core.api.params import choice_param, date_param, date_query, id_query, int_param, validated, year_param, year_query
from core.inputs import CODE_MAX_LENGTH, TEXT_MAX_LENGTH, past_date, plausible_date
from core.persistence import local_today
from org.models import Cadre, Department

# --- Chapter 4 -------------------------------------------------------------------------------


class GradeSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssessmentGrade
        fields = ["id", "code", "label", "position", "excellent", "failing"]


class GradeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = GradeSerializer
    pagination_class = None
    queryset = active_grades()


class AnnualAssessmentSerializer(serializers.ModelSerializer):
    grade = serializers.CharField(source="grade.code", read_only=True)
    grade_label = serializers.CharField(source="grade.label", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True, default=None, allow_null=True)
    cadre_name = serializers.CharField(source="cadre.name", read_only=True, default=None, allow_null=True)
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


ASSESSED_YEAR_HELP = "Server rule: from 2021 (when the 细则 took effect) to this year"


class AnnualAssessmentInput(serializers.Serializer):
    year = serializers.IntegerField(min_value=2021, max_value=2100, help_text=ASSESSED_YEAR_HELP)
    grade = serializers.CharField(max_length=32, help_text="Server rule: an active code of /api/v1/assessment-grades/")
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), required=False, allow_null=True)
    cadre = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.all(), required=False, allow_null=True)
    score = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        required=False,
        allow_null=True,
        min_value=Decimal(0),
        max_value=Decimal(settings.ZEREN_ASSESSMENT_SCORE_MAX),
        help_text="0 to ZEREN_ASSESSMENT_SCORE_MAX (100 by default, an unverified house default).",
    )
    rank = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    ranked_of = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    note = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)


class PublishInput(serializers.Serializer):
    year = serializers.IntegerField(min_value=2021, max_value=2100, help_text=ASSESSED_YEAR_HELP)
    published_on = serializers.DateField(
        validators=[past_date], help_text="Server rule: in or after the assessed year, not in the future"
    )
    channel = serializers.CharField(max_length=200)


class AnnualAssessmentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = AnnualAssessmentSerializer

    def get_queryset(self):
        params = self.request.query_params
        year = year_param(value, 0) if (value := params.get("year")) is not None else None
        department = int_param("department", value) if (value := params.get("department")) is not None else None
        cadre = int_param("cadre", value) if (value := params.get("cadre")) is not None else None
        kind = choice_param("of", params.get("of"), ("department", "cadre"))
        scope = appraisal_scope(self.request.user)
        return api_assessments(scope, year=year, department=department, cadre=cadre, of=kind)

    @extend_schema(
        parameters=[
            year_query(),
            id_query("department"),
            id_query("cadre"),
            OpenApiParameter("of", str, enum=["department", "cadre"]),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=AnnualAssessmentInput, responses={201: AnnualAssessmentSerializer})
    def create(self, request, *args, **kwargs):
        data = validated(AnnualAssessmentInput, request.data)
        row = assessment_services.assessment_record(acting_user=request.user, **data)
        return Response(AnnualAssessmentSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PublishInput, responses={201: inline_serializer("Publication", {"id": serializers.IntegerField()})})
    @action(detail=False, methods=["post"])
    def publish(self, request):
        data = validated(PublishInput, request.data)
        row = assessment_services.publish(acting_user=request.user, **data)
        return Response(
            {"id": row.pk, "year": row.year, "published_on": row.published_on, "channel": row.channel},
            status=status.HTTP_201_CREATED,
        )


class AssessmentReportView(APIView):
    """The year's results as a workbook to publish or circulate (Art. 20)."""

    @extend_schema(
        parameters=[year_query()],
        responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes},
    )
    def get(self, request):
        year = year_param(request.query_params.get("year"), local_today().year)
        content = results_xlsx(year, appraisal_scope(request.user))
        response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="safety-assessment-{year}.xlsx"'
        return response


class PatrolFindingSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)
    case = serializers.SerializerMethodField(
        help_text="The lead it was handed over as, when the viewer can open that case; else null (see handed_over)."
    )
    handed_over = serializers.SerializerMethodField()

    class Meta:
        model = PatrolFinding
        fields = ["id", "patrol", "department", "department_name", "cadres", "text", "case", "handed_over", "recorded_at"]

    def get_case(self, finding: PatrolFinding) -> int | None:
        # As the patrol page does (issue 15, item 9): a case the viewer cannot open is not named.
        if finding.case_id is None:
            return None
        visible = self.context.get("visible_cases")
        if visible is None:
            request = self.context.get("request")
            visible = visible_case_ids(request.user, [finding.case_id]) if request is not None else set()
        return finding.case_id if finding.case_id in visible else None

    def get_handed_over(self, finding: PatrolFinding) -> bool:
        return finding.case_id is not None


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
    started_on = serializers.DateField(validators=[plausible_date])
    ended_on = serializers.DateField(required=False, allow_null=True, validators=[plausible_date])
    led_by = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.all(), required=False, allow_null=True)
    targets = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), many=True)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=8000)


class PatrolFindingInput(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    text = serializers.CharField(max_length=8000)
    cadres = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.all(), many=True, required=False)


class ReferInput(serializers.Serializer):
    circumstances = serializers.ListField(child=serializers.CharField(max_length=CODE_MAX_LENGTH), required=False)


class PatrolViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PatrolSerializer

    def get_queryset(self):
        return api_patrols(appraisal_scope(self.request.user))

    def get_serializer(self, *args, **kwargs):
        # The cases the viewer may open, read once for all the patrols shown (their findings are
        # prefetched), so that a finding names only those.
        if args and self.request is not None:
            patrols = [args[0]] if isinstance(args[0], Patrol) else list(args[0])
            case_ids = [f.case_id for patrol in patrols for f in patrol.findings.all() if f.case_id]
            kwargs.setdefault("context", self.get_serializer_context())
            kwargs["context"]["visible_cases"] = visible_case_ids(self.request.user, case_ids)
        return super().get_serializer(*args, **kwargs)

    @extend_schema(request=PatrolInput, responses={201: PatrolSerializer})
    def create(self, request, *args, **kwargs):
        data = validated(PatrolInput, request.data)
        patrol = assessment_services.patrol_create(acting_user=request.user, **data)
        return Response(PatrolSerializer(self.get_queryset().get(pk=patrol.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PatrolFindingInput, responses={201: PatrolFindingSerializer})
    @action(detail=True, methods=["post"])
    def findings(self, request, pk=None):
        patrol = self.get_object()
        data = validated(PatrolFindingInput, request.data)
        finding = assessment_services.patrol_finding_add(acting_user=request.user, patrol=patrol, **data)
        return Response(PatrolFindingSerializer(finding).data, status=status.HTTP_201_CREATED)


class PatrolFindingReferView(APIView):
    @extend_schema(request=ReferInput, responses={201: inline_serializer("Lead", {"id": serializers.IntegerField()})})
    def post(self, request, pk: int):
        data = validated(ReferInput, request.data)
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
    held_on = serializers.DateField(validators=[past_date])
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    cadre = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.all())
    ground = serializers.ChoiceField(choices=InterviewGround.choices)
    notes = serializers.CharField(max_length=8000)
    assessment = serializers.PrimaryKeyRelatedField(queryset=AnnualAssessment.objects.all(), required=False, allow_null=True)


class InterviewViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = InterviewSerializer

    def get_queryset(self):
        cadre = self.request.query_params.get("cadre")
        return api_interviews(appraisal_scope(self.request.user), cadre=int_param("cadre", cadre) if cadre is not None else None)

    @extend_schema(parameters=[id_query("cadre")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=InterviewInput, responses={201: InterviewSerializer})
    def create(self, request, *args, **kwargs):
        data = validated(InterviewInput, request.data)
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
    granted_on = serializers.DateField(required=False, validators=[past_date])


class _CadreRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RewardCandidateSerializer(serializers.Serializer):
    """One Art. 25 candidate (appraisal.selectors.rewards.candidates), as the list answers it."""

    cadre = _CadreRef()
    year = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=AwardKind.choices)
    kind_label = serializers.CharField()
    excellent_years = serializers.ListField(child=serializers.IntegerField())
    basis = serializers.CharField()
    eligible = serializers.BooleanField()
    blocking = serializers.ListField(child=serializers.DictField(), help_text="what bars an award on ``on``")
    granted = serializers.ChoiceField(choices=AwardKind.choices, allow_null=True, help_text="the award already granted")


class AwardViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = AwardSerializer

    def get_queryset(self):
        return appraisal_scope(self.request.user).awards().order_by("-year", "-id")

    @extend_schema(request=AwardInput, responses={201: AwardSerializer})
    def create(self, request, *args, **kwargs):
        data = validated(AwardInput, request.data)
        award = rewards.award_grant(acting_user=request.user, **data)
        return Response(AwardSerializer(award).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[year_query("default: last year"), date_query("on", "ISO date; default today")],
        responses=RewardCandidateSerializer(many=True),
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def candidates(self, request):
        """Art. 25 candidates for a year, each with the award it calls for and what blocks it."""
        today = local_today()
        year = year_param(request.query_params.get("year"), today.year - 1)
        on = date_param("on", request.query_params.get("on"), today)
        cadre_ids = appraisal_scope(request.user).reward_candidate_cadre_ids()
        return Response(candidates(year, cadre_ids=cadre_ids, on=on))
