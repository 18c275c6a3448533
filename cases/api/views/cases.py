"""API v1: leads, cases and their transitions, findings, veto overrides, the rule engine
(PRODUCT §1.6, §2, §9)."""

from __future__ import annotations

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api import serializers as s
from cases.codes import CaseState
from cases.models import Case, CaseSubject
from cases.rules.engine import AssessmentInputError
from cases.selectors import (
    FULL,
    case_access,
    case_detail,
    case_detail_relations,
    case_detail_row,
    case_events,
    case_history,
    case_list,
    case_or_none,
    case_subject_exists,
    case_visible_qs,
    filing_by_id,
)
from cases.selectors.assessments import caller_county, evaluate
from cases.selectors.exemption import art31_ledger, engine_full_performance, subject_for_findings
from cases.selectors.interim import case_subject_or_none, interim_by_id, interim_visible, subject_interim_measures
from cases.services.exemption import gap_explanation_record
from cases.services.filings import subject_file
from cases.services.findings import finding_put
from cases.services.interim import interim_lift, interim_record, interim_settle
from cases.services.leads import lead_create
from cases.services.lifecycle import case_transition
from cases.services.records import veto_override
from core.api.params import check_bounds, choices_param, choices_query, id_query, int_param, pk_param, validated
from core.errors import NOT_FOUND, InvalidInput, NotFound
from core.idempotency import key_from, once
from org.jurisdiction import user_units

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description="Send the same key when retrying after a lost answer: the first attempt's result comes back (200) instead of a second creation.",
)


# What the caller sees of a case: everything (``access: full``) or, for the agency that referred
# the lead, its status and outcome only (``access: source``, PRODUCT §9).
CASE_VIEW = PolymorphicProxySerializer(
    component_name="CaseView",
    serializers={"full": s.CaseDetailSerializer, "source": s.CaseOutcomeSerializer},
    resource_type_field_name="access",
)


