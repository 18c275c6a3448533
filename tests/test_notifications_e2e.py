"""Two real ASGI server processes sharing one Redis and one PostgreSQL (issue 5).

A websockets client connects with a token to the second server; a transition fired through the
REST API of the first reaches it. Then: reconnect-and-replay, a server restart and a Redis
restart lose nothing, and a connection without credentials is refused.

These need the real services (CI provides them); without PostgreSQL and Redis configured the
module is skipped, because separate processes cannot share SQLite's test transaction or the
in-memory channel layer.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.db import connection

from tests.redis_server import RedisServer, restartable_port

ROOT = Path(__file__).resolve().parent.parent

NEEDS = "needs PostgreSQL (DATABASE_URL) and a redis-server binary, as in CI (.ci/run)"
pytestmark = [
    pytest.mark.skipif(
        not (shutil.which("redis-server") and os.environ.get("DATABASE_URL", "").startswith("postgres")), reason=NEEDS
    ),
    pytest.mark.django_db(transaction=True),
]


def _run(coro):
    """``asyncio.run`` in a thread of its own: a Playwright session elsewhere in the same test
    process may already run an event loop in the main thread."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


class Server:
    """``daphne`` in its own process, pointed at the test database and the shared Redis."""

    def __init__(self, prefix: str, redis_url: str) -> None:
        self.port = restartable_port()  # the second server is stopped and started again
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "REDIS_URL": redis_url,
            "ZEREN_CHANNEL_PREFIX": prefix,
            "ZEREN_CACHE_PREFIX": prefix,
        }
        self.proc: subprocess.Popen | None = None

    def start(self) -> Server:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port), "config.asgi:application"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=open(f"/tmp/zeren-e2e-{self.port}.log", "ab"),
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/api/v1/", timeout=1)
            except urllib.error.HTTPError:
                return self  # answering (401 without a token)
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"server on {self.port} did not start; see /tmp/zeren-e2e-{self.port}.log")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def api(self, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, dict]:
        request = urllib.request.Request(
            f"{self.url}/api/v1{path}",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=20) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())


@pytest.fixture
def redis_server():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def servers(world, redis_server):
    prefix = f"zeren-e2e-{uuid.uuid4().hex[:8]}"
    pair = [Server(prefix, redis_server.url).start(), Server(prefix, redis_server.url).start()]
    yield pair
    for server in pair:
        server.stop()


def _token(world, username: str) -> str:
    from rest_framework.authtoken.models import Token

    return Token.objects.get_or_create(user=world.users[username])[0].key


async def _receive(ws, *, kind: str = "notification", timeout: float = 10.0) -> dict:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        remaining = deadline - asyncio.get_running_loop().time()
        message = json.loads(await asyncio.wait_for(ws.recv(), timeout=max(remaining, 0.01)))
        if message["type"] == kind:
            return message


def _lead(world, server: Server, token: str) -> int:
    status, case = server.api(
        "POST",
        "/leads/",
        token,
        {
            "title": "跨进程测试",
            "facts": "事实",
            "source_kind": "audit",
            "subjects": [world.cadres["pl-touzha:township_head:0"].pk],
        },
    )
    assert status == 201, case
    return case["id"]


def test_a_transition_on_one_server_reaches_a_client_of_the_other(world, servers):
    import websockets

    first, second = servers
    officer_token = _token(world, "discipline_officer")
    audit_token = _token(world, "audit_officer")
    leader_token = _token(world, "discipline_leader")

    def drive_to_approval(case_id: int) -> None:
        def fire(name: str, **payload) -> None:
            status, body = first.api("POST", f"/cases/{case_id}/transitions/", officer_token, {"name": name, **payload})
            assert status == 200, body

        fire("accept", team=["discipline_officer", "discipline_officer2"])
        _, detail = first.api("GET", f"/cases/{case_id}/", officer_token)
        subject = detail["subjects"][0]["id"]
        status, _ = first.api(
            "PUT",
            f"/cases/{case_id}/subjects/{subject}/findings/",
            officer_token,
            {"circumstances": ["26.1"], "conduct_date": "2026-06-30"},
        )
        assert status == 200
        fire("submit_findings")
        fire("conclude")
        fire("propose", measures=[{"subject": subject, "measure": "admonishment"}])

    async def scenario() -> None:
        uri = f"ws://127.0.0.1:{second.port}/ws/notifications/?token={leader_token}&since=0"
        async with websockets.connect(uri) as ws:
            assert (await _receive(ws, kind="unread"))["count"] == 0
            # A lead referred through the first server's API reaches the leader on the second.
            case_id = await asyncio.to_thread(_lead, world, first, audit_token)
            message = await _receive(ws)
            assert message["case"] == case_id and message["kind"] == "lead_routed"
            assert set(message) >= {"id", "kind", "text", "case"}
            # One frame per member of the department: the unread count is in it, none follows.
            assert message["unread"] == 1
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(ws.recv(), timeout=0.5)
            # Transitions through the first server: the proposal asks this leader to approve.
            await asyncio.to_thread(drive_to_approval, case_id)
            message = await _receive(ws)
            while message["kind"] != "approval_requested":
                message = await _receive(ws)
            assert message["case"] == case_id and "待审批" in message["text"]

    _run(scenario())


def test_nothing_is_lost_across_disconnects_server_restarts_and_redis_restarts(world, servers, redis_server):
    import websockets

    first, second = servers
    audit_token = _token(world, "audit_officer")
    leader_token = _token(world, "discipline_leader")

    async def scenario() -> list[int]:
        seen: list[int] = []
        uri = f"ws://127.0.0.1:{second.port}/ws/notifications/?token={leader_token}&since=0"
        async with websockets.connect(uri) as ws:
            await asyncio.to_thread(_lead, world, first, audit_token)
            seen.append((await _receive(ws))["id"])
        # Disconnected: two leads arrive; the second server restarts meanwhile.
        await asyncio.to_thread(_lead, world, first, audit_token)
        await asyncio.to_thread(second.stop)
        await asyncio.to_thread(_lead, world, first, audit_token)
        await asyncio.to_thread(second.start)
        uri = f"ws://127.0.0.1:{second.port}/ws/notifications/?token={leader_token}&since={seen[-1]}"
        async with websockets.connect(uri) as ws:
            seen += [(await _receive(ws))["id"] for _ in range(2)]
            # Redis goes away and comes back (its data is lost): the rows are the truth.
            await asyncio.to_thread(redis_server.restart)
            await asyncio.to_thread(_lead, world, first, audit_token)
        uri = f"ws://127.0.0.1:{second.port}/ws/notifications/?token={leader_token}&since={seen[-1]}"
        async with websockets.connect(uri) as ws:
            seen.append((await _receive(ws))["id"])
        return seen

    seen = _run(scenario())
    from notifications.models import Notification

    expected = list(
        Notification.objects.filter(recipient=world.users["discipline_leader"], kind="lead_routed")
        .order_by("id")
        .values_list("id", flat=True)
    )
    assert seen == expected and len(seen) == 4 and len(set(seen)) == 4


def test_a_connection_without_credentials_is_refused(world, servers):
    import websockets

    async def scenario() -> None:
        uri = f"ws://127.0.0.1:{servers[1].port}/ws/notifications/"
        async with websockets.connect(uri) as ws:
            error = json.loads(await asyncio.wait_for(ws.recv(), timeout=5))
            assert error["type"] == "error" and error["code"] == 4401
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), timeout=5)
        assert closed.value.rcvd.code == 4401

    _run(scenario())
