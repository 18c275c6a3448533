"""Tokens end with the credentials they were issued on: a web logout, a password change or a
deactivation deletes every API token of that user (``core.auth.revoke_all``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import pre_save

from core.auth import revoke_all


def revoke_on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        revoke_all(user)


def revoke_on_credentials_change(sender: Any, instance: Any, raw: bool = False, update_fields: Any = None, **kwargs: Any) -> None:
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return  # e.g. ``last_login`` at each sign-in: no query
    before = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    if before["password"] != instance.password or (before["is_active"] and not instance.is_active):
        revoke_all(instance)


def connect() -> None:
    user_logged_out.connect(revoke_on_logout, dispatch_uid="core.revoke_tokens_on_logout")
    pre_save.connect(revoke_on_credentials_change, sender=get_user_model(), dispatch_uid="core.revoke_tokens_on_credentials")
