"""The login lockout through a real nginx (issue 15 item 4): the shipped proxy locations
(deploy/nginx/zeren-proxy.conf, included unchanged) in front of daphne as production starts it
(``--proxy-headers``, ``ZEREN_PROXY_COUNT=1``), on a SQLite file of its own.

Two real client addresses: the client sockets are bound to 127.0.0.2 (A) and 127.0.0.3 (B)
(Linux routes all of 127.0.0.0/8 to the loopback), so nginx's ``$remote_addr`` differs and its
``$proxy_add_x_forwarded_for`` appends the real one; nginx itself reaches daphne from 127.0.0.1.
Five wrong passwords from A lock (discipline_leader, A) out, not the account: B still signs in,
A cannot escape by sending its own ``X-Forwarded-For``, and ``manage.py unlock`` on the same
database lets A in again.

nginx is installed by .ci/run, so this runs in CI (where a missing binary is an error, not a
skip); elsewhere it is skipped only when there is no ``nginx`` binary. Its system service is never used: a private config, prefix, pid file and logs.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROXY_CONF = ROOT / "deploy" / "nginx" / "zeren-proxy.conf"
NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None)

if NGINX is None and os.environ.get("CI"):  # .ci/run installs it: a CI run must not skip this
    raise RuntimeError("CI: no nginx binary; .ci/run installs Debian's nginx package")
pytestmark = pytest.mark.skipif(NGINX is None, reason="no nginx binary (apt-get install nginx; .ci/run installs it)")

A, B = "127.0.0.2", "127.0.0.3"
USER = "discipline_leader"
FAILURE_LIMIT = 5  # ZEREN_LOGIN_FAILURE_LIMIT's default, set explicitly for the server below
TOKEN = "/api/v1/auth/token/"
REHASH = (
    "from django.conf import settings; from django.contrib.auth import get_user_model; "
    f"u = get_user_model().objects.get(username={USER!r}); u.set_password(settings.DEMO_PASSWORD); u.save()"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(database: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "ZEREN_TASKS_EAGER": "1",
        "ZEREN_PROXY_COUNT": "1",
        "ZEREN_LOGIN_FAILURE_LIMIT": str(FAILURE_LIMIT),
    }
    env.pop("REDIS_URL", None)  # the embedded default; axes keeps its attempts in the database
    return env


def _wait_until_up(port: int, proc: subprocess.Popen, log: Path, what: str) -> None:
    for _ in range(300):  # the process starting up, polled; bounded
        if proc.poll() is not None:
            raise AssertionError(f"{what} exited: {log.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/login/")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{what} did not answer on port {port}: {log.read_text()[-3000:]}")


@contextlib.contextmanager
def _process(args: list[str], env: dict[str, str] | None, log_path: Path, port: int, what: str) -> Iterator[None]:
    with log_path.open("w") as log:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_up(port, proc, log_path, what)
            yield
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def _nginx_config(run: Path, app_port: int, port: int) -> Path:
    """deploy/nginx/zeren.conf's shape without TLS, on loopback ports, as scripts/multinode
    writes it: the http block defines what zeren-proxy.conf expects, which is included as shipped."""
    (run / "tmp").mkdir(parents=True)
    shutil.copy(PROXY_CONF, run / "zeren-proxy.conf")
    config = run / "nginx.conf"
    # As root, nginx's workers would switch to `nobody`, who cannot enter pytest's private tmp dir.
    user = "user root;\n" if os.geteuid() == 0 else ""
    config.write_text(
        f"""{user}worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log {run}/access.log;
    client_body_temp_path {run}/tmp/body;
    proxy_temp_path {run}/tmp/proxy;
    fastcgi_temp_path {run}/tmp/fastcgi;
    uwsgi_temp_path {run}/tmp/uwsgi;
    scgi_temp_path {run}/tmp/scgi;
    upstream zeren_app {{
        server 127.0.0.1:{app_port};
        keepalive 4;
    }}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ""      "";
    }}
    server {{
        listen 127.0.0.1:{port};
        include {run}/zeren-proxy.conf;
    }}
}}
"""
    )
    return config


@pytest.fixture(scope="module")
def proxied(tmp_path_factory) -> Iterator[tuple[int, Path, dict[str, str]]]:
    """(nginx's port, the SQLite file, the server's environment) with daphne behind nginx."""
    assert NGINX is not None
    run = tmp_path_factory.mktemp("nginx-lockout")
    database = run / "zeren.sqlite3"
    env = _environment(database)
    built = subprocess.run(
        [sys.executable, "-m", "tests.sqlite_world"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert built.returncode == 0, built.stderr[-3000:]
    # The world is built with the tests' fast MD5 hasher, which the server does not accept: the
    # signing-in user gets the demo password under the server's own hasher.
    rehashed = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", REHASH], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert rehashed.returncode == 0, rehashed.stderr[-3000:]
    app_port, port = _free_port(), _free_port()
    config = _nginx_config(run / "nginx", app_port, port)
    checked = subprocess.run(
        [NGINX, "-t", "-q", "-p", str(run / "nginx"), "-e", str(run / "nginx" / "error.log"), "-c", str(config)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert checked.returncode == 0, f"nginx rejected {config}: {checked.stderr}"
    daphne = [
        sys.executable,
        "-m",
        "daphne",
        "-b",
        "127.0.0.1",
        "-p",
        str(app_port),
        "--proxy-headers",
        "config.asgi:application",
    ]
    nginx = [NGINX, "-p", str(run / "nginx"), "-e", str(run / "nginx" / "error.log"), "-c", str(config), "-g", "daemon off;"]
    with (
        _process(daphne, env, run / "daphne.log", app_port, "daphne"),
        _process(nginx, None, run / "nginx" / "stdout.log", port, "nginx"),
    ):
        yield port, database, env


def _request(
    port: int, source: str, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """One request to nginx from the client address ``source``; (status, headers, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(source, 0))
    try:
        conn.request(method, path, body=body, headers={"Accept-Language": "en", **(headers or {})})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def _token(port: int, source: str, password: str, forwarded: str | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if forwarded is not None:
        headers["X-Forwarded-For"] = forwarded
    body = json.dumps({"username": USER, "password": password}).encode()
    status, _headers, raw = _request(port, source, "POST", TOKEN, body, headers)
    return status, json.loads(raw or b"{}")


def _login_page(port: int, source: str, password: str) -> int:
    """The UI's sign-in form, CSRF token and cookie taken from the page as a browser would."""
    status, headers, raw = _request(port, source, "GET", "/login/")
    assert status == 200, raw[:500]
    cookie = re.search(r"csrftoken=([^;]+)", headers.get("set-cookie", ""))
    field = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', raw)
    assert cookie and field, headers
    form = f"csrfmiddlewaretoken={field.group(1).decode()}&username={USER}&password={password}".encode()
    form_headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie.group(1)}"}
    status, _headers, _raw = _request(port, source, "POST", "/login/", form, form_headers)
    return status


