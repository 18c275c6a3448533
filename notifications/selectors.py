"""Reads of a user's notifications: the list (newest first), the unread count and the replay a
reconnecting socket gets. Writes (dispatch, marking read, preferences) are
``notifications.services``."""

from __future__ import annotations

from django.db.models import Case as DbCase
from django.db.models import IntegerField, QuerySet, Value, When

from core.typing import Actor
from notifications.models import Notification


def notifications_of(
    user: Actor, *, unread_only: bool = False, kind: str = "", case_id: int | None = None
) -> QuerySet[Notification]:
    """The user's notifications, newest first; ``unread_only`` keeps those not yet read, ``kind``
    and ``case_id`` those of one kind or about one case (the notification page's filters)."""
    qs = Notification.objects.filter(recipient=user).order_by("-id")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    if case_id is not None:
        qs = qs.filter(case_id=case_id)
    return qs


def unread_count(user_id: int) -> int:
    return Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).count()


def replay(user_id: int, since: int, limit: int) -> list[Notification]:
    """The user's notifications after ``since``, oldest first, at most ``limit``."""
    return list(Notification.objects.filter(recipient_id=user_id, pk__gt=since).order_by("id")[:limit])


# --- the notification page (issue 16 item 1) ------------------------------------------------------

# How many cases the page's case filter offers: the most recent ones the user was told about.
CASE_CHOICES_LIMIT = 200


def notification_page_qs(user: Actor, *, kind: str = "", case_id: int | None = None) -> QuerySet[Notification]:
    """The user's notifications for the page: unread first, then newest first; ``kind`` and
    ``case_id`` narrow it. The case's number comes with each row (one query per page)."""
    qs = notifications_of(user, kind=kind, case_id=case_id)
    unread_first = DbCase(When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.select_related("case").only(*PAGE_FIELDS).order_by(unread_first, "-id")


PAGE_FIELDS = (
    "id",
    "kind",
    "text",
    "link",
    "case_id",
    "case__number",
    "case__state",  # django-fsm reads it when the case row is built
    "task_id",
    "referral_id",
    "appeal_id",
    "created_at",
    "read_at",
)


def notification_cases_of(user: Actor) -> list[tuple[int, str]]:
    """(case id, case number) of the cases the user's notifications name, newest case first."""
    rows = (
        Notification.objects.filter(recipient=user, case__isnull=False)
        .values_list("case_id", "case__number")
        .distinct()
        .order_by("-case_id")[:CASE_CHOICES_LIMIT]
    )
    return list(rows)


def notification_of(user: Actor, notification_id: int) -> Notification | None:
    """The user's own notification with this id, or None (another user's is not theirs to mark)."""
    return Notification.objects.filter(recipient=user, pk=notification_id).first()
