"""The header's unread badge updates live over the WebSocket, without a reload (issue 5).

pytest-django's live server speaks WSGI only, so this test runs the real ASGI app in a daphne
process on the test database; the lead is filed through that server's API, so the dispatch
and the push happen in the process that holds the browser's socket (any channel layer works).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def asgi_server(world):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost"}
    env.pop("REDIS_URL", None)  # one process: the in-memory layer is enough and isolated
    proc = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{url}/login/", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_the_unread_badge_counts_up_when_a_lead_arrives(browser, asgi_server, world):
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from rest_framework.authtoken.models import Token

    # The server process uses the default hashers, not the fast one the test settings use.
    leader = world.users["discipline_leader"]
    leader.password = PBKDF2PasswordHasher().encode(settings.DEMO_PASSWORD, PBKDF2PasswordHasher().salt())
    leader.save(update_fields=["password"])
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(f"{asgi_server}/login/")
    page.fill("input[name=username]", "discipline_leader")
    page.fill("input[name=password]", settings.DEMO_PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{asgi_server}/")
    page.wait_for_timeout(800)  # the socket connects and reports 0 unread
    assert page.locator("#unread-count").is_hidden()

    token = Token.objects.get_or_create(user=world.users["audit_officer"])[0].key
    body = {
        "title": "实时提醒",
        "facts": "事实",
        "source_kind": "audit",
        "subjects": [world.cadres["pl-touzha:township_head:0"].pk],
    }
    request = urllib.request.Request(
        f"{asgi_server}/api/v1/leads/",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
    )
    with urllib.request.urlopen(request, timeout=20) as response:
        assert response.status == 201
    # The server sends one frame per notification with the count in it ({"type": "notification",
    # ..., "unread": 1}): the badge follows it, and the id is kept for the reconnect's replay.
    # (expect polls from Python: a wait_for_function string would be refused by the page's CSP.)
    expect(page.locator("#unread-count")).to_have_text("1", timeout=10_000)
    assert page.locator("#unread-count").is_visible()
    from notifications.models import Notification

    latest = Notification.objects.filter(recipient=leader).latest("id")
    assert page.evaluate("window.localStorage.getItem('zeren.lastNotification')") == str(latest.pk)
    context.close()


@pytest.fixture
def asgi_server_on_redis(world):
    """daphne with the Redis channel layer on a private redis-server the test can restart."""
    from tests.redis_server import Daphne, RedisServer

    redis = RedisServer().start()
    server = Daphne(REDIS_URL=redis.url, ZEREN_CHANNEL_PREFIX="zeren-browser-live", ZEREN_WS_HEALTH_SECONDS="0.5").start()
    yield server.url, redis
    server.stop()
    redis.stop()


@pytest.mark.skipif(not shutil.which("redis-server"), reason="needs a redis-server binary (CI installs it)")
def test_after_a_redis_restart_live_js_reconnects_and_replays(browser, asgi_server_on_redis, world):
    """Redis restarts and forgets the socket's groups: the server closes it with 4503, live.js
    reconnects with the highest id it saw, and the lead filed meanwhile reaches the badge."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from rest_framework.authtoken.models import Token

    from notifications.models import Notification

    url, redis = asgi_server_on_redis
    leader = world.users["discipline_leader"]
    leader.password = PBKDF2PasswordHasher().encode(settings.DEMO_PASSWORD, PBKDF2PasswordHasher().salt())
    leader.save(update_fields=["password"])
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(f"{url}/login/")
    page.fill("input[name=username]", "discipline_leader")
    page.fill("input[name=password]", settings.DEMO_PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{url}/")
    token = Token.objects.get_or_create(user=world.users["audit_officer"])[0].key

    def file_lead() -> int:
        body = {
            "title": "实时提醒",
            "facts": "事实",
            "source_kind": "audit",
            "subjects": [world.cadres["pl-touzha:township_head:0"].pk],
        }
        request = urllib.request.Request(
            f"{url}/api/v1/leads/",
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
        )
        with urllib.request.urlopen(request, timeout=20) as response:
            assert response.status == 201
        return Notification.objects.filter(recipient=leader).latest("id").pk

    def last_seen() -> str | None:
        return page.evaluate("window.localStorage.getItem('zeren.lastNotification')")

    # The socket is subscribed once the server's first count has arrived (``show`` sets
    # data-count): a lead filed before that reaches the badge only as a count, not as a live
    # frame with its id (the CI run of 2026-12-03 under load).
    expect(page.locator("#unread-count")).to_have_attribute("data-count", "0", timeout=15_000)
    first = file_lead()
    expect(page.locator("#unread-count")).to_have_text("1", timeout=15_000)  # live, over Redis
    assert last_seen() == str(first)

    redis.restart()  # the socket's group memberships are gone with Redis's data
    second = file_lead()  # pushed to an empty group: only the reconnect's replay brings it
    expect(page.locator("#unread-count")).to_have_text("2", timeout=30_000)
    deadline = time.monotonic() + 30
    while last_seen() != str(second) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert last_seen() == str(second)

    third = file_lead()  # the new socket is subscribed: live again
    expect(page.locator("#unread-count")).to_have_text("3", timeout=15_000)
    assert Notification.objects.filter(recipient=leader).count() == 3 and last_seen() == str(third)
    context.close()
