"""Live WebSockets across a real Redis restart and a Redis outage (issue 15 item 6).

A daphne process serves ``/ws/notifications/`` with the Redis channel layer on a private
``redis-server``; this process writes notification rows and pushes them through the same Redis,
as a worker or another server would. Several sockets (two tabs of one user, four members of one
department, someone of another department) are held by clients that behave as ``live.js`` does:
on any close but 4401 they reconnect with ``?since=`` the highest id they saw.

Redis is then restarted (it keeps nothing on disk: every group membership is gone), or stopped
for a while so that clients reconnect while it is away. Each client must end with every
notification of its user exactly once — 0 lost, 0 duplicated — and deliver live again: the
notifications sent last arrive as live frames (with their ``unread`` count), not by a replay.

Before the fix the sockets stayed open and deaf: the waits below time out.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from tests.redis_server import Daphne, RedisServer

if not shutil.which("redis-server") and os.environ.get("CI"):  # .ci/run installs it: a CI run must not skip this
    raise RuntimeError("CI: no redis-server binary; .ci/run installs Debian's redis-server package")
pytestmark = [
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs a redis-server binary (apt-get install redis-server)"),
    pytest.mark.django_db(transaction=True),
]

TIMEOUT = 90.0  # a bound for each wait, far above what it takes; reaching it fails the test
RECONNECT = 0.2  # the emulated client's reconnect delay (live.js: 1 s and up, with jitter)


@dataclass
class Connection:
    opened_while_down: bool
    ready: bool = False  # its {"type": "unread"} frame arrived: subscribed, replay done
    close_code: int | None = None
    errors: list[int] = field(default_factory=list)


@dataclass
class LiveClient:
    """What ``live.js`` does, over the ``websockets`` library, with a token instead of a cookie."""

    url: str
    token: str
    user_id: int
    last: int
    frames: list[dict] = field(default_factory=list)
    connections: list[Connection] = field(default_factory=list)

    async def run(self, world_state: dict[str, bool]) -> None:
        import websockets

        while True:
            connection = Connection(opened_while_down=world_state["redis_down"])
            try:
                async with websockets.connect(f"{self.url}?token={self.token}&since={self.last}", open_timeout=10) as ws:
                    self.connections.append(connection)
                    async for raw in ws:
                        message = json.loads(raw)
                        if message["type"] == "notification":
                            self.frames.append(message)
                            self.last = max(self.last, message["id"])
                        elif message["type"] == "unread":
                            connection.ready = True
                        elif message["type"] == "error":
                            connection.errors.append(message["code"])
                    connection.close_code = ws.close_code
            except websockets.ConnectionClosed as closed:
                connection.close_code = closed.rcvd.code if closed.rcvd else 1006
            except (OSError, TimeoutError, websockets.InvalidHandshake):
                connection.close_code = -1  # the server did not answer the handshake
            if connection.close_code == 4401:
                return
            await asyncio.sleep(RECONNECT)

    @property
    def ids(self) -> list[int]:
        return [frame["id"] for frame in self.frames]

    @property
    def current(self) -> Connection | None:
        return self.connections[-1] if self.connections else None


class Clients:
    """The clients' event loop runs in a thread of its own; the test drives the ORM in its own."""

    def __init__(self, clients: list[LiveClient]) -> None:
        self.clients = clients
        self.state = {"redis_down": False}
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def start(self) -> Clients:
        self.thread.start()
        for client in self.clients:
            asyncio.run_coroutine_threadsafe(client.run(self.state), self.loop)
        return self

    def stop(self) -> None:
        async def cancel_everything() -> None:
            others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(cancel_everything(), self.loop).result(timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


def wait_until(what: str, condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.05)


@pytest.fixture
def live(world, settings):
    """Redis, daphne on it, and this process's channel layer on the same Redis and prefix."""
    from django.db.models import Max
    from rest_framework.authtoken.models import Token

    from notifications.models import Notification

    redis = RedisServer().start()
    prefix = f"zeren-ws-{uuid.uuid4().hex[:8]}"
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "notifications.layers.RedisChannelLayer", "CONFIG": {"hosts": [redis.url], "prefix": prefix}}
    }
    server = Daphne(
        REDIS_URL=redis.url, ZEREN_CHANNEL_PREFIX=prefix, ZEREN_CACHE_PREFIX=prefix, ZEREN_WS_HEALTH_SECONDS="0.5"
    ).start()
    since = Notification.objects.aggregate(m=Max("id"))["m"] or 0
    names = ["discipline_officer", "discipline_officer", "discipline_officer2", "discipline_leader", "discipline_leader2"]
    names.append("organization_officer")
    clients = [
        LiveClient(
            url=f"ws://127.0.0.1:{server.port}/ws/notifications/",
            token=Token.objects.get_or_create(user=world.users[name])[0].key,
            user_id=world.users[name].pk,
            last=since,
        )
        for name in names
    ]
    running = Clients(clients).start()
    try:
        yield running, redis
    finally:  # daphne holds connections to the test database: it is gone before the flush, whatever failed
        try:
            running.stop()
        finally:
            server.stop()
            redis.stop()


