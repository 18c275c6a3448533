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


class SavedListView(models.Model):
    """A user's named view of a list page (``list_key``: ``cases``, ``cadres`` …): the query string
    of its filters, sort and page size, validated by ``core.listviews`` before it is stored. A
    preference, not a record: private to its owner, no history, no audit."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="saved_list_views"
    )
    list_key = models.CharField(_("list"), max_length=20)
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(_("query string"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("saved list view")
        verbose_name_plural = _("saved list views")
        constraints = [models.UniqueConstraint(fields=["user", "list_key", "name"], name="saved_view_user_list_name_uniq")]

    def __str__(self) -> str:
        return f"{self.list_key}: {self.name}"


class ListPreference(models.Model):
    """The page size a user last chose on a list page, used when the address names none."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+")
    list_key = models.CharField(_("list"), max_length=20)
    page_size = models.PositiveSmallIntegerField(_("page size"))

    class Meta:
        verbose_name = _("list preference")
        verbose_name_plural = _("list preferences")
        constraints = [models.UniqueConstraint(fields=["user", "list_key"], name="list_preference_user_list_uniq")]

    def __str__(self) -> str:
        return f"{self.list_key}: {self.page_size}"
