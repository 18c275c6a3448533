"""API v1: accidents, their report chains and reporting findings (PRODUCT §1.5, §9)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cases.api import serializers as s
from cases.models import Accident
from cases.selectors import accident_history, accidents_visible
from cases.selectors.handling import reads_accidents
from cases.services import accidents as accident_services
from core.api.params import validated
from core.errors import NotPermitted


class AccidentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    serializer_class = s.AccidentSerializer
    queryset = Accident.objects.none()  # for the schema; get_queryset reads through the selector
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        # None for a department whose accident pages answer 403: the list shows what the pages show.
        return accidents_visible(self.request.user)

    def get_object(self):
        # One accident of a department whose accident pages answer 403: 403 here too, as before.
        if not reads_accidents(self.request.user):
            raise NotPermitted(_("Accidents are recorded by emergency management, regulators or the discipline organ."))
        return super().get_object()

    @extend_schema(request=s.AccidentReportSerializer, responses={201: s.AccidentSerializer})
    @action(detail=True, methods=["post"])
    def reports(self, request, pk=None):
        accident = self.get_object()
        data = validated(s.AccidentReportSerializer, request.data)
        accident_services.accident_report_add(accident_id=accident.pk, acting_user=request.user, **data)
        return Response(s.AccidentSerializer(self.get_queryset().get(pk=accident.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ReportingFindingSerializer, responses={201: s.AccidentSerializer})
    @action(detail=True, methods=["post"], url_path="reporting-findings")
    def reporting_findings(self, request, pk=None):
        accident = self.get_object()
        data = validated(s.ReportingFindingSerializer, request.data)
        accident_services.reporting_finding_add(accident_id=accident.pk, acting_user=request.user, **data)
        return Response(s.AccidentSerializer(self.get_queryset().get(pk=accident.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=inline_serializer("AccidentHistory", {"changes": serializers.ListField()}))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        accident = self.get_object()
        rows = accident_history(accident)
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
