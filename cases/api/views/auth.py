"""API v1: tokens and who am I (PRODUCT §9)."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api import serializers as s
from core.api.params import validated
from core.auth import token_for
from core.errors import NotPermitted
from org.access import membership_of


class TokenView(APIView):
    """Exchange a username and password for an API token."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(request=s.TokenRequestSerializer, responses=inline_serializer("Token", {"token": serializers.CharField()}))
    def post(self, request):
        data = validated(s.TokenRequestSerializer, request.data)
        # The plain HttpRequest: django-axes marks a lockout on it for its middleware to answer 429.
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None or not user.is_active:
            raise NotPermitted(_("Wrong username or password."), code="authentication_failed")
        return Response({"token": token_for(user)})


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
