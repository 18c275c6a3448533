"""The embedded default holds under concurrent writers (issue 15 item 3): daphne, as ``scripts/run``
starts it, on a SQLite file of its own, and two then eight clients writing at once over real
HTTP. Every answer is 200/201 or a refusal in the error shape (409, or 400 for a report level
already recorded), never a 500 ``database is locked``, and each contested write has one winner.

The server always gets its own SQLite file, whatever ``DATABASE_URL`` the suite runs on (CI:
PostgreSQL), so this runs everywhere; the barrier makes the writers collide, not a timer.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEAM = ["discipline_officer", "discipline_officer2"]


def _environment(database: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "ZEREN_TASKS_EAGER": "1",
        **extra,
    }
    env.pop("REDIS_URL", None)  # the embedded default: in-memory channel layer and cache
    return env


@contextlib.contextmanager
def _daphne(env: dict[str, str], log_path: Path) -> Iterator[str]:
    """``daphne`` as ``scripts/run`` starts it, on a free port; yields its URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):  # the process starting up, polled
                if proc.poll() is not None:
                    raise AssertionError(f"daphne exited: {log_path.read_text()[-3000:]}")
                try:
                    urllib.request.urlopen(f"{url}/login/", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> tuple[Path, dict]:
    """A fresh SQLite file with the demo county and four leads; (path, ids and tokens)."""
    database = tmp_path_factory.mktemp("sqlite-server") / "zeren.sqlite3"
    built = subprocess.run(
        [sys.executable, "-m", "tests.sqlite_world"],
        cwd=ROOT,
        env=_environment(database),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    return database, json.loads(built.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def server(database):
    path, world = database
    with _daphne(_environment(path), path.parent / "daphne.log") as url:
        yield url, world


def _call(url: str, token: str, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        url + path,
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json", "Accept-Language": "en"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            return exc.code, json.loads(raw or b"{}")
        except ValueError:
            return exc.code, {"raw": raw[:500].decode(errors="replace")}


def _race(url: str, requests: list[tuple[str, str, str, dict]]) -> list[tuple[int, dict]]:
    """Fire every (token, method, path, body) at once from its own thread; (status, body) each."""
    barrier = threading.Barrier(len(requests))
    results: list[tuple[int, dict]] = [(0, {})] * len(requests)

    def worker(index: int, token: str, method: str, path: str, body: dict) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = _call(url, token, method, path, body)
        except Exception as exc:  # a thread's exception would otherwise vanish
            results[index] = (-1, {"exception": repr(exc)})

    threads = [threading.Thread(target=worker, args=(i, *r)) for i, r in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def _statuses(results: list[tuple[int, dict]]) -> list[int]:
    return sorted(status for status, _body in results)


def test_two_officers_accepting_one_case_at_once_get_200_and_409(server):
    url, world = server
    case_id, tokens = world["cases"][0], world["tokens"]
    _s, case = _call(url, tokens["discipline_officer"], "GET", f"/api/v1/cases/{case_id}/")
    body = {"name": "accept", "version": case["version"], "team": TEAM}
    path = f"/api/v1/cases/{case_id}/transitions/"
    results = _race(url, [(tokens[p], "POST", path, body) for p in ("discipline_officer", "discipline_officer2")])
    assert _statuses(results) == [200, 409], results
    loser = next(b for s, b in results if s == 409)
    assert loser["error"] in ("concurrent_modification", "transition_not_allowed") and "detail" in loser
    status, history = _call(url, tokens["discipline_officer"], "GET", f"/api/v1/cases/{case_id}/history/")
    assert status == 200 and [e["kind"] for e in history["events"]] == ["lead", "accept"], history


def test_eight_writers_on_one_case_one_winner_per_round(server):
    """accept, inquire, hold and dismiss all leave ``received``; each writer states the version
    it saw, so whatever wins first, every other one is refused."""
    url, world = server
    tokens = world["tokens"]
    who = [
        ("discipline_officer", {"name": "accept", "team": TEAM}),
        ("discipline_officer2", {"name": "inquire"}),
        ("discipline_officer", {"name": "hold", "reason": "待查"}),
        ("discipline_leader", {"name": "dismiss", "reason": "不实"}),
        ("discipline_officer2", {"name": "accept", "team": TEAM}),
        ("discipline_officer", {"name": "inquire"}),
        ("discipline_officer2", {"name": "hold", "reason": "待查"}),
        ("discipline_leader2", {"name": "dismiss", "reason": "不实"}),
    ]
    for case_id in world["cases"][1:]:
        _s, case = _call(url, tokens["discipline_officer"], "GET", f"/api/v1/cases/{case_id}/")
        path = f"/api/v1/cases/{case_id}/transitions/"
        results = _race(url, [(tokens[p], "POST", path, {**b, "version": case["version"]}) for p, b in who])
        assert _statuses(results) == [200] + [409] * 7, results
        assert all(b["error"] in ("concurrent_modification", "transition_not_allowed") for s, b in results if s == 409)
        _s, history = _call(url, tokens["discipline_officer"], "GET", f"/api/v1/cases/{case_id}/history/")
        assert [e["seq"] for e in history["events"]] == [1, 2], history


@pytest.mark.parametrize("writers", [2, 8])
def test_concurrent_reports_of_one_accident_level_record_it_once(server, writers):
    """The same step of an accident's report chain sent by several clients at once: one is
    recorded (201), the others are told it already is (400 on ``level``) or to retry (409)."""
    url, world = server
    token = world["tokens"]["emergency_officer"]
    accident = world["accidents"]["baofeng" if writers == 2 else "park"]
    _s, before = _call(url, token, "GET", f"/api/v1/accidents/{accident}/")
    at = before["occurred_at"]
    body = {"level": 1, "reporter": "县应急管理局", "reported_at": at}
    results = _race(url, [(token, "POST", f"/api/v1/accidents/{accident}/reports/", body)] * writers)
    statuses = _statuses(results)
    assert statuses[0] == 201 and set(statuses[1:]) <= {400, 409}, results
    assert statuses.count(201) == 1, results
    for status, answer in results:
        if status == 400:
            assert answer["error"] == "invalid" and "level" in answer["detail"], answer
        elif status == 409:
            assert answer["error"] == "concurrent_modification", answer
    _s, after = _call(url, token, "GET", f"/api/v1/accidents/{accident}/")
    assert [r["level"] for r in after["reports"]].count(1) == 1, after


def test_writers_on_different_accidents_all_succeed(server):
    """Eight clients each recording a different step: none is refused, all are kept."""
    url, world = server
    token = world["tokens"]["emergency_officer"]
    accident = world["accidents"]["road"]
    _s, before = _call(url, token, "GET", f"/api/v1/accidents/{accident}/")
    requests = [
        (
            token,
            "POST",
            f"/api/v1/accidents/{accident}/reports/",
            {"level": level, "reporter": "单位", "reported_at": before["occurred_at"]},
        )
        for level in range(1, 6)
    ]
    results = _race(url, requests)
    assert _statuses(results) == [201] * 5, results
    _s, after = _call(url, token, "GET", f"/api/v1/accidents/{accident}/")
    assert sorted(r["level"] for r in after["reports"]) == [1, 2, 3, 4, 5], after


def test_the_database_runs_in_wal_mode(server, database):
    """WAL is a property of the file once set: readers do not wait for the writer."""
    path, _world = database
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_writer_that_never_gets_the_lock_is_answered_409_and_writes_nothing(database, server):
    """Another process holds SQLite's write lock longer than the busy timeout (1 s here): the
    write is refused in the error shape (409 ``concurrent_modification``), not 500, nothing is
    written, and once the lock is free the same request goes through."""
    path, world = database
    token = world["tokens"]["emergency_officer"]
    accident = world["accidents"]["baofeng"]
    with _daphne(_environment(path, ZEREN_SQLITE_BUSY_TIMEOUT="1"), path.parent / "impatient.log") as url:
        _s, before = _call(url, token, "GET", f"/api/v1/accidents/{accident}/")
        body = {"level": 0, "reporter": "企业负责人", "reported_at": before["occurred_at"]}
        holder = sqlite3.connect(path, isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")
            # Reading goes on while the lock is held (WAL).
            status, during = _call(url, token, "GET", f"/api/v1/accidents/{accident}/")
            assert status == 200 and during["reports"] == before["reports"]
            status, answer = _call(url, token, "POST", f"/api/v1/accidents/{accident}/reports/", body)
            assert (status, answer["error"]) == (409, "concurrent_modification"), answer
            assert "detail" in answer
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        _s, after = _call(url, token, "GET", f"/api/v1/accidents/{accident}/")
        assert after["reports"] == before["reports"]
        status, _answer = _call(url, token, "POST", f"/api/v1/accidents/{accident}/reports/", body)
        assert status == 201
