"""The client side of ``scripts/multinode_lifecycle.py``: HTTP through urllib (``Node``, ``call``,
``expect``), the WebSocket inbox of one persona (``Inbox``) and the admin's session with CSRF across
both upstreams (``AdminSession``). Imported from the script's own folder (``python scripts/...``).
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

import websockets

PASSWORD = os.environ.get("DEMO_PASSWORD", "zeren-demo")
NOTIFY_TIMEOUT = 30.0  # seconds to wait for a notification the worker should push
DEADLINE_TIMEOUT = 90.0  # beat's deadlines entry runs every ZEREN_DEADLINES_INTERVAL_SECONDS
WARNING_DAYS = 40  # the warning lead time the admin sets, longer than the 1-month execution limits


class Failed(Exception):
    pass


# --- HTTP -------------------------------------------------------------------------------------


@dataclass
class Node:
    """One way in: an app server directly, or nginx in front of both."""

    name: str
    base: str
    proxy: bool = False

    def label(self, headers) -> str:
        if self.proxy:
            upstream = headers.get("X-Upstream") if headers else None
            return f"{self.name}→{upstream}" if upstream else self.name
        return self.name


@dataclass
class Reply:
    status: int
    body: Any  # the decoded JSON (or the start of a non-JSON body)
    headers: dict
    via: str


def call(node: Node, method: str, path: str, *, token: str | None = None, body=None, raw: bytes | None = None) -> Reply:
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    headers = {"Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    if raw is not None:
        headers["Content-Type"] = "application/octet-stream"
    if token:
        headers["Authorization"] = f"Token {token}"
    request = urllib.request.Request(node.base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            status, payload, got = r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as e:
        status, payload, got = e.code, e.read(), dict(e.headers)
    try:
        parsed = json.loads(payload) if payload else None
    except ValueError:
        parsed = payload[:200].decode(errors="replace")
    return Reply(status, parsed, got, node.label(got))


def expect(reply: Reply, status: int, what: str) -> Reply:
    if reply.status != status:
        raise Failed(f"{what}: expected HTTP {status}, got {reply.status} via {reply.via}: {reply.body}")
    return reply


# --- WebSocket --------------------------------------------------------------------------------


@dataclass
class Inbox:
    """One user's ``/ws/notifications/`` connection, read in the background."""

    name: str
    url: str
    messages: list[tuple[float, dict]] = field(default_factory=list)
    changed: asyncio.Condition | None = None
    ws: Any = None  # the websockets client connection, once open() ran
    reader: asyncio.Task | None = None

    async def open(self) -> None:
        self.changed = asyncio.Condition()
        self.ws = await websockets.connect(self.url, max_queue=None, open_timeout=20)
        first = json.loads(await asyncio.wait_for(self.ws.recv(), timeout=20))
        if first.get("type") != "unread":
            raise Failed(f"{self.name}: expected the unread count first, got {first}")
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.changed is not None  # set by open(), which starts this reader
        async for raw in self.ws:
            message = json.loads(raw)
            if message.get("type") == "notification":
                async with self.changed:
                    self.messages.append((time.monotonic(), message))
                    self.changed.notify_all()

    def find(self, kind: str, case_id: int, contains: str = "") -> dict | None:
        return next((m for _, m in self.messages if m["kind"] == kind and m["case"] == case_id and contains in m["text"]), None)

    async def wait(self, kind: str, case_id: int, contains: str = "", timeout: float = NOTIFY_TIMEOUT) -> tuple[dict, float]:
        started = time.monotonic()
        assert self.changed is not None  # set by open()
        try:
            async with self.changed:
                await asyncio.wait_for(self.changed.wait_for(lambda: self.find(kind, case_id, contains)), timeout)
        except TimeoutError:
            seen = sorted({m["kind"] for _, m in self.messages if m["case"] == case_id})
            raise Failed(
                f"{self.name}: no {kind!r} notification {contains!r} for case {case_id} within {timeout:.0f} s (seen: {seen})"
            ) from None
        found = self.find(kind, case_id, contains)
        assert found is not None  # the condition waited for above
        return found, time.monotonic() - started

    async def close(self) -> None:
        if self.reader:
            self.reader.cancel()
        if self.ws:
            await self.ws.close()


# --- the admin, with a session and CSRF across both upstreams ---------------------------------


class AdminSession:
    def __init__(self, node: Node) -> None:
        self.node = node
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.vias: list[str] = []

    def _open(self, path: str, form: dict | None = None) -> tuple[int, str, str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.node.base + path, data=data, headers={"Accept-Language": "en"})
        try:
            with self.opener.open(request, timeout=30) as r:
                self.vias.append(self.node.label(r.headers))
                return r.status, r.geturl(), r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, path, e.read().decode(errors="replace")

    @staticmethod
    def _csrf(html: str) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if not found:
            raise Failed("no CSRF token in the admin form")
        return found.group(1)

    def login(self, username: str, password: str) -> None:
        _, _, html = self._open("/admin/login/?next=/admin/")
        status, url, html = self._open(
            "/admin/login/?next=/admin/",
            {"csrfmiddlewaretoken": self._csrf(html), "username": username, "password": password, "next": "/admin/"},
        )
        if status != 200 or not url.endswith("/admin/"):
            raise Failed(f"admin login failed: HTTP {status} at {url}")

    def add(self, model_path: str, fields: dict) -> None:
        _, _, html = self._open(f"/admin/{model_path}/add/")
        status, url, html = self._open(
            f"/admin/{model_path}/add/", {"csrfmiddlewaretoken": self._csrf(html), **fields, "_save": "Save"}
        )
        if status != 200 or url.rstrip("/").endswith("/add") or "errornote" in html:
            errors = re.findall(r'<ul class="errorlist[^"]*">(.*?)</ul>', html, re.S)
            raise Failed(f"admin add {model_path} refused: HTTP {status} at {url}: {errors}")
