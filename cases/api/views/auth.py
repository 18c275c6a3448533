"""API v1: tokens and who am I (PRODUCT §9).

``POST auth/token/`` exchanges a username and password for a new token (``{token, expires_at}``);
wrong credentials are a 401 with ``WWW-Authenticate: Token``. ``DELETE auth/token/`` and
``POST auth/logout/`` revoke the token the request came with (and end a browser session);
``GET auth/tokens/`` lists the caller's live tokens, ``DELETE auth/tokens/{id}/`` revokes one.
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.contrib.auth import logout as session_logout
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api import serializers as s
from core.api.params import validated
from core.auth import issue_token, revoke, token_of, tokens_of
from core.errors import NotFound
from core.models import ApiToken
from org.access import membership_of

WRONG_CREDENTIALS = gettext_lazy("Wrong username or password.")

_UNAUTHENTICATED = OpenApiResponse(
    s.ErrorSerializer,
    description="not_authenticated or authentication_failed (no, a wrong, an expired or a revoked token); "
    "the response carries `WWW-Authenticate: Token`.",
)
_TOKEN = inline_serializer(
    "Token",
    {
        "token": serializers.CharField(help_text="Send as `Authorization: Token <token>`; shown only here."),
        "expires_at": serializers.DateTimeField(help_text="After this the token is refused (401); sign in again."),
    },
)


class ApiTokenSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField(help_text="The token this request was made with.")

    class Meta:
        model = ApiToken
        fields = ["id", "prefix", "created", "expires_at", "last_used", "current"]
        read_only_fields = fields

    def get_current(self, token: ApiToken) -> bool:
        return bool(
            token.pk == getattr(self.context["request"].auth, "pk", None) and isinstance(self.context["request"].auth, ApiToken)
        )


def _revoke_request_credentials(request) -> None:
    if isinstance(request.successful_authenticator, SessionAuthentication):
        session_logout(request._request)  # user_logged_out: every token of the user goes too
    elif request.auth is not None:
        revoke(request.auth)


class TokenView(APIView):
    """Exchange a username and password for an API token; revoke the one in use."""

    def get_authenticators(self):
        # Signing in takes no credentials (a stale header must not stand in the way).
        if getattr(self.request, "method", None) == "POST":
            return []
        return super().get_authenticators()

    def get_permissions(self):
        if getattr(self.request, "method", None) == "POST":
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_authenticate_header(self, request):
        return "Token"  # so wrong credentials are a 401, not a 403

    @extend_schema(
        auth=[],
        request=s.TokenRequestSerializer,
        responses={
            200: _TOKEN,
            400: OpenApiResponse(s.ErrorSerializer, description="invalid: username or password missing."),
            401: OpenApiResponse(
                s.ErrorSerializer, description="authentication_failed: wrong username or password (`WWW-Authenticate: Token`)."
            ),
            429: OpenApiResponse(
                s.ErrorSerializer, description="locked_out: too many failures for this account from this address."
            ),
        },
    )
    def post(self, request):
        data = validated(s.TokenRequestSerializer, request.data)
        # The plain HttpRequest: django-axes marks a lockout on it for its middleware to answer 429.
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None or not user.is_active:
            raise exceptions.AuthenticationFailed(WRONG_CREDENTIALS)
        token, key = issue_token(user)
        return Response({"token": key, "expires_at": token.expires_at})

    @extend_schema(request=None, responses={204: None, 401: _UNAUTHENTICATED})
    def delete(self, request):
        _revoke_request_credentials(request)
        return Response(status=204)


class LogoutView(APIView):
    """Sign out: revoke the token the request came with; a browser session ends, and with it every
    token of the user."""

    @extend_schema(request=None, responses={204: None, 401: _UNAUTHENTICATED})
    def post(self, request):
        _revoke_request_credentials(request)
        return Response(status=204)


class TokensView(APIView):
    """The caller's live tokens (key prefix, created, expires, last used; never the key)."""

    @extend_schema(responses={200: ApiTokenSerializer(many=True), 401: _UNAUTHENTICATED})
    def get(self, request):
        tokens = tokens_of(request.user)
        return Response(ApiTokenSerializer(tokens, many=True, context={"request": request}).data)


class TokenDetailView(APIView):
    @extend_schema(
        request=None,
        responses={
            204: None,
            401: _UNAUTHENTICATED,
            404: OpenApiResponse(s.ErrorSerializer, description="not_found: no such token of yours."),
        },
    )
    def delete(self, request, pk: int):
        token = token_of(request.user, pk)
        if token is None:
            raise NotFound(_("Not found."))
        revoke(token)
        return Response(status=204)


class MeView(APIView):
    @extend_schema(responses={200: inline_serializer("Me", {"id": serializers.IntegerField()}), 401: _UNAUTHENTICATED})
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
