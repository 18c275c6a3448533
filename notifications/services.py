"""The outbox dispatcher and the transports (issue 5).

Case events are the outbox. ``dispatch_pending`` claims each undispatched event with a
conditional update and creates its notifications in the same transaction, so an event is
turned into notifications exactly once, or not at all if the transaction fails (then the next
run picks it up). Pushing to connected clients happens after the commit and is best effort:
the rows are the truth and a reconnecting client replays what it missed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from cases.models import CaseEvent
from notifications.models import Notification, NotificationPreference
from notifications.rules import recipients_for

logger = logging.getLogger("zeren.notifications")


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def department_group(department_id: int) -> str:
    return f"dept.{department_id}"


def _claim_and_create(event_id: int) -> list[Notification]:
    with transaction.atomic():
        claimed = CaseEvent.objects.filter(pk=event_id, dispatched_at__isnull=True).update(dispatched_at=timezone.now())
        if not claimed:
            return []  # another dispatcher took it
        event = CaseEvent.objects.select_related("case", "actor").get(pk=event_id)
        rows = [
            Notification(
                recipient_id=r.user_id,
                department_id=r.department_id,
                kind=r.kind,
                text=r.text,
                case_id=event.case_id,
                event=event,
                link=r.link,
                referral_id=r.referral_id,
                appeal_id=r.appeal_id,
                task_id=r.task_id,
                created_at=event.created_at,
            )
            for r in recipients_for(event)
        ]
        Notification.objects.bulk_create(rows)
        return list(Notification.objects.filter(event=event).order_by("id"))


def dispatch_pending(*, limit: int = 1000) -> int:
    """Turn undispatched events into notifications, then push them. Returns how many were created."""
    pending = list(CaseEvent.objects.filter(dispatched_at__isnull=True).order_by("id").values_list("id", flat=True)[:limit])
    created: list[Notification] = []
    for event_id in pending:
        created += _claim_and_create(event_id)
    for transport in TRANSPORTS.values():
        transport(created)
    return len(created)


# --- transports: a small registry so another channel can be added later -------------------------


def push_websocket(rows: list[Notification]) -> None:
    layer = get_channel_layer()
    if layer is None or not rows:
        return
    for row in rows:
        _group_send(user_group(row.recipient_id), {"type": "notify", "message": row.as_message()}, what=f"notification {row.pk}")


def _group_send(group: str, message: dict, *, what: str) -> None:
    """Send, retrying once (a pooled connection may be stale after a Redis restart). On failure
    the row stays and the client replays it when it reconnects: nothing is lost."""
    layer = get_channel_layer()
    for attempt in (1, 2):
        try:
            async_to_sync(layer.group_send)(group, message)
            return
        except Exception:
            if attempt == 2:
                logger.warning("push of %s failed; the client will replay it", what, exc_info=True)


def send_email(rows: list[Notification]) -> None:
    wanted = set(
        NotificationPreference.objects.filter(email=True, user__in={r.recipient_id for r in rows}).values_list(
            "user_id", flat=True
        )
    )
    for row in rows:
        if row.recipient_id not in wanted or not row.recipient.email:
            continue
        try:
            send_mail(subject=f"[Zeren] {row.text[:60]}", message=row.text, from_email=None, recipient_list=[row.recipient.email])
        except Exception:
            logger.warning("email for notification %s failed", row.pk, exc_info=True)
            continue
        Notification.objects.filter(pk=row.pk).update(emailed_at=timezone.now())


TRANSPORTS: dict[str, Callable[[list[Notification]], None]] = {"websocket": push_websocket, "email": send_email}


def mark_read(*, user, notification_ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    count = qs.update(read_at=timezone.now())
    push_unread(user.pk)
    return count


def unread_count(user_id: int) -> int:
    return Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).count()


def push_unread(user_id: int) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    _group_send(user_group(user_id), {"type": "unread", "count": unread_count(user_id)}, what="unread count")