def _attempt_addresses(database: Path) -> set[str]:
    with contextlib.closing(sqlite3.connect(database)) as db:
        rows = db.execute("SELECT ip_address FROM axes_accessattempt WHERE username = ?", (USER,)).fetchall()
    return {ip for (ip,) in rows}


def test_the_lockout_behind_nginx_is_per_real_client_address(proxied):
    port, database, env = proxied
    from django.conf import settings

    password = settings.DEMO_PASSWORD

    for _attempt in range(FAILURE_LIMIT):
        status, _body = _token(port, A, "wrong")
        assert status in (400, 401, 429), status
    # A is locked out, the right password included, on the API and on the sign-in page
    status, body = _token(port, A, password)
    assert status == 429 and body["error"] == "locked_out", body
    assert _login_page(port, A, password) == 429
    # axes counted A's real address (the entry nginx appended), not nginx's own 127.0.0.1
    assert _attempt_addresses(database) == {A}

    # a header of A's own does not let it pass for another client: nginx appends the real address
    # and ZEREN_PROXY_COUNT=1 takes the right-most entry (daphne's REMOTE_ADDR is the left-most)
    for spoofed in ("127.0.0.9", B, f"{B}, 127.0.0.9"):
        status, body = _token(port, A, password, forwarded=spoofed)
        assert status == 429 and body["error"] == "locked_out", (spoofed, body)
    assert _attempt_addresses(database) == {A}

    # the same username from another address signs in: the lockout is per (username, address)
    status, body = _token(port, B, password)
    assert status == 200 and body.get("token"), body
    assert _login_page(port, B, password) == 302

    # an administrator's unlock, on the same database, lets A in again
    unlocked = subprocess.run(
        [sys.executable, "manage.py", "unlock", USER], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert unlocked.returncode == 0, unlocked.stderr[-3000:]
    assert USER in unlocked.stdout
    assert _attempt_addresses(database) == set()
    status, body = _token(port, A, password)
    assert status == 200 and body.get("token"), body
    assert _login_page(port, A, password) == 302
