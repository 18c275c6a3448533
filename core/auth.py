"""API tokens (DRF's ``authtoken``): one per user, made on the first sign-in."""

from __future__ import annotations

from rest_framework.authtoken.models import Token

from core.typing import Actor


def token_for(user: Actor) -> str:
    token, _created = Token.objects.get_or_create(user=user)
    return str(token.key)