def send_batch(world, tag: str) -> list[int]:
    """One notification for each persona of the clients, and one department-wide notification to
    the discipline organ's four members (pushed as one ``notify_many`` to the department group)."""
    from notifications.models import Notification
    from notifications.services import push_websocket
    from org.selectors import department_id_of

    personal = ["discipline_officer", "discipline_officer2", "discipline_leader", "discipline_leader2", "organization_officer"]
    rows = [Notification.objects.create(recipient=world.users[name], kind="test", text=f"{tag} {name}") for name in personal]
    department = department_id_of(world.users["discipline_officer"])
    members = ["discipline_officer", "discipline_officer2", "discipline_leader", "discipline_leader2"]
    assert {department_id_of(world.users[name]) for name in members} == {department}
    rows += [
        Notification.objects.create(recipient=world.users[name], department_id=department, kind="test", text=f"{tag} all")
        for name in members
    ]
    push_websocket(rows)  # best effort, as after a commit: a failing Redis is logged, not raised
    return [row.pk for row in rows]


def expected_ids(client: LiveClient, since: int) -> list[int]:
    from notifications.models import Notification

    return list(
        Notification.objects.filter(recipient_id=client.user_id, id__gt=since).order_by("id").values_list("id", flat=True)
    )


def assert_each_exactly_once(clients: list[LiveClient], since: int) -> None:
    for client in clients:
        twice = [id_ for id_, n in Counter(client.ids).items() if n > 1]
        assert not twice, f"user {client.user_id} received {twice} more than once"
        assert sorted(client.ids) == expected_ids(client, since), f"user {client.user_id} lost notifications"


def wait_all_received(clients: list[LiveClient], since: int, what: str) -> None:
    try:
        wait_until(what, lambda: all(set(expected_ids(client, since)) <= set(client.ids) for client in clients))
    except AssertionError as failed:
        missing = {client.user_id: sorted(set(expected_ids(client, since)) - set(client.ids)) for client in clients}
        states = [[(c.opened_while_down, c.ready, c.errors, c.close_code) for c in client.connections] for client in clients]
        raise AssertionError(f"{failed}; missing per user: {missing}; connections: {states}") from None


def wait_ready(clients: list[LiveClient], what: str) -> None:
    wait_until(
        what,
        lambda: all(
            c.current is not None and c.current.ready and not c.current.errors and c.current.close_code is None for c in clients
        ),
    )


def assert_live_again(world, clients: list[LiveClient], since: int) -> None:
    """The last batch reaches every socket live, on the connection that was open when it was sent."""
    connections = {id(client): len(client.connections) for client in clients}
    batch = set(send_batch(world, "after"))
    wait_all_received(clients, since, "the batch sent after recovery arrived")
    for client in clients:
        frames = [frame for frame in client.frames if frame["id"] in batch]
        assert frames and all("unread" in frame for frame in frames), "delivered by a replay, not live"
        assert len(client.connections) == connections[id(client)], "the socket had to reconnect to get it"
    assert_each_exactly_once(clients, since)


def test_sockets_deliver_again_after_a_redis_restart_with_nothing_lost_or_twice(world, live):
    running, redis = live
    clients = running.clients
    since = clients[0].last
    wait_ready(clients, "every socket is connected")
    send_batch(world, "before")
    wait_all_received(clients, since, "the first batch arrived live")
    assert all(len(client.connections) == 1 for client in clients)

    redis.restart()  # every group membership is gone
    send_batch(world, "lost-live")  # pushed to empty groups: reaches no socket live
    wait_until(
        "every socket was closed with 4503 (layer lost) and reconnected",
        lambda: all(any(c.close_code == 4503 for c in client.connections) for client in clients),
    )
    wait_all_received(clients, since, "the replay after the reconnect caught up")
    for client in clients:
        lost = next(c for c in client.connections if c.close_code == 4503)
        assert lost.errors == [4503]
    wait_ready(clients, "every socket is subscribed again")
    assert_live_again(world, clients, since)


def test_a_client_reconnecting_while_redis_is_away_retries_until_it_delivers_live_again(world, live):
    running, redis = live
    clients = running.clients
    since = clients[0].last
    wait_ready(clients, "every socket is connected")
    send_batch(world, "before")
    wait_all_received(clients, since, "the first batch arrived live")

    running.state["redis_down"] = True
    redis.stop()
    send_batch(world, "while-down")  # the push fails; the rows are the truth
    # Every client reconnects while Redis is away; the server cannot subscribe it, so it serves
    # the replay from the database and closes with 4503, and the client tries again.
    wait_until(
        "every client reconnected during the outage and was closed with 4503",
        lambda: all(any(c.opened_while_down and c.close_code == 4503 for c in client.connections) for client in clients),
    )
    wait_all_received(clients, since, "the replay during the outage caught up")

    redis.start()
    running.state["redis_down"] = False
    send_batch(world, "back")
    wait_all_received(clients, since, "the batch sent as Redis came back arrived")
    wait_ready(clients, "every socket is subscribed again")
    assert_live_again(world, clients, since)
