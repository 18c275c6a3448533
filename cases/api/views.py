"""API v1 views (PRODUCT §9): thin wrappers over selectors and services (STYLE §1, §5)."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.db.models import Prefetch, Q
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api import serializers as s
from cases.models import Accident, Appeal, Case, ExecutionTask, Referral
from cases.rules.engine import AssessmentInputError
from cases.selectors import (
    FULL,
    accidents_visible_q,
    case_access,
    case_detail_qs,
    case_history,
    case_list,
    case_visible_qs,
)
from cases.services import accidents as accident_services
from cases.services import appeals as appeal_services
from cases.services import cadres as cadre_services
from cases.services.assessments import evaluate
from cases.services.executions import execution_complete
from cases.services.findings import finding_put
from cases.services.leads import lead_create
from cases.services.lifecycle import case_transition
from cases.services.records import cadre_record_with_extensions, require_record_reader, veto_override
from cases.services.referrals import referral_move
from core.errors import NOT_FOUND, InvalidInput, NotFound, NotPermitted
from core.idempotency import key_from, once
from core.persistence import local_today
from org.access import membership_of
from org.jurisdiction import cadres_visible_q, departments_visible_q, user_units
from org.models import Cadre, Department, Post


def _validated(serializer_class, data, **kwargs):
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class TokenView(APIView):
    """Exchange a username and password for an API token."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(request=s.TokenRequestSerializer, responses=inline_serializer("Token", {"token": serializers.CharField()}))
    def post(self, request):
        data = _validated(s.TokenRequestSerializer, request.data)
        # The plain HttpRequest: django-axes marks a lockout on it for its middleware to answer 429.
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None or not user.is_active:
            raise NotPermitted(_("Wrong username or password."), code="authentication_failed")
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class MeView(APIView):
    @extend_schema(responses=inline_serializer("Me", {"id": serializers.IntegerField()}))
    def get(self, request):
        user = request.user
        membership = membership_of(user)
        roles = [membership.rank] if membership else []
        if user.is_superuser:
            roles.append("admin")
        return Response(
            {
                "id": user.pk,
                "username": user.username,
                "name": user.get_full_name() or user.username,
                "department": s.DepartmentBriefSerializer(membership.department).data if membership else None,
                "roles": roles,
            }
        )


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.DepartmentSerializer
    queryset = Department.objects.order_by("id")

    @extend_schema(parameters=[OpenApiParameter("kind", str), OpenApiParameter("parent", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        qs = super().get_queryset().filter(departments_visible_q(self.request.user))
        if kind := self.request.query_params.get("kind"):
            qs = qs.filter(kind=kind)
        if parent := self.request.query_params.get("parent"):
            qs = qs.filter(parent_id=_int_param("parent", parent))
        return qs


def _int_param(name: str, value: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInput({name: [_("Expected an integer.")]}) from None
    if not 0 <= number < 2**63:  # ids are 64-bit; anything else can match nothing
        raise InvalidInput({name: [_("Expected an integer.")]})
    return number


class CadreViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    def get_serializer_class(self):
        return s.CadreDetailSerializer if self.action == "retrieve" else s.CadreSerializer

    def get_queryset(self):
        posts = Post.objects.select_related("organization", "managing_authority").order_by("start", "id")
        visible = Cadre.objects.filter(cadres_visible_q(self.request.user)).values("pk")
        qs = Cadre.objects.filter(pk__in=visible).prefetch_related(Prefetch("posts", queryset=posts)).order_by("id")
        params = self.request.query_params
        current = Q(posts__end__isnull=True)
        if role := params.get("role"):
            qs = qs.filter(current & Q(posts__role=role))
        if department := params.get("department"):
            qs = qs.filter(current & Q(posts__organization_id=_int_param("department", department)))
        if q := params.get("q"):
            qs = qs.filter(name__icontains=q)
        return qs.distinct()

    @extend_schema(parameters=[OpenApiParameter("role", str), OpenApiParameter("department", int), OpenApiParameter("q", str)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.CadreCreateSerializer, responses={201: s.CadreDetailSerializer})
    def create(self, request):
        data = _validated(s.CadreCreateSerializer, request.data)
        cadre = cadre_services.cadre_register(acting_user=request.user, **data)
        return Response(s.CadreDetailSerializer(self.get_queryset().get(pk=cadre.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("on", str, description="ISO date; default today")],
        responses=inline_serializer("CadreRecord", {"eligible_for_promotion": serializers.BooleanField()}),
    )
    @action(detail=True, methods=["get"])
    def record(self, request, pk=None):

        require_record_reader(request.user)
        cadre = get_object_or_404(Cadre.objects.filter(cadres_visible_q(request.user)).distinct(), pk=_pk(pk))
        on = _date_param("on", request.query_params.get("on"), local_today())

        return Response(cadre_record_with_extensions(cadre, on))

    @extend_schema(request=s.MoveSerializer, responses={201: s.CadreDetailSerializer})
    @action(detail=True, methods=["post"])
    def moves(self, request, pk=None):
        cadre = get_object_or_404(Cadre.objects.filter(cadres_visible_q(request.user)).distinct(), pk=_pk(pk))
        data = _validated(s.MoveSerializer, request.data)
        cadre_services.cadre_move(cadre_id=cadre.pk, acting_user=request.user, **data)
        return Response(s.CadreDetailSerializer(self.get_queryset().get(pk=cadre.pk)).data, status=status.HTTP_201_CREATED)


def _date_param(name: str, value: str | None, default=None):
    import datetime as dt

    if not value:
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput({name: [_("Expected an ISO date such as 2026-01-31.")]}) from None


class AccidentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    serializer_class = s.AccidentSerializer
    queryset = Accident.objects.prefetch_related("reports", "reporting_findings").order_by("-occurred_at", "id")
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().filter(accidents_visible_q(self.request.user))

    @extend_schema(request=s.AccidentReportSerializer, responses={201: s.AccidentSerializer})
    @action(detail=True, methods=["post"])
    def reports(self, request, pk=None):
        accident = self.get_object()
        data = _validated(s.AccidentReportSerializer, request.data)
        accident_services.accident_report_add(accident_id=accident.pk, acting_user=request.user, **data)
        return Response(s.AccidentSerializer(self.get_queryset().get(pk=accident.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ReportingFindingSerializer, responses={201: s.AccidentSerializer})
    @action(detail=True, methods=["post"], url_path="reporting-findings")
    def reporting_findings(self, request, pk=None):
        accident = self.get_object()
        data = _validated(s.ReportingFindingSerializer, request.data)
        accident_services.reporting_finding_add(accident_id=accident.pk, acting_user=request.user, **data)
        return Response(s.AccidentSerializer(self.get_queryset().get(pk=accident.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=inline_serializer("AccidentHistory", {"changes": serializers.ListField()}))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        accident = self.get_object()
        rows = accident.history.select_related("history_user").order_by("history_id")
        return Response(
            {
                "changes": [
                    {
                        "date": r.history_date,
                        "user": r.history_user.username if r.history_user else None,
                        "reason": r.history_change_reason or "",
                        "grade": r.grade,
                        "deaths": r.deaths,
                        "serious_injuries": r.serious_injuries,
                        "direct_loss_yuan": r.direct_loss_yuan,
                    }
                    for r in rows
                ]
            }
        )

    def perform_create(self, serializer):
        serializer.instance = accident_services.accident_create(data=serializer.validated_data, acting_user=self.request.user)

    def perform_update(self, serializer):
        serializer.instance = accident_services.accident_update(
            accident_id=serializer.instance.pk, data=serializer.validated_data, acting_user=self.request.user
        )


IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description="Send the same key when retrying after a lost answer: the first attempt's result comes back (200) instead of a second creation.",
)


class LeadView(APIView):
    @extend_schema(
        request=s.LeadSerializer,
        responses={201: s.CaseDetailSerializer, 200: s.CaseDetailSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def post(self, request):

        key = key_from(request)
        data = _validated(s.LeadSerializer, request.data)
        case_id, created = once(
            user=request.user, scope="lead", key=key, create=lambda: lead_create(acting_user=request.user, **data).pk
        )
        return _case_response(request, case_id, status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def _pk(value) -> int:
    """A path id; anything but an integer is simply not found (never a server error)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise NotFound(NOT_FOUND) from None
    if not 0 <= number < 2**63:
        raise NotFound(NOT_FOUND)
    return number


def _case_for(request, pk) -> tuple[Case, str]:
    case = get_object_or_404(Case, pk=_pk(pk))
    access = case_access(case, request.user)
    if access is None:
        raise NotFound(NOT_FOUND)
    return case, access


def _case_body(request, pk) -> dict:
    case, access = _case_for(request, pk)
    if access != FULL:
        return s.CaseOutcomeSerializer(case).data
    return s.CaseDetailSerializer(case_detail_qs().get(pk=pk), context={"request": request}).data


def _case_response(request, pk, http_status=status.HTTP_200_OK) -> Response:
    return _with_etag(Response(_case_body(request, pk), status=http_status))


def _detail_response(request, pk) -> Response:
    """The full detail of a case the user is known to see in full."""
    body = s.CaseDetailSerializer(case_detail_qs().get(pk=pk), context={"request": request}).data
    return _with_etag(Response(body))


def _with_etag(response: Response) -> Response:
    if "version" in response.data:
        response["ETag"] = f'"{response.data["version"]}"'
    return response


def _expected_version(request, from_body) -> int | None:
    """The version the client saw: ``version`` in the body, or an ``If-Match`` ETag."""
    raw = from_body if from_body is not None else request.headers.get("If-Match", "").strip().strip('"') or None
    if raw is None:
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise InvalidInput({"version": [_("Expected the integer version of the case.")]}) from None


class CaseViewSet(viewsets.GenericViewSet):
    serializer_class = s.CaseListSerializer

    def get_queryset(self):
        return case_visible_qs(self.request.user)

    @extend_schema(
        parameters=[OpenApiParameter("state", str), OpenApiParameter("department", int), OpenApiParameter("q", str)],
        responses=s.CaseListSerializer(many=True),
    )
    def list(self, request):
        params = request.query_params
        department = params.get("department")
        qs = case_list(
            user=request.user,
            state=params.get("state"),
            department=_int_param("department", department) if department else None,
            q=params.get("q"),
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.CaseListSerializer(page, many=True).data)

    @extend_schema(responses=s.CaseDetailSerializer)
    def retrieve(self, request, pk=None):
        return _case_response(request, pk)

    @extend_schema(request=s.TransitionSerializer, responses=s.CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def transitions(self, request, pk=None):
        case, access = _case_for(request, pk)
        if access != FULL:
            raise NotFound(NOT_FOUND)
        data = request.data
        if isinstance(data, QueryDict):  # a form post: one value per field
            data = data.dict()
        if not isinstance(data, dict):
            raise InvalidInput({"(body)": [_("Expected a JSON object.")]})
        payload = dict(data)
        name = payload.pop("name", None)
        if not name:
            raise InvalidInput({"name": [_("This field is required.")]})
        expected = _expected_version(request, payload.pop("version", None))
        case_transition(case_id=case.pk, name=name, payload=payload, acting_user=request.user, expected_version=expected)
        # Access is not checked again: a transition never takes a case from the department that
        # just moved it (ownership changes only when a transfer is accepted, by the target).
        return _detail_response(request, case.pk)

    @extend_schema(responses=inline_serializer("History", {"events": s.EventSerializer(many=True)}))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        case, access = _case_for(request, pk)
        if access != FULL:
            raise NotFound(NOT_FOUND)
        events = case.events.select_related("actor").order_by("seq")
        return Response({"events": s.EventSerializer(events, many=True).data, "changes": case_history(case)})


class FindingView(APIView):
    @extend_schema(
        request=s.FindingInputSerializer,
        responses=inline_serializer("AssessmentOutput", {"accountable": serializers.BooleanField()}),
    )
    def put(self, request, case_pk, subject_pk):
        case, access = _case_for(request, case_pk)
        if access != FULL:
            raise NotFound(NOT_FOUND)
        output = finding_put(case_id=case.pk, subject_id=_pk(subject_pk), data=request.data, acting_user=request.user)
        return Response(output)


class VetoOverrideView(APIView):
    @extend_schema(
        request=s.VetoOverrideSerializer, responses=inline_serializer("VetoOverride", {"until": serializers.DateField()})
    )
    def post(self, request, case_pk, subject_pk):

        # The organization department keeps cadre records and may override a veto before it
        # executes anything on the case, so the right is checked by the service, not by access.
        case = get_object_or_404(Case, pk=_pk(case_pk))
        units = user_units(request.user)
        if not case.subjects.filter(pk=_pk(subject_pk)).exists() or (units is not None and case.owner_department_id not in units):
            raise NotFound(NOT_FOUND)  # another jurisdiction's case does not exist for this user
        data = _validated(s.VetoOverrideSerializer, request.data)
        override = veto_override(subject_id=_pk(subject_pk), acting_user=request.user, **data)
        return Response(
            {
                "subject": override.subject_id,
                "until": override.until,
                "reason": override.reason,
                "decided_by": request.user.username,
            },
            status=status.HTTP_201_CREATED,
        )


class ReferralViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ReferralSerializer

    def get_queryset(self):
        membership = membership_of(self.request.user)
        qs = Referral.objects.select_related("from_department", "to_department").order_by("-created_at", "-id")
        if not self.request.user.is_superuser:
            if membership is None:
                return qs.none()
            d = membership.department_id
            qs = qs.filter(Q(from_department_id=d) | Q(to_department_id=d))
        if case := self.request.query_params.get("case"):
            qs = qs.filter(case_id=_int_param("case", case))
        if state := self.request.query_params.get("state"):
            qs = qs.filter(state=state)
        return qs

    @extend_schema(parameters=[OpenApiParameter("case", int), OpenApiParameter("state", str)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _move(self, request, pk, move):
        referral = self.get_object()
        data = _validated(s.ReasonSerializer, request.data)
        referral = referral_move(referral_id=referral.pk, move=move, acting_user=request.user, reason=data.get("reason", ""))
        return Response(s.ReferralSerializer(referral).data)

    @extend_schema(request=s.ReasonSerializer, responses=s.ReferralSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self._move(request, pk, "acknowledge")

    @extend_schema(request=s.ReasonSerializer, responses=s.ReferralSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._move(request, pk, "accept")

    @extend_schema(request=s.ReasonSerializer, responses=s.ReferralSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._move(request, pk, "return")


class ExecutionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ExecutionSerializer

    def get_queryset(self):
        qs = ExecutionTask.objects.select_related("department", "measure", "subject__cadre").order_by("id")
        user = self.request.user
        if not user.is_superuser:
            membership = membership_of(user)
            if membership is None:
                return qs.none()
            d = membership.department_id
            qs = qs.filter(Q(department_id=d) | Q(case__owner_department_id=d))
        if case := self.request.query_params.get("case"):
            qs = qs.filter(case_id=_int_param("case", case))
        if state := self.request.query_params.get("state"):
            qs = qs.filter(state=state)
        return qs

    @extend_schema(parameters=[OpenApiParameter("case", int), OpenApiParameter("state", str)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.NoteSerializer, responses=s.ExecutionSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        task = self.get_object()
        data = _validated(s.NoteSerializer, request.data)
        task = execution_complete(task_id=task.pk, acting_user=request.user, note=data.get("note", ""))
        return Response(s.ExecutionSerializer(self.get_queryset().get(pk=task.pk)).data)


class AppealViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.AppealSerializer

    def get_queryset(self):
        qs = Appeal.objects.select_related("deciding_department").order_by("-filed_on", "-id")
        user = self.request.user
        if not user.is_superuser:
            membership = membership_of(user)
            if membership is None:
                return qs.none()
            qs = qs.filter(
                Q(deciding_department_id=membership.department_id) | Q(case__owner_department_id=membership.department_id)
            )
        if case := self.request.query_params.get("case"):
            qs = qs.filter(case_id=_int_param("case", case))
        return qs

    @extend_schema(request=s.AppealCreateSerializer, responses={201: s.AppealSerializer})
    def create(self, request, *args, **kwargs):
        data = _validated(s.AppealCreateSerializer, request.data)
        case, access = _case_for(request, data["case"])
        if access != FULL:
            raise NotFound(NOT_FOUND)
        appeal = appeal_services.appeal_file(
            case_id=case.pk,
            subject_id=data["subject"],
            filed_on=data["filed_on"],
            grounds=data["grounds"],
            acting_user=request.user,
        )
        return Response(s.AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)

    def _decide(self, request, outcome):
        appeal = self.get_object()
        data = _validated(s.AppealDecisionSerializer, request.data)
        appeal = appeal_services.appeal_decide(
            appeal_id=appeal.pk, outcome=outcome, reason=data["reason"], measures=data.get("measures"), acting_user=request.user
        )
        return Response(s.AppealSerializer(appeal).data)

    @extend_schema(request=s.AppealDecisionSerializer, responses=s.AppealSerializer)
    @action(detail=True, methods=["post"])
    def uphold(self, request, pk=None):
        return self._decide(request, "upheld")

    @extend_schema(request=s.AppealDecisionSerializer, responses=s.AppealSerializer)
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        return self._decide(request, "revised")


class EvaluateView(APIView):
    """The rule engine over HTTP: the same function as ``manage.py assess``."""

    @extend_schema(
        request=s.AssessmentInputSerializer,
        responses=inline_serializer("Evaluation", {"accountable": serializers.BooleanField()}),
    )
    def post(self, request):
        try:
            output, _snap = evaluate(request.data)
        except AssessmentInputError as exc:
            raise InvalidInput({exc.field: [exc.message]}) from exc
        return Response(output)
