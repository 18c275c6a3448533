"""``Authorization: Token …`` checked by ``core.auth`` (expiry, revocation, active user); a failure
is a 401 with ``WWW-Authenticate: Token``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from core.auth import token_for_key

INVALID_TOKEN = _("Invalid, expired or revoked token; sign in again at /api/v1/auth/token/.")


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        token = token_for_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        return (token.user, token)
