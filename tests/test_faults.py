"""Faults under load (issue 7 item 6): PostgreSQL connections are killed again and again while
four clients drive cases from lead to closing over HTTP. Every client recovers by retrying what
failed; afterwards every case is closed, every event chain verifies, no transition happened
twice, and the notification outbox delivers every event exactly once.

(Redis restarting under a live WebSocket is ``tests/test_notifications_e2e.py``.)

Only on PostgreSQL: the fault is ``pg_terminate_backend`` on the server's connections.
"""

from __future__ import annotations

import json
import os
import random
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL (DATABASE_URL), as in CI"
    ),
    pytest.mark.django_db(transaction=True),
]

CLIENTS = 4


class Client:
    """A stubborn API client: retries on a server error or a dropped connection, and after a
    retry re-reads the case, because the failed attempt may have committed before it failed."""

    def __init__(self, base: str, token: str):
        self.base, self.token = base, token
        self.retries = 0

    def call(self, method: str, path: str, body: dict | None = None, key: str | None = None) -> tuple[int, dict]:
        headers = {"Authorization": f"Token {self.token}", "Content-Type": "application/json", "Accept-Language": "en"}
        if key:
            headers["Idempotency-Key"] = key  # a retried creation must not create twice
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            request = urllib.request.Request(
                self.base + path, data=json.dumps(body).encode() if body is not None else None, method=method, headers=headers
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    return response.status, json.loads(response.read() or b"{}")
            except urllib.error.HTTPError as exc:
                if exc.code < 500:
                    return exc.code, json.loads(exc.read() or b"{}")
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            self.retries += 1
            time.sleep(0.05)
        raise AssertionError(f"{method} {path}: no answer in 90 s ({self.retries} retries)")


def _lifecycle(clients: dict[str, Client], subject_cadre: int, errors: list[str]) -> None:
    """Drive one case to closing by its state, like a user who reloads the page: whatever a
    failed attempt did or did not commit, the next step follows from what the case shows."""
    emergency, officer, leader = clients["emergency_officer"], clients["discipline_officer"], clients["discipline_leader"]
    organization = clients["organization_officer"]
    lead = {
        "title": "故障演练",
        "facts": "连接中断",
        "source_kind": "inspection",
        "subjects": [subject_cadre],
        "circumstances": ["26.5"],
    }
    status, case = emergency.call("POST", "/api/v1/leads/", lead, key=f"fault-{subject_cadre}")
    if status not in (200, 201):
        errors.append(f"lead: {status} {case}")
        return
    case_id = case["id"]
    today = time.strftime("%Y-%m-%d")
    for _step in range(200):
        _s, detail = officer.call("GET", f"/api/v1/cases/{case_id}/")
        state, version = detail["state"], detail["version"]
        sid = detail["subjects"][0]["id"]
        if state == "closed":
            return
        client, name, payload = officer, None, {}
        if state == "received":
            name, payload = "accept", {"team": ["discipline_officer", "discipline_officer2"]}
        elif state == "investigating":
            body = {"circumstances": ["26.5"], "conduct_date": "2026-03-15", "performance": "未按期检查"}
            if officer.call("PUT", f"/api/v1/cases/{case_id}/subjects/{sid}/findings/", body)[0] == 200:
                name = "submit_findings"
        elif state == "assessing":
            name = "conclude"
        elif state == "proposing":
            name, payload = "propose", {"measures": [{"subject": sid, "measure": "admonishment"}]}
        elif state == "approving":
            client, name = leader, "approve"
        elif state == "decided":
            name, payload = "deliver", {"delivered_on": today}
        elif state == "executing":
            _s, tasks = officer.call("GET", f"/api/v1/executions/?case={case_id}&state=open")
            for task in tasks["results"]:
                who = organization if task["department"]["kind"] == "organization" else officer
                who.call("POST", f"/api/v1/executions/{task['id']}/complete/", {"note": "办结"})
            name = "close"
        else:
            errors.append(f"case {case_id} went to {state}")
            return
        if name is None:
            continue
        status, body = client.call("POST", f"/api/v1/cases/{case_id}/transitions/", {"name": name, "version": version, **payload})
        if status == 200 or (
            status == 409 and body.get("error") in ("concurrent_modification", "transition_not_allowed", "precondition_failed")
        ):
            continue  # done, or an earlier attempt did it, or tasks still open: re-read and go on
        errors.append(f"{name} in {state}: {status} {body}")
        return
    errors.append(f"case {case_id} not closed after 200 steps")


@pytest.mark.timeout(900)  # the clients are given 600 s to finish, then the test reports what they left
def test_killed_database_connections_lose_nothing_and_every_client_recovers(live_server, world):
    import psycopg
    from rest_framework.authtoken.models import Token

    from cases.models import Case, CaseEvent
    from cases.selectors.audit import verify_events
    from notifications.models import Notification
    from notifications.services import dispatch_pending

    tokens = {
        name: Token.objects.get_or_create(user=world.users[name])[0].key
        for name in ("emergency_officer", "discipline_officer", "discipline_leader", "organization_officer")
    }
    cadres = [
        world.cadres[k].pk
        for k in (
            "pl-baofeng:township_deputy:0",
            "pl-touzha:township_deputy:0",
            "pl-yaofu:township_deputy:0",
            "pl-chengguan:township_deputy:0",
        )
    ]
    dsn = " ".join(
        f"{k}={v}"
        for k, v in {
            "host": connection.settings_dict["HOST"] or "127.0.0.1",
            "port": connection.settings_dict["PORT"] or 5432,
            "user": connection.settings_dict["USER"],
            "dbname": connection.settings_dict["NAME"],
        }.items()
        if v
    )
    stop = threading.Event()
    killed = []

    def killer():
        with psycopg.connect(dsn, autocommit=True) as admin:
            while not stop.is_set():
                rows = admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                ).fetchall()
                killed.append(sum(1 for (ok,) in rows if ok))
                # Irregular gaps, mostly short: a request slower than every gap (a loaded
                # machine) would otherwise never get through.
                time.sleep(random.choice((0.1, 0.15, 0.2, 0.3, 0.5, 0.8)))

    errors: list[str] = []
    all_clients = []

    def worker(index: int):
        clients = {name: Client(live_server.url, token) for name, token in tokens.items()}
        all_clients.extend(clients.values())
        try:
            _lifecycle(clients, cadres[index], errors)
        except Exception as exc:  # a thread's exception would otherwise vanish
            errors.append(f"client {index}: {exc!r}")

    before = set(Case.objects.values_list("pk", flat=True))
    connection.close()
    threads = [threading.Thread(target=killer)] + [threading.Thread(target=worker, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads[1:]:
        t.join(timeout=600)
    stop.set()
    threads[0].join(timeout=10)
    connection.close()  # ours was killed too

    assert not errors, errors
    assert sum(killed) > 0 and sum(c.retries for c in all_clients) > 0  # the faults really happened
    new = Case.objects.exclude(pk__in=before)
    assert new.count() == CLIENTS and set(new.values_list("state", flat=True)) == {"closed"}
    for case in new:
        checked, broken = verify_events(case_id=case.pk)
        assert broken is None, str(broken)
        kinds = list(CaseEvent.objects.filter(case=case).order_by("seq").values_list("kind", flat=True))
        for once in ("accept", "submit_findings", "conclude", "propose", "approve", "deliver", "close"):
            assert kinds.count(once) == 1, (case.pk, once, kinds)
    # the outbox: whatever a killed connection left undispatched goes out now, once
    dispatch_pending()
    assert not CaseEvent.objects.filter(case__in=new, dispatched_at__isnull=True).exists()
    pairs = list(Notification.objects.filter(case__in=new).values_list("event_id", "recipient_id"))
    assert pairs and len(pairs) == len(set(pairs))
