"""The Redis channel layer, kept alive through Redis hiccups (issue 7, BENCH W6).

With channels_redis, the consumers of one server process share one blocking read on Redis. When
that read fails — a read timeout on a loaded machine, a connection reset — the exception reaches
the consumer that happened to hold it, which ends its WebSocket: the client reconnects and
replays, but the socket was lost for nothing. Here ``receive`` waits a moment and reads again; a
consumer only ends when Redis stays away (then the client's reconnect and replay take over).
"""

from __future__ import annotations

import asyncio
import logging

from channels_redis.core import RedisChannelLayer as BaseRedisChannelLayer
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("zeren.notifications")

RETRIES = 5  # 0.1, 0.2, 0.4, 0.8, 1.6 s: about three seconds of Redis being away
TRANSIENT = (RedisConnectionError, RedisTimeoutError, ConnectionError, asyncio.TimeoutError, OSError)


class RedisChannelLayer(BaseRedisChannelLayer):
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
