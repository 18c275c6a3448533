"""The Redis channel layer, kept alive through Redis hiccups and restarts (issues 7 and 15).

With channels_redis, the consumers of one server process share one blocking read on Redis. When
that read fails — a read timeout on a loaded machine, a connection reset — the exception reaches
the consumer that happened to hold it, which ends its WebSocket: the client reconnects and
replays, but the socket was lost for nothing. Here ``receive`` waits a moment and reads again; a
consumer only ends when Redis stays away (then the client's reconnect and replay take over).

A group membership is a member of a sorted set in Redis. Redis here keeps nothing on disk, so a
restart empties every group: the read above resumes, but nothing is sent to the sockets any
more, and they are never closed (issue 15). ``SubscriptionWatch`` notices: every
``ZEREN_WS_HEALTH_SECONDS`` it asks Redis, in one ``ZMSCORE`` per group pipelined per shard, for
the memberships of all the open sockets of this process, and tells the consumers whose
memberships are gone (or that it cannot check twice in a row: Redis is away) so they close with
4503 and the client reconnects and replays.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from channels_redis.core import RedisChannelLayer as BaseRedisChannelLayer
from django.conf import settings
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("zeren.notifications")

RETRIES = 5  # 0.1, 0.2, 0.4, 0.8, 1.6 s: about three seconds of Redis being away
TRANSIENT = (RedisConnectionError, RedisTimeoutError, ConnectionError, asyncio.TimeoutError, OSError)
FAILED_CHECKS = 2  # checks in a row that cannot reach Redis before the sockets are given up

Membership = tuple[str, str]  # (group, channel name)


class RedisChannelLayer(BaseRedisChannelLayer):
    # The blocking read gives up well inside redis-py's read timeout (``socket_timeout``, 5 s by
    # default in the redis-py installed here): at channels_redis's 5 s both timed out together, so every idle
    # read ended in a TimeoutError, a dropped connection and a warning, and a message Redis
    # popped at that instant was lost with the connection.
    brpop_timeout = 2

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._watches: dict[asyncio.AbstractEventLoop, SubscriptionWatch] = {}

    async def receive(self, channel):
        for attempt in range(RETRIES + 1):
            try:
                return await super().receive(channel)
            except TRANSIENT:
                if attempt == RETRIES:
                    raise
                logger.warning("channel layer receive failed; reading again", exc_info=True)
                await asyncio.sleep(0.1 * 2**attempt)
        raise AssertionError("unreachable")

    async def missing_memberships(self, memberships: Iterable[Membership]) -> set[Membership]:
        """Those of ``memberships`` Redis no longer holds (or holds too old: ``group_send`` drops
        members older than ``group_expiry``). One ``ZMSCORE`` per group, one round trip per shard."""
        channels_of: dict[str, list[str]] = {}
        for group, channel in memberships:
            channels_of.setdefault(group, []).append(channel)
        shards: dict[int, list[str]] = {}
        for group in channels_of:
            shards.setdefault(self.consistent_hash(group), []).append(group)
        cutoff = time.time() - self.group_expiry
        missing: set[Membership] = set()
        for index, groups in shards.items():
            pipe = self.connection(index).pipeline(transaction=False)
            for group in groups:
                pipe.zmscore(self._group_key(group), channels_of[group])
            for group, scores in zip(groups, await pipe.execute(), strict=True):
                for channel, score in zip(channels_of[group], scores, strict=True):
                    if score is None or score < cutoff:
                        missing.add((group, channel))
        return missing

    def subscription_watch(self) -> SubscriptionWatch:
        """The watch of the running event loop (a daphne process has one)."""
        loop = asyncio.get_running_loop()
        for closed in [other for other in self._watches if other.is_closed()]:
            del self._watches[closed]  # loops of tests and async_to_sync come and go
        watch = self._watches.get(loop)
        if watch is None:
            watch = self._watches[loop] = SubscriptionWatch(self, settings.ZEREN_WS_HEALTH_SECONDS)
        return watch


class SubscriptionWatch:
    """The open sockets of one process, checked together: the cost is one Redis round trip per
    shard every ``interval`` seconds, whatever the number of sockets."""

    def __init__(self, layer: RedisChannelLayer, interval: float) -> None:
        self.layer = layer
        self.interval = interval
        self.watched: dict[str, tuple[list[str], Callable[[], Awaitable[None]]]] = {}
        self.failures = 0
        self.task: asyncio.Task[None] | None = None

    def add(self, channel: str, groups: list[str], on_lost: Callable[[], Awaitable[None]]) -> None:
        """Watch ``channel``'s membership of ``groups``; ``on_lost`` is awaited once if it goes."""
        self.watched[channel] = (list(groups), on_lost)
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._run())

    def discard(self, channel: str) -> None:
        self.watched.pop(channel, None)

    async def _run(self) -> None:
        while self.watched:
            await asyncio.sleep(self.interval)
            try:
                await self.check()
            except Exception:  # never let the watch die: the next round checks again
                logger.exception("subscription check failed")

    async def check(self) -> None:
        watched = dict(self.watched)
        if not watched:
            return
        memberships = [(group, channel) for channel, (groups, _) in watched.items() for group in groups]
        try:
            # Bounded: a partitioned Redis must not hold the watch for the OS connect timeout.
            missing = await asyncio.wait_for(self.layer.missing_memberships(memberships), timeout=max(self.interval, 2.0))
        except TRANSIENT:
            self.failures += 1
            logger.warning("cannot check WebSocket subscriptions (%d in a row)", self.failures, exc_info=True)
            if self.failures < FAILED_CHECKS:
                return
            self.failures = 0
            lost = set(watched)
        else:
            self.failures = 0
            lost = {channel for _, channel in missing}
        if lost:
            logger.warning("%d WebSocket(s) lost their channel-layer subscription; closing them", len(lost))
        callbacks = [entry[1] for channel in lost if (entry := self.watched.pop(channel, None)) is not None]
        for outcome in await asyncio.gather(*(callback() for callback in callbacks), return_exceptions=True):
            if isinstance(outcome, Exception):
                logger.info("closing a WebSocket that lost its subscription failed", exc_info=outcome)
