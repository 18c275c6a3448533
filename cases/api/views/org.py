"""API v1: departments and cadres (PRODUCT §9)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cases.api import serializers as s
from cases.selectors.records import cadre_record_with_extensions, reads_records, require_record_reader
from cases.services import cadres as cadre_services
from core.api.params import choice_param, choice_query, date_param, date_query, id_query, int_param, pk_param, validated
from core.persistence import local_today
from org.codes import DepartmentKind, Role
from org.models import Cadre, Department
from org.selectors import cadre_rows_visible, cadres_visible, departments_visible


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.DepartmentSerializer
    queryset = Department.objects.none()  # for the schema; get_queryset reads through the selector

    @extend_schema(parameters=[choice_query("kind", DepartmentKind.values), id_query("parent")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        parent = params.get("parent")
        return departments_visible(
            self.request.user,
            kind=choice_param("kind", params.get("kind"), DepartmentKind.values),
            parent=int_param("parent", parent) if parent is not None else None,
        )


class CadreViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    def get_serializer_class(self):
        return s.CadreDetailSerializer if self.action == "retrieve" else s.CadreSerializer

    def get_queryset(self):
        params = self.request.query_params
        department = params.get("department")
        if not reads_records(self.request.user):
            # The cadre pages answer 403 to such a department: the API lists no cadre to it either.
            return Cadre.objects.none()
        return cadres_visible(
            self.request.user,
            role=choice_param("role", params.get("role"), Role.values),
            department=int_param("department", department) if department is not None else None,
            q=params.get("q") or None,
        )

    @extend_schema(
        parameters=[choice_query("role", Role.values), id_query("department"), OpenApiParameter("q", str, description="name")]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_object(self):
        # One cadre of a department whose cadre pages answer 403: 403 (the record's refusal).
        require_record_reader(self.request.user)
        return super().get_object()

    @extend_schema(request=s.CadreCreateSerializer, responses={201: s.CadreDetailSerializer})
    def create(self, request):
        data = validated(s.CadreCreateSerializer, request.data)
        cadre = cadre_services.cadre_register(acting_user=request.user, **data)
        return Response(s.CadreDetailSerializer(self.get_queryset().get(pk=cadre.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[date_query("on", "ISO date; default today")],
        responses=inline_serializer("CadreRecord", {"eligible_for_promotion": serializers.BooleanField()}),
    )
    @action(detail=True, methods=["get"])
    def record(self, request, pk=None):

        require_record_reader(request.user)
        cadre = get_object_or_404(cadre_rows_visible(request.user), pk=pk_param(pk))
        on = date_param("on", request.query_params.get("on"), local_today())

        return Response(cadre_record_with_extensions(cadre, on))

    @extend_schema(
        request=s.MoveSerializer,
        responses={
            201: s.CadreDetailSerializer,
            400: OpenApiResponse(s.ErrorSerializer, description="invalid: a field is wrong, or a confirmation without `reason`."),
            403: OpenApiResponse(
                s.ErrorSerializer,
                description="not_permitted: not the organization department, a post that a higher authority manages "
                "(干部管理权限: only that authority records the move; the message names it), or an officer confirming "
                "a move of a cadre under investigation (only its leaders may).",
            ),
            409: OpenApiResponse(
                s.UnderInvestigationErrorSerializer,
                description="under_investigation: the cadre is filed (立案) in the listed open cases; 政务处分法第五十二条 "
                "bars the move unless a leader confirms it (`confirm_under_investigation` with `reason`). "
                "precondition_failed: the cadre has retired.",
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def moves(self, request, pk=None):
        cadre = get_object_or_404(cadre_rows_visible(request.user), pk=pk_param(pk))
        data = validated(s.MoveSerializer, request.data)
        cadre_services.cadre_move(cadre_id=cadre.pk, acting_user=request.user, **data)
        return Response(s.CadreDetailSerializer(self.get_queryset().get(pk=cadre.pk)).data, status=status.HTTP_201_CREATED)
