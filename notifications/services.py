"""The outbox dispatcher and the transports (issue 5).

Case events are the outbox. ``dispatch_pending`` claims each undispatched event with a
conditional update and creates its notifications in the same transaction, so an event is
turned into notifications exactly once, or not at all if the transaction fails (then the next
run picks it up). Pushing to connected clients happens after the commit and is best effort:
the rows are the truth and a reconnecting client replays what it missed.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from cases.models import CaseEvent
from core.typing import Actor
from notifications.models import Notification, NotificationPreference
from notifications.rules import recipients_for
from notifications.selectors import unread_count

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
        if connection.vendor == "postgresql":
            _insert_postgresql(rows)
        else:
            Notification.objects.bulk_create(rows)
        if all(row.pk is not None for row in rows):  # ids came back with the INSERT (RETURNING)
            return sorted(rows, key=lambda row: row.pk)
        return list(Notification.objects.filter(event=event).order_by("id"))


# The columns a department's members share for one event: one INSERT per distinct combination.
_SHARED_COLUMNS = (
    "department_id",
    "kind",
    "text",
    "case_id",
    "event_id",
    "link",
    "referral_id",
    "appeal_id",
    "task_id",
    "created_at",
)


def _insert_postgresql(rows: list[Notification]) -> None:
    """``bulk_create`` for rows that differ only in their recipient, at a fraction of its cost: one
    ``INSERT … SELECT … FROM unnest(recipient ids)`` per group of rows sharing everything else, so
    the values are adapted once per group, not once per row and column (with 500 members Django's
    per-value preparation was two thirds of the insert, on the W6 critical path). Sets each row's
    ``pk``; NULL columns not named (``read_at``, ``emailed_at``) are left NULL as bulk_create does."""
    table = connection.ops.quote_name(Notification._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in ("recipient_id", *_SHARED_COLUMNS))
    placeholders = ", ".join(["%s"] * len(_SHARED_COLUMNS))
    sql = f"INSERT INTO {table} ({columns}) SELECT r, {placeholders} FROM unnest(%s::integer[]) AS r RETURNING id, recipient_id"
    groups: dict[tuple[Any, ...], list[Notification]] = {}
    for row in rows:
        groups.setdefault(tuple(getattr(row, c) for c in _SHARED_COLUMNS), []).append(row)
    with connection.cursor() as cursor:
        for shared, members in groups.items():
            cursor.execute(sql, [*shared, [m.recipient_id for m in members]])
            ids = dict((recipient, pk) for pk, recipient in cursor.fetchall())  # one row per recipient and event
            for member in members:
                member.pk = ids[member.recipient_id]
                member._state.adding = False
                member._state.db = connection.alias


def dispatch_pending(*, limit: int = 1000) -> int:
    """Turn undispatched events into notifications, then push them. Returns how many were created."""
    pending = list(CaseEvent.objects.filter(dispatched_at__isnull=True).order_by("id").values_list("id", flat=True)[:limit])
    created: list[Notification] = []
    for event_id in pending:
        created += _claim_and_create(event_id)
    for name, transport in TRANSPORTS.items():
        try:
            transport(created)
        except Exception:  # a transport failing never undoes or fails the committed step
            logger.warning("transport %s failed; clients replay from the rows", name, exc_info=True)
    return len(created)


def dispatch_after_commit() -> None:
    """The on-commit hook: the step the user took has committed and must not fail now. Anything
    left undispatched is picked up by the next commit or by ``dispatch_notifications``."""
    try:
        dispatch_pending()
    except Exception:
        logger.exception("dispatch after commit failed; events stay in the outbox")


# --- transports: a small registry so another channel can be added later -------------------------


PUSH_CONCURRENCY = 50  # below channels_redis's connection pool size


def push_websocket(rows: list[Notification]) -> None:
    """Send every new row to its recipient's group, concurrently in one event loop, with the
    recipient's unread count computed in one query (so consumers need no database round trip)."""
    layer = get_channel_layer()
    if layer is None or not rows:
        return
    unread = dict(
        Notification.objects.filter(recipient_id__in={r.recipient_id for r in rows}, read_at__isnull=True)
        .values("recipient_id")
        .annotate(n=Count("id"))
        .values_list("recipient_id", "n")
    )
    # Rows told to several members of one department about one event share their text: one
    # message to the department group carries it with each member's own id and unread count,
    # and Redis fans it out (BENCH.md's floor). Other rows go to the user's own group.
    shared: dict[tuple[Any, ...], list[Notification]] = {}
    messages = []
    for row in rows:
        if row.department_id is not None:
            shared.setdefault((row.event_id, row.department_id, row.kind, row.text), []).append(row)
        else:
            messages.append(
                (
                    user_group(row.recipient_id),
                    {"type": "notify", "message": row.as_message(), "unread": unread.get(row.recipient_id, 0)},
                )
            )
    for (_event, department_id, _kind, _text), group_rows in shared.items():
        if len(group_rows) == 1:
            row = group_rows[0]
            messages.append(
                (
                    user_group(row.recipient_id),
                    {"type": "notify", "message": row.as_message(), "unread": unread.get(row.recipient_id, 0)},
                )
            )
            continue
        common = group_rows[0].as_message()
        messages.append(
            (
                department_group(department_id),
                {
                    "type": "notify_many",
                    "message": {k: v for k, v in common.items() if k != "id"},
                    "ids": {str(r.recipient_id): r.pk for r in group_rows},
                    "unread": {str(r.recipient_id): unread.get(r.recipient_id, 0) for r in group_rows},
                },
            )
        )
    _send_all_sync(layer, messages)


