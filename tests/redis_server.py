"""A private ``redis-server`` a test can really restart, and a ``daphne`` process pointed at it.

Redis runs without persistence (``--save "" --appendonly no``), as in production here: a restart
forgets every key, the channel layer's group memberships included.
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def restartable_port() -> int:
    """A free port below the kernel's ephemeral range, for a server that is stopped and started
    again on it. While it is down, clients keep connecting; a connect to a free port inside the
    ephemeral range can get that very port as its source (a TCP self-connect) and hold it, and the
    server cannot bind it again."""
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    for _ in range(100):
        port = random.randrange(max(1024, low - 12000), low)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    return free_port()


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


class RedisServer:
    def __init__(self) -> None:
        self.port = restartable_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(200):
            if _listening(self.port):
                return self
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:  # a graceful shutdown that hangs (daphne with open sockets): end it
                self.proc.kill()
                self.proc.wait(timeout=10)
        for _ in range(200):  # the port is free again before anyone is told Redis is down
            if not _listening(self.port):
                return
            time.sleep(0.05)

    def restart(self) -> None:
        self.stop()
        self.start()


def database_url() -> str:
    """The test database, for a server in another process (SQLite's test database is a file)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Daphne:
    """The ASGI app in a ``daphne`` process on the test database; ``env`` adds to the environment."""

    def __init__(self, **env: str) -> None:
        self.port = restartable_port()  # stopped and started again by some tests
        self.env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", **env}
        self.log = Path(f"/tmp/zeren-daphne-{self.port}.log")
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Daphne:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port), "config.asgi:application"],
                cwd=ROOT,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/login/", timeout=1)
                return self
            except urllib.error.HTTPError:
                return self  # answering
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.2)
        raise RuntimeError(f"daphne on {self.port} did not start; see {self.log}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:  # a graceful shutdown that hangs (daphne with open sockets): end it
                self.proc.kill()
                self.proc.wait(timeout=10)
