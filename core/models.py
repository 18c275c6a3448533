"""Core rows: the ``Idempotency-Key`` of creating requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    """A client's ``Idempotency-Key`` for a creating request, written in the same transaction as
    what it created: a retry after a lost answer gets the same row back instead of a second one."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(_("scope"), max_length=40)
    key = models.CharField(_("key"), max_length=100)
    object_id = models.BigIntegerField(_("object created"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        db_table = "cases_idempotencykey"  # moved from cases (issue 12); the table keeps its name
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_user_scope_key_uniq")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class ApiToken(models.Model):
    """An API token (``Authorization: Token …``, the WebSocket's ``?token=``): one per sign-in,
    valid until ``expires_at`` (``ZEREN_TOKEN_TTL_HOURS``), deleted on logout, password change and
    deactivation (``core.auth``). Only a digest of the key is stored; the key is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(_("key digest"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("key prefix"), max_length=12, editable=False)
    created = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.prefix}…"
