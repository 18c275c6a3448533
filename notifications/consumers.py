"""``/ws/notifications/``: live notifications with replay (PRODUCT §7).

Authenticated by the session cookie or ``?token=`` (an API token); otherwise the socket is
closed with code 4401 after an ``{"type": "error"}`` message (4400 for a bad ``since``). The
consumer joins one group per user and one per department. With ``?since=<id>`` it first sends, in
order, every notification after that id; it subscribes *before* replaying and drops live messages
it has already sent (by id), so nothing falls between replay and live delivery.

Code 4503 means "the channel layer lost this socket" (issue 15): the groups could not be joined
(Redis is away: the socket still gets its replay, then the error frame, then its unread count,
from the database), or the layer's ``SubscriptionWatch`` found the membership gone (Redis
restarted and forgot its groups; the error frame comes first). ``live.js`` reconnects with
backoff and replays since the highest id it saw, so nothing is lost and nothing comes twice.

Frames: ``{"type": "notification", "id", "kind", "text", "case", "link", "created_at", "read_at"}``,
live ones with the recipient's ``"unread"`` count as well; ``{"type": "unread", "count"}`` after
connecting (and replaying) and whenever the count changes otherwise (notifications marked read).
"""

from __future__ import annotations

import asyncio
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from core.auth import user_for_token
from core.inputs import parse_query
from notifications.selectors import replay, unread_count
from notifications.services import department_group, user_group
from org.selectors import department_id_of

logger = logging.getLogger("zeren.notifications")
CLOSE_UNAUTHENTICATED = 4401
CLOSE_BAD_REQUEST = 4400
CLOSE_LAYER_LOST = 4503
LAYER_AWAY = "cannot subscribe to live notifications now; reconnect later and replay"
LAYER_LOST = "the live subscription was lost (the channel layer restarted); reconnect and replay"
JOIN_TIMEOUT = 5.0  # seconds for one group_add: a partitioned Redis must not hold the handshake
REPLAY_LIMIT = 500
SENT_KEPT = 4 * REPLAY_LIMIT  # ids a socket remembers having sent, for dropping a second copy


@database_sync_to_async
def _user_from_token(key: str):
    return user_for_token(key)


@database_sync_to_async
def _department_id(user) -> int | None:
    return department_id_of(user)


@database_sync_to_async
def _replay(user_id: int, since: int) -> list[dict]:

    return [row.as_message() for row in replay(user_id, since, REPLAY_LIMIT)]


@database_sync_to_async
def _unread(user_id: int) -> int:

    return unread_count(user_id)