def _send_all_sync(layer: Any, messages: list[tuple[str, dict[str, Any]]]) -> None:
    """``_send_all`` from sync code. A thread whose event loop is marked running cannot use
    ``async_to_sync`` (Playwright's sync API leaves the main thread so in the browser tests, and
    the same holds for sync code called from async code): the sends then run in a thread of their
    own. Only channel-layer calls happen there, never the database."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(_send_all)(layer, messages)
        return
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(async_to_sync(_send_all), layer, messages).result()


async def _send_all(layer: Any, messages: list[tuple[str, dict[str, Any]]]) -> None:
    gate = asyncio.Semaphore(PUSH_CONCURRENCY)

    async def send(group: str, message: dict[str, Any]) -> None:
        async with gate:
            for attempt in (1, 2):  # a pooled connection may be stale after a Redis restart
                try:
                    await layer.group_send(group, message)
                    return
                except Exception:
                    if attempt == 2:
                        logger.warning("push to %s failed; the client will replay it", group, exc_info=True)

    await asyncio.gather(*(send(group, message) for group, message in messages))


# With a worker, emails go out in a task of their own; ``NotificationsConfig.ready`` puts its
# ``delay`` here (``notifications.tasks`` imports this module, so this one does not import it).
_email_queue: list[Callable[[list[int]], Any]] = []


def use_email_queue(queue: Callable[[list[int]], Any]) -> None:
    _email_queue[:] = [queue]


def send_email(rows: list[Notification]) -> None:
    """The email transport: rows whose recipient chose email and has an address. Inline in the
    embedded default; with a worker, a task of its own (``notifications.send_emails``), so a slow
    or failing mail server holds up neither the push nor the outbox, and is retried."""
    wanted = set(
        NotificationPreference.objects.filter(email=True, user__in={r.recipient_id for r in rows}).values_list(
            "user_id", flat=True
        )
    )
    ids = [row.pk for row in rows if row.recipient_id in wanted]
    if not ids:
        return
    if settings.ZEREN_TASKS_EAGER or not _email_queue:
        send_notification_emails(ids)
        return
    _email_queue[0](ids)


def send_notification_emails(notification_ids: list[int]) -> tuple[int, list[int]]:
    """Email each of these notifications not emailed yet, to a recipient with an address, and
    mark it. Returns (sent, ids that failed); a failure is logged and never raised."""
    sent, failed = 0, []
    rows = Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True).select_related("recipient")
    for row in rows.order_by("id"):
        if not row.recipient.email:
            continue
        try:
            send_mail(subject=f"[Zeren] {row.text[:60]}", message=row.text, from_email=None, recipient_list=[row.recipient.email])
        except Exception:
            logger.warning("email for notification %s failed", row.pk, exc_info=True)
            failed.append(row.pk)
            continue
        Notification.objects.filter(pk=row.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent, failed


TRANSPORTS: dict[str, Callable[[list[Notification]], None]] = {"websocket": push_websocket, "email": send_email}


def mark_read(*, user: Actor, notification_ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    count = qs.update(read_at=timezone.now())
    push_unread(user.pk)
    return count


def push_unread(user_id: int) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    _send_all_sync(layer, [(user_group(user_id), {"type": "unread", "count": unread_count(user_id)})])


def preference_of(*, user: Actor) -> NotificationPreference:
    """The user's notification preference, created with the defaults on first use."""
    preference, _created = NotificationPreference.objects.get_or_create(user=user)
    return preference


def preference_set_email(*, preference: NotificationPreference, email: bool) -> NotificationPreference:
    """Whether the user's notifications are also sent by e-mail."""
    preference.email = email
    preference.save(update_fields=["email"])
    return preference