class LeadView(APIView):
    @extend_schema(
        request=s.LeadSerializer,
        responses={201: CASE_VIEW, 200: CASE_VIEW},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def post(self, request):

        key = key_from(request)
        data = validated(s.LeadSerializer, request.data)
        case_id, created = once(
            user=request.user, scope="lead", key=key, create=lambda: lead_create(acting_user=request.user, **data).pk
        )
        return _case_response(request, case_id, status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def case_for(request, pk) -> tuple[Case, str]:
    case = case_or_none(pk_param(pk))
    if case is None:
        raise NotFound(NOT_FOUND)
    access = case_access(case, request.user)
    if access is None:
        raise NotFound(NOT_FOUND)
    return case, access


def _case_body(request, pk) -> dict:
    # The detail's case row is read first and checked: one read of the row, not two; the rest of
    # the detail only for full access (a referring agency sees the outcome alone).
    case = case_detail_row(pk_param(pk))
    access = case_access(case, request.user) if case is not None else None
    if case is None or access is None:
        raise NotFound(NOT_FOUND)
    if access != FULL:
        return s.CaseOutcomeSerializer(case).data
    case_detail_relations(case)
    return s.CaseDetailSerializer(case, context={"request": request}).data


def _case_response(request, pk, http_status=status.HTTP_200_OK) -> Response:
    return _with_etag(Response(_case_body(request, pk), status=http_status))


def _detail_response(request, pk) -> Response:
    """The full detail of a case the user is known to see in full."""
    case = case_detail(pk)
    if case is None:  # not after a transition (cases are never deleted); for the type
        raise NotFound(NOT_FOUND)
    body = s.CaseDetailSerializer(case, context={"request": request}).data
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
        parameters=[
            choices_query("state", CaseState.values, "one state or several, comma-separated"),
            id_query("department", "the owning department"),
            OpenApiParameter("q", str, description="number, title, facts or a subject's name"),
        ],
        responses=s.CaseListSerializer(many=True),
    )
    def list(self, request):
        params = request.query_params
        department = params.get("department")
        qs = case_list(
            user=request.user,
            state=",".join(choices_param("state", params.get("state"), CaseState.values) or []) or None,
            department=int_param("department", department) if department is not None else None,
            q=params.get("q"),
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.CaseListSerializer(page, many=True).data)

    @extend_schema(responses=CASE_VIEW)
    def retrieve(self, request, pk=None):
        return _case_response(request, pk)

    @extend_schema(request=s.TransitionSerializer, responses=s.CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def transitions(self, request, pk=None):
        case, access = case_for(request, pk)
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
        check_bounds(s.TransitionSerializer, payload)
        expected = _expected_version(request, payload.pop("version", None))
        case_transition(case_id=case.pk, name=name, payload=payload, acting_user=request.user, expected_version=expected)
        # Access is not checked again: a transition never takes a case from the department that
        # just moved it (ownership changes only when a transfer is accepted, by the target).
        return _detail_response(request, case.pk)

    @extend_schema(responses=inline_serializer("History", {"events": s.EventSerializer(many=True)}))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        case, access = case_for(request, pk)
        if access != FULL:
            raise NotFound(NOT_FOUND)
        events = case_events(case)
        return Response({"events": s.EventSerializer(events, many=True).data, "changes": case_history(case)})


class FindingView(APIView):
    @extend_schema(responses=s.SubjectFindingsSerializer)
    def get(self, request, case_pk, subject_pk):
        """A subject's findings with Art. 31's three findings, what the rule engine is given for
        them, and the duty ledger's gaps over the twelve months up to the conduct, each with its
        explanation or the link to record one (issue 13)."""
        case, access = case_for(request, case_pk)
        if access != FULL:
            raise NotFound(NOT_FOUND)
        subject = subject_for_findings(case.pk, pk_param(subject_pk))
        if subject is None:
            raise NotFound(NOT_FOUND)
        return Response(s.SubjectFindingsSerializer(_findings_body(case, subject)).data)

    @extend_schema(
        request=s.FindingInputSerializer,
        responses=inline_serializer("AssessmentOutput", {"accountable": serializers.BooleanField()}),
    )
    def put(self, request, case_pk, subject_pk):
        case, access = case_for(request, case_pk)
        if access != FULL:
            raise NotFound(NOT_FOUND)
        check_bounds(s.FindingInputSerializer, request.data)
        output = finding_put(case_id=case.pk, subject_id=pk_param(subject_pk), data=request.data, acting_user=request.user)
        return Response(output)


class FilingView(APIView):
    """立案 of one subject (《监察法》第四十二条): a leader of the discipline organ handling the case
    records that they approved it. From the filing date the subject is 被立案调查 and
    《公职人员政务处分法》第五十二条 bars moving, promoting and rewarding them (the cadre record)."""

    @extend_schema(
        summary="Record the 立案 of a subject",
        request=s.FilingInputSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={
            201: s.FilingSerializer,
            200: OpenApiResponse(s.FilingSerializer, description="A retry with the same Idempotency-Key: the first filing."),
            400: OpenApiResponse(
                s.ErrorSerializer,
                description="invalid: `filed_on` missing, in the future, before the case was opened or after the "
                "findings were submitted; `reason` empty.",
            ),
            403: OpenApiResponse(
                s.ErrorSerializer,
                description="not_permitted: not a leader of the discipline organ handling the case, or the case "
                "is not handled by a discipline organ.",
            ),
            404: OpenApiResponse(s.ErrorSerializer, description="not_found: no such case or subject, or no full access."),
            409: OpenApiResponse(
                s.ErrorSerializer,
                description="precondition_failed: the case is not under investigation (investigating to approving), "
                "or the subject was already filed.",
            ),
        },
    )
    def post(self, request, case_pk, subject_pk):
        case, access = case_for(request, case_pk)
        if access != FULL or not case_subject_exists(case, pk_param(subject_pk)):
            raise NotFound(NOT_FOUND)
        data = validated(s.FilingInputSerializer, request.data)
        filing_id, created = once(
            user=request.user,
            scope="filing",
            key=key_from(request),
            create=lambda: (
                subject_file(
                    case_id=case.pk,
                    subject_id=pk_param(subject_pk),
                    filed_on=data["filed_on"],
                    reason=data["reason"],
                    acting_user=request.user,
                ).pk
            ),
        )
        filing = filing_by_id(filing_id)
        return Response(s.FilingSerializer(filing).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def _findings_body(case, subject) -> dict:
    finding = getattr(subject, "finding", None) if hasattr(subject, "finding") else None
    ledger = art31_ledger(subject, finding.conduct_date) if finding is not None else None
    href = reverse("case-ledger-gaps", args=[case.pk, subject.pk])
    return {
        "subject": subject.pk,
        "finding": s.SubjectSerializer().get_finding(subject),
        "full_performance": engine_full_performance(finding, ledger),
        "art31_ledger": None
        if ledger is None
        else {
            "start": ledger["from"],
            "end": ledger["to"],
            "as_of": ledger["as_of"],
            "obligations": len(ledger["obligations"]),
            "backed": ledger["backed"],
            "gaps": [
                {
                    **gap,
                    "explain": {
                        "method": "POST",
                        "href": href,
                        "body": {"obligation": gap["obligation"], "period_start": gap["start"].isoformat()},
                    },
                }
                for gap in ledger["gaps"]
            ],
        },
    }


class LedgerGapExplanationView(APIView):
    @extend_schema(request=s.GapExplanationInputSerializer, responses={201: s.GapExplanationSerializer})
    def post(self, request, case_pk, subject_pk):
        """Record why a gap the duty ledger shows does not stand against Art. 31 (a second
        explanation of the same block replaces the first; the history keeps both)."""
        case, access = case_for(request, case_pk)
        if access != FULL:
            raise NotFound(NOT_FOUND)
        data = request.data
        if not isinstance(data, dict):
            raise InvalidInput({"(body)": [_("Expected a JSON object.")]})
        unknown = sorted(set(data) - set(s.GapExplanationInputSerializer().fields))
        if unknown:
            raise InvalidInput({name: [_("Unknown field.")] for name in unknown})
        check_bounds(s.GapExplanationInputSerializer, data)
        explanation = gap_explanation_record(
            case_id=case.pk,
            subject_id=pk_param(subject_pk),
            obligation_id=data.get("obligation"),
            period_start=data.get("period_start"),
            reason=data.get("reason"),
            evidence=data.get("evidence", ""),
            duty_records=data.get("duty_records", []),
            acting_user=request.user,
        )
        return Response(s.GapExplanationSerializer(explanation).data, status=status.HTTP_201_CREATED)


class VetoOverrideView(APIView):
    @extend_schema(
        request=s.VetoOverrideSerializer, responses=inline_serializer("VetoOverride", {"until": serializers.DateField()})
    )
    def post(self, request, case_pk, subject_pk):

        # The organization department keeps cadre records and may override a veto before it
        # executes anything on the case, so the right is checked by the service, not by access.
        case = case_or_none(pk_param(case_pk))
        if case is None:
            raise NotFound(NOT_FOUND)
        units = user_units(request.user)
        if not case_subject_exists(case, pk_param(subject_pk)) or (units is not None and case.owner_department_id not in units):
            raise NotFound(NOT_FOUND)  # another jurisdiction's case does not exist for this user
        data = validated(s.VetoOverrideSerializer, request.data)
        override = veto_override(subject_id=pk_param(subject_pk), acting_user=request.user, **data)
        return Response(
            {
                "subject": override.subject_id,
                "until": override.until,
                "reason": override.reason,
                "decided_by": request.user.username,
            },
            status=status.HTTP_201_CREATED,
        )


class EvaluateView(APIView):
    """The rule engine over HTTP: the same function as ``manage.py assess``."""

    @extend_schema(
        request=s.AssessmentInputSerializer,
        responses=s.EvaluationSerializer,
    )
    def post(self, request):
        check_bounds(s.AssessmentInputSerializer, request.data)
        try:
            output, _snap = evaluate(request.data, jurisdiction=caller_county(request.user))
        except AssessmentInputError as exc:
            raise InvalidInput({exc.field: [exc.message]}) from exc
        return Response(output)


# --- 先期处置: interim suspension or removal from post (docs/interim-measures.md) -----------------


def _interim_subject(request, case_pk, subject_pk) -> tuple[Case, CaseSubject]:
    """The case and subject if the user may see its interim measures (``interim_visible``); 404
    otherwise, as for a case the user cannot see."""
    case = case_or_none(pk_param(case_pk))
    if case is None:
        raise NotFound(NOT_FOUND)
    subject = case_subject_or_none(case, pk_param(subject_pk))
    if subject is None or not interim_visible(request.user, case, subject):
        raise NotFound(NOT_FOUND)
    return case, subject


_INTERIM_403 = OpenApiResponse(
    s.ErrorSerializer,
    description="not_permitted: not a leader of the authority that manages the cadre's post (干部管理权限; for lift and "
    "settle: of the authority that ordered the measure).",
)
_INTERIM_404 = OpenApiResponse(
    s.ErrorSerializer,
    description="not_found: no such case, subject or measure, or the user is neither on the case, nor in the authority "
    "managing the post, nor in the organization department or discipline organ of the case's jurisdiction.",
)


class InterimMeasureView(APIView):
    """先期处置 of one subject: an interim suspension (先期停职) or removal from post (先期免职) decided by
    the authority that manages the cadre's post (the county's organization department, or the
    city's for the cadres the city manages) before the findings. While in force the cadre record
    bars promotion; when the case is decided each is absorbed by the final measure or lifted."""

    @extend_schema(
        summary="List a subject's interim measures", responses={200: s.InterimMeasureSerializer(many=True), 404: _INTERIM_404}
    )
    def get(self, request, case_pk, subject_pk):
        _case, subject = _interim_subject(request, case_pk, subject_pk)
        return Response(s.InterimMeasureSerializer(subject_interim_measures(subject), many=True).data)

    @extend_schema(
        summary="Record an interim suspension or removal from post",
        request=s.InterimMeasureInputSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={
            201: s.InterimMeasureSerializer,
            200: OpenApiResponse(s.InterimMeasureSerializer, description="A retry with the same Idempotency-Key: the first one."),
            400: OpenApiResponse(
                s.ErrorSerializer,
                description="invalid: `kind` unknown; `ordered_on` missing, in the future, before the accident or the "
                "conduct; `reason` empty.",
            ),
            403: _INTERIM_403,
            404: _INTERIM_404,
            409: OpenApiResponse(
                s.ErrorSerializer,
                description="precondition_failed: the case is not between investigating and approving; the cadre "
                "holds no post; a measure of the same kind is in force; a suspension of a cadre already removed.",
            ),
        },
    )
    def post(self, request, case_pk, subject_pk):
        case, subject = _interim_subject(request, case_pk, subject_pk)
        data = validated(s.InterimMeasureInputSerializer, request.data)
        measure_id, created = once(
            user=request.user,
            scope="interim_measure",
            key=key_from(request),
            create=lambda: (
                interim_record(
                    case_id=case.pk,
                    subject_id=subject.pk,
                    kind=data["kind"],
                    ordered_on=data["ordered_on"],
                    reason=data["reason"],
                    acting_user=request.user,
                ).pk
            ),
        )
        body = s.InterimMeasureSerializer(interim_by_id(measure_id)).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class InterimLiftView(APIView):
    @extend_schema(
        summary="Lift (解除) an interim measure",
        request=s.InterimLiftSerializer,
        responses={
            200: s.InterimMeasureSerializer,
            400: OpenApiResponse(
                s.ErrorSerializer,
                description="invalid: `lifted_on` missing, in the future or before the measure; `reason` empty.",
            ),
            403: _INTERIM_403,
            404: _INTERIM_404,
            409: OpenApiResponse(s.ErrorSerializer, description="precondition_failed: the measure is no longer in force."),
        },
    )
    def post(self, request, case_pk, subject_pk, pk):
        """Any time while it is in force, also after the case ended without a decision."""
        case, subject = _interim_subject(request, case_pk, subject_pk)
        data = validated(s.InterimLiftSerializer, request.data)
        measure = interim_lift(
            case_id=case.pk,
            subject_id=subject.pk,
            measure_id=pk_param(pk),
            lifted_on=data["lifted_on"],
            reason=data["reason"],
            acting_user=request.user,
        )
        return Response(s.InterimMeasureSerializer(interim_by_id(measure.pk)).data)


class InterimSettleView(APIView):
    @extend_schema(
        summary="Settle an interim measure at the decision: absorbed (吸收) or lifted (解除)",
        request=s.InterimSettleSerializer,
        responses={
            200: s.InterimMeasureSerializer,
            400: OpenApiResponse(
                s.ErrorSerializer,
                description="invalid: `outcome` unknown, or `absorbed` while no decided measure of the subject takes "
                "them off the post; `reason` empty.",
            ),
            403: _INTERIM_403,
            404: _INTERIM_404,
            409: OpenApiResponse(
                s.ErrorSerializer,
                description="precondition_failed: the case is not `decided`, or the measure is no longer in force.",
            ),
        },
    )
    def post(self, request, case_pk, subject_pk, pk):
        """While the case is ``decided``: ``deliver`` answers 409 until every interim measure of the
        case is absorbed or lifted."""
        case, subject = _interim_subject(request, case_pk, subject_pk)
        data = validated(s.InterimSettleSerializer, request.data)
        measure = interim_settle(
            case_id=case.pk,
            subject_id=subject.pk,
            measure_id=pk_param(pk),
            outcome=data["outcome"],
            reason=data["reason"],
            acting_user=request.user,
        )
        return Response(s.InterimMeasureSerializer(interim_by_id(measure.pk)).data)