# Channel-layer messages whose handlers never touch the database (see ``dispatch``).
NO_DATABASE = frozenset({"notify", "notify_many", "unread"})


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    async def dispatch(self, message):
        """Layer pushes skip channels' ``aclose_old_connections``: before every handler it hops to
        the one thread-sensitive thread and back, so a fan-out to a department queued hundreds of
        hops there, one after another (the W6 profile: a third of a server's time). These handlers
        only write to the socket; the ones that read the database go through
        ``database_sync_to_async``, which closes stale connections itself."""
        if message["type"] in NO_DATABASE:
            await getattr(self, message["type"])(message)
            return
        await super().dispatch(message)

    async def connect(self):
        query = parse_query(self.scope.get("query_string", b""))
        if query is None:  # a NUL, a lone surrogate or bytes that are not UTF-8 (issue 15)
            await self._refuse(CLOSE_BAD_REQUEST, "the query string holds a NUL or text that is not UTF-8")
            return
        user = None
        if "token" in query:
            user = await _user_from_token(query["token"][0])
        else:
            scoped = self.scope.get("user")
            if scoped is not None and scoped.is_authenticated and scoped.is_active:
                user = scoped
        if user is None:
            await self._refuse(CLOSE_UNAUTHENTICATED, "authentication required: session cookie or ?token=")
            return
        try:
            since = int(query["since"][0]) if "since" in query else None
        except ValueError:
            await self._refuse(CLOSE_BAD_REQUEST, "since must be the integer id of the last notification seen")
            return
        self.user_id = user.pk
        self.since = since or 0
        self.sent: set[int] = set()
        self.joined = [user_group(user.pk)]
        department = await _department_id(user)
        if department is not None:
            self.joined.append(department_group(department))
        subscribed = True
        for group in self.joined:
            subscribed = subscribed and await self._join(group)
        await self.accept()
        watch = getattr(self.channel_layer, "subscription_watch", None)  # the Redis layer's
        if subscribed and watch is not None:
            self.watch = watch()
            self.watch.add(self.channel_name, self.joined, self._subscription_lost)
        if since is not None:
            for message in await _replay(user.pk, since):
                await self._send_notification(message)
        if not subscribed:  # served from the database; live delivery needs a reconnect
            await self.send_json({"type": "error", "code": CLOSE_LAYER_LOST, "detail": LAYER_AWAY})
        await self.send_json({"type": "unread", "count": await _unread(user.pk)})
        if not subscribed:
            await self.close(code=CLOSE_LAYER_LOST)

    async def _subscription_lost(self) -> None:
        """Called by the layer's ``SubscriptionWatch`` once this socket's membership is gone."""
        await self.send_json({"type": "error", "code": CLOSE_LAYER_LOST, "detail": LAYER_LOST})
        await self.close(code=CLOSE_LAYER_LOST)

    async def _refuse(self, code: int, reason: str) -> None:
        """Accept, then close with a code the client can read (a refused handshake only says 403)."""
        await self.accept()
        await self.send_json({"type": "error", "code": code, "detail": reason})
        await self.close(code=code)

    async def _join(self, group: str) -> bool:
        """Subscribe, retrying with backoff: after a Redis restart the first call meets a stale
        pooled connection, and a burst of connections can briefly exhaust the pool. False if Redis
        stays away: the client is then served its replay and closed with 4503, to try again."""
        for attempt in range(4):
            try:
                await asyncio.wait_for(self.channel_layer.group_add(group, self.channel_name), timeout=JOIN_TIMEOUT)
                return True
            except Exception:
                if attempt == 3:
                    logger.warning("cannot subscribe %s to %s; replay only, then 4503", self.channel_name, group, exc_info=True)
                else:
                    await asyncio.sleep(0.05 * 3**attempt)  # stale connection or a momentarily full pool
        return False

    async def disconnect(self, code):
        if hasattr(self, "watch"):
            self.watch.discard(self.channel_name)
        for group in getattr(self, "joined", []):
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:  # Redis gone: its groups went with it
                logger.info("group_discard failed for %s", group, exc_info=True)

    async def _send_notification(self, message: dict, unread: int | None = None) -> None:
        """One frame per notification. A live one carries the recipient's unread count in the same
        frame (``"unread"``), so a fan-out writes one frame per member, not two; replayed ones
        carry none (connect sends the count in a ``{"type": "unread"}`` frame after them)."""
        # Drop what the client has (up to ``since``) or was sent on this socket (the replay, or a
        # copy the layer delivered twice). Not "up to the last id sent": pushes to a user's group
        # and to a department's run concurrently, so live ids can come out of order (issue 15).
        if message["id"] <= self.since or message["id"] in self.sent:
            return
        self.sent.add(message["id"])
        if len(self.sent) > SENT_KEPT:  # a socket open for weeks: the oldest ids cannot come again
            self.sent = set(sorted(self.sent)[SENT_KEPT // 2 :])
        frame = {"type": "notification", **message}
        if unread is not None:
            frame["unread"] = unread
        await self.send_json(frame)

    async def notify(self, event):
        # The dispatcher computed the unread count with the rows: no database trip per client.
        await self._send_notification(event["message"], event.get("unread"))

    async def notify_many(self, event):
        """A department-wide message: only members it names take their own copy."""
        me = str(self.user_id)
        if me not in event["ids"]:
            return
        await self._send_notification({**event["message"], "id": event["ids"][me]}, event["unread"][me])

    async def unread(self, event):
        await self.send_json({"type": "unread", "count": event["count"]})
