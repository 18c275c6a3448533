"""Reads of a user's notifications: the list (newest first), the unread count and the replay a
reconnecting socket gets. Writes (dispatch, marking read, preferences) are
``notifications.services``."""

from __future__ import annotations

from django.db.models import QuerySet

from core.typing import Actor
from notifications.models import Notification


def notifications_of(user: Actor, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, newest first; ``unread_only`` keeps those not yet read."""
    qs = Notification.objects.filter(recipient=user).order_by("-id")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


def unread_count(user_id: int) -> int:
    return Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).count()


def replay(user_id: int, since: int, limit: int) -> list[Notification]:
    """The user's notifications after ``since``, oldest first, at most ``limit``."""
    return list(Notification.objects.filter(recipient_id=user_id, pk__gt=since).order_by("id")[:limit])
