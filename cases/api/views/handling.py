"""API v1: referrals, execution tasks and appeals (PRODUCT §5, §6, §9)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cases.api import serializers as s
from cases.api.views.cases import case_for
from cases.models import ExecutionTask, Referral
from cases.selectors import FULL, appeals_visible, executions_visible, referrals_visible
from cases.services import appeals as appeal_services
from cases.services.executions import execution_complete
from cases.services.referrals import referral_move
from core.api.params import choice_param, choice_query, id_query, int_param, validated
from core.errors import NOT_FOUND, NotFound


def _case_and_state(params: Any, states: Any = ()) -> tuple[int | None, str | None]:
    case = params.get("case")
    return (int_param("case", case) if case is not None else None), choice_param("state", params.get("state"), states)


class ReferralViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ReferralSerializer

    def get_queryset(self):
        case, state = _case_and_state(self.request.query_params, Referral.State.values)
        return referrals_visible(self.request.user, case=case, state=state)

    @extend_schema(parameters=[id_query("case"), choice_query("state", Referral.State.values)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _move(self, request, pk, move):
        referral = self.get_object()
        data = validated(s.ReasonSerializer, request.data)
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
        case, state = _case_and_state(self.request.query_params, ExecutionTask.State.values)
        return executions_visible(self.request.user, case=case, state=state)

    @extend_schema(parameters=[id_query("case"), choice_query("state", ExecutionTask.State.values)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.NoteSerializer, responses=s.ExecutionSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        task = self.get_object()
        data = validated(s.NoteSerializer, request.data)
        task = execution_complete(task_id=task.pk, acting_user=request.user, note=data.get("note", ""))
        return Response(s.ExecutionSerializer(self.get_queryset().get(pk=task.pk)).data)


class AppealViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.AppealSerializer

    def get_queryset(self):
        case = self.request.query_params.get("case")
        return appeals_visible(self.request.user, case=int_param("case", case) if case is not None else None)

    @extend_schema(parameters=[id_query("case")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.AppealCreateSerializer, responses={201: s.AppealSerializer})
    def create(self, request, *args, **kwargs):
        data = validated(s.AppealCreateSerializer, request.data)
        case, access = case_for(request, data["case"])
        if access != FULL:
            raise NotFound(NOT_FOUND)
        appeal = appeal_services.appeal_file(
            case_id=case.pk,
            subject_id=data["subject"],
            filed_on=data["filed_on"],
            grounds=data["grounds"],
            route=data.get("route"),
            stage=data.get("stage"),
            previous_id=data.get("previous"),
            measure_ids=data.get("measures"),
            deciding_department_id=data.get("deciding_department"),
            acting_user=request.user,
        )
        return Response(s.AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)

    def _decide(self, request, outcome):
        appeal = self.get_object()
        data = validated(s.AppealDecisionSerializer, request.data)
        appeal = appeal_services.appeal_decide(
            appeal_id=appeal.pk,
            outcome=outcome,
            reason=data["reason"],
            measures=data.get("measures"),
            delivered_on=data.get("delivered_on"),
            acting_user=request.user,
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
