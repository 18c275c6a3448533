"""API tokens (DRF's ``authtoken``): one per user, made on the first sign-in."""

from __future__ import annotations

from rest_framework.authtoken.models import Token

from core.typing import Actor


def user_for_token(key: str) -> Actor | None:
    """The active user a token belongs to (the WebSocket's ``?token=``), or ``None``."""
    token = Token.objects.select_related("user").filter(key=key).first()
    return token.user if token is not None and token.user.is_active else None


def token_for(user: Actor) -> str:
    token, _created = Token.objects.get_or_create(user=user)
    return str(token.key)
