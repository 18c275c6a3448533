"""The consumer and the subscription watch when the channel layer fails (issue 15 item 6).

In process and fast; the real Redis restart under live sockets is tests/test_ws_redis_restart.py.
"""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from channels.testing import WebsocketCommunicator
from rest_framework.authtoken.models import Token

from config.asgi import application
from notifications.consumers import CLOSE_LAYER_LOST
from notifications.layers import SubscriptionWatch
from notifications.models import Notification
from notifications.services import user_group

IN_MEMORY = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


async def _connect(user, since: int | None = None) -> WebsocketCommunicator:
    token = await sync_to_async(lambda: Token.objects.get_or_create(user=user)[0].key)()
    path = f"/ws/notifications/?token={token}" + (f"&since={since}" if since is not None else "")
    communicator = WebsocketCommunicator(application, path)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


def _frame(id_: int) -> dict:
    return {"id": id_, "kind": "test", "text": f"#{id_}", "case": None, "link": "", "created_at": "", "read_at": None}


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_live_messages_out_of_id_order_all_arrive_once(world, settings):
    """A user's group and a department's are pushed concurrently, so a higher id can arrive first:
    the lower one is still sent (it used to be dropped as "already sent"), a second copy is not."""
    settings.CHANNEL_LAYERS = IN_MEMORY
    officer = world.users["discipline_officer"]
    communicator = await _connect(officer, since=0)
    assert (await communicator.receive_json_from(timeout=5))["type"] == "unread"
    layer = get_channel_layer()
    for id_ in (9, 3, 9):
        await layer.group_send(user_group(officer.pk), {"type": "notify", "message": _frame(id_), "unread": 2})
    assert [(await communicator.receive_json_from(timeout=5))["id"] for _ in range(2)] == [9, 3]
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_socket_that_cannot_subscribe_gets_its_replay_and_4503(world, settings, monkeypatch):
    """Redis away at connect: the replay and the count come from the database, then 4503 tells
    the client to try again (before, it stayed open and never received anything live)."""
    settings.CHANNEL_LAYERS = IN_MEMORY
    officer = world.users["discipline_officer"]
    row = await sync_to_async(Notification.objects.create)(recipient=officer, kind="test", text="while Redis is away")

    async def unreachable(self, group, channel):
        raise ConnectionError("Redis is away")

    monkeypatch.setattr(InMemoryChannelLayer, "group_add", unreachable)
    communicator = await _connect(officer, since=0)
    replayed = await communicator.receive_json_from(timeout=5)
    assert (replayed["type"], replayed["id"]) == ("notification", row.pk)
    error = await communicator.receive_json_from(timeout=5)
    assert (error["type"], error["code"]) == ("error", CLOSE_LAYER_LOST)
    assert await communicator.receive_json_from(timeout=5) == {"type": "unread", "count": 1}
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": CLOSE_LAYER_LOST}


class FakeLayer:
    def __init__(self) -> None:
        self.held: set[tuple[str, str]] = set()
        self.down = False
        self.asked: list[list[tuple[str, str]]] = []

    async def missing_memberships(self, memberships):
        memberships = list(memberships)
        self.asked.append(memberships)
        if self.down:
            raise ConnectionError("Redis is away")
        return {m for m in memberships if m not in self.held}


def _watch(layer: FakeLayer, lost: list[str], *channels: str) -> SubscriptionWatch:
    watch = SubscriptionWatch(layer, interval=60)  # type: ignore[arg-type]  # checked by hand below
    for channel in channels:
        layer.held |= {("user.1", channel), ("dept.1", channel)}

        async def on_lost(channel: str = channel) -> None:
            lost.append(channel)

        watch.watched[channel] = (["user.1", "dept.1"], on_lost)
    return watch


@pytest.mark.asyncio
async def test_the_watch_checks_every_socket_in_one_call_and_closes_only_those_lost():
    layer, lost = FakeLayer(), []
    watch = _watch(layer, lost, "a", "b", "c")
    await watch.check()
    assert lost == [] and len(layer.asked) == 1 and len(layer.asked[0]) == 6
    layer.held.discard(("dept.1", "b"))  # evicted, flushed, or Redis restarted for b's group
    await watch.check()
    assert lost == ["b"] and set(watch.watched) == {"a", "c"}
    await watch.check()
    assert lost == ["b"]  # told once


@pytest.mark.asyncio
async def test_the_watch_gives_the_sockets_up_when_redis_stays_unreachable():
    layer, lost = FakeLayer(), []
    watch = _watch(layer, lost, "a", "b")
    layer.down = True
    await watch.check()
    assert lost == []  # one failed check may be a hiccup
    await watch.check()
    assert sorted(lost) == ["a", "b"] and watch.watched == {}


@pytest.mark.asyncio
async def test_the_watch_runs_while_sockets_are_watched():
    layer = FakeLayer()
    watch = SubscriptionWatch(layer, interval=0.01)  # type: ignore[arg-type]
    closed = asyncio.Event()

    async def on_lost() -> None:
        closed.set()

    watch.add("a", ["user.1"], on_lost)  # not held: the first round finds it lost
    await asyncio.wait_for(closed.wait(), timeout=10)
    assert watch.task is not None
    await asyncio.wait_for(watch.task, timeout=10)  # nothing left to watch: the task ends
