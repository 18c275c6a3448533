"""API tokens: one per sign-in (``core.models.ApiToken``), expiring after ``ZEREN_TOKEN_TTL_HOURS``
and revoked on logout, password change and deactivation (``revoke_all``, wired in ``core.apps``).

The same check serves ``Authorization: Token …`` (``core.api.authentication``) and the WebSocket's
``?token=`` (``notifications.consumers``). Keys are ``zrn_`` + 43 URL-safe characters; only their
SHA-256 is stored. A 40-hex key is one of DRF's ``authtoken`` rows (issued before this version,
still made by some tools and tests): it is honoured by the same rules, expiring
``ZEREN_TOKEN_TTL_HOURS`` after its creation and revoked with the others.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from rest_framework.authtoken.models import Token

from core.models import ApiToken
from core.typing import Actor

PREFIX = "zrn_"
_NEW_KEY = re.compile(r"zrn_[A-Za-z0-9_-]{43}")
_LEGACY_KEY = re.compile(r"[0-9a-f]{40}")
# ``last_used`` is written at most this often per token: not one UPDATE per request.
LAST_USED_GRANULARITY = dt.timedelta(minutes=5)


def ttl() -> dt.timedelta:
    return dt.timedelta(hours=settings.ZEREN_TOKEN_TTL_HOURS)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_token(user: Actor) -> tuple[ApiToken, str]:
    """A new token for ``user`` and its key (shown once); the user's expired tokens are dropped."""
    now = timezone.now()
    ApiToken.objects.filter(user=user, expires_at__lte=now).delete()
    key = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, digest=digest(key), prefix=key[:12], created=now, expires_at=now + ttl())
    return token, key


def token_for_key(key: str) -> ApiToken | Token | None:
    """The live token with this key (an active user's, not expired), or ``None``. One query."""
    now = timezone.now()
    if _NEW_KEY.fullmatch(key):
        token = ApiToken.objects.select_related("user").filter(digest=digest(key), expires_at__gt=now).first()
        if token is not None and token.user.is_active:
            if token.last_used is None or now - token.last_used >= LAST_USED_GRANULARITY:
                ApiToken.objects.filter(pk=token.pk).update(last_used=now)
                token.last_used = now
            return token
        return None
    if _LEGACY_KEY.fullmatch(key):
        legacy = Token.objects.select_related("user").filter(key=key, created__gt=now - ttl()).first()
        if legacy is not None and legacy.user.is_active:
            return legacy
    return None  # malformed keys (NUL bytes, surrogates, …) never reach the database


def user_for_token(key: str) -> Actor | None:
    """The active user a live token belongs to (the WebSocket's ``?token=``), or ``None``."""
    token = token_for_key(key)
    return token.user if token is not None else None


def revoke(token: ApiToken | Token) -> None:
    token.delete()


def revoke_all(user: Actor) -> int:
    """Delete every API token of ``user``; the number deleted."""
    removed, _per_model = ApiToken.objects.filter(user=user).delete()
    legacy, _per_model = Token.objects.filter(user=user).delete()
    return removed + legacy


def token_for(user: Actor) -> str:
    """A new token's key for ``user`` (kept for callers of the single-token API)."""
    return issue_token(user)[1]


def tokens_of(user: Actor) -> QuerySet[ApiToken]:
    """The user's tokens still in force (the key is never listed: only its prefix)."""
    return ApiToken.objects.filter(user=user, expires_at__gt=timezone.now())


def token_of(user: Actor, pk: int) -> ApiToken | None:
    """One of the user's own tokens, or ``None`` (another user's is not found)."""
    return ApiToken.objects.filter(user=user, pk=pk).first()
