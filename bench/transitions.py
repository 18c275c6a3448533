"""Transitions (BENCH.md W1, W2 and the peers P), on a fresh small database, with the floor.

- floor: UPDATE + 2 INSERTs + durable COMMIT through psycopg, 1 and 4 clients (``common.db_floor``);
- one transition (``inquire``, received → inquiring) through the service layer, the REST API (in
  process), the plain Django ORM (get + save with its history row + an event row) and a
  SpiffWorkflow 3.x process kept as JSON in PostgreSQL: p50 of each, as a ratio to the floor;
- W1: the whole lifecycle (lead → closed) through the REST API in process, per endpoint, with the
  queries and rows written per transition; then over HTTP, 4 clients against 2 daphne processes;
- W2: 4 worker processes on distinct cases (throughput vs the floor at 4 clients), and 8 clients
  over HTTP fighting over one case per round: one winner, 409 for the others, no 5xx, and every
  case's events and history rows exactly what the winners wrote.

Dispatch of notifications runs in a Celery worker (``ZEREN_TASKS_EAGER=0``), as in production:
the transition pays for queueing it on Redis, not for the dispatch (``run.py`` starts the worker).

    .venv/bin/python bench/transitions.py [--out result.json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PG, ROOT, Timer, captured, db_floor, db_floor_cleanup, django_setup, emit, summary

DB = "zeren_bench_small"
TEAM = ["discipline_officer", "discipline_officer2"]
FINDING = {"circumstances": ["26.5"], "conduct_date": "2026-03-15", "performance": "未按期检查"}
SUBJECT = "pl-baofeng:township_deputy:0"
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.I)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def recreate_database() -> None:
    subprocess.run(["psql", "-q", f"{PG}/postgres", "-c", f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)"], check=True)
    subprocess.run(["psql", "-q", f"{PG}/postgres", "-c", f"CREATE DATABASE {DB}"], check=True)


def rows_written(sqls: list[str]) -> int:
    """Rows a list of statements wrote: one per UPDATE/DELETE (by pk here), one per VALUES tuple."""
    total = 0
    for sql in sqls:
        if not WRITE.match(sql):
            continue
        if sql.lstrip().upper().startswith("INSERT") and " VALUES " in sql.upper():
            total += max(1, sql.upper().split(" VALUES ", 1)[1].count("), (") + 1)
        else:
            total += 1
    return total


# --- set-up ---------------------------------------------------------------------------------------


def world_and_tokens():
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from demo.world import build_world

    call_command("migrate", verbosity=0)
    world = build_world()
    tokens = {name: Token.objects.get_or_create(user=user)[0].key for name, user in world.users.items()}
    return world, tokens


def new_leads(world, n: int) -> list[int]:
    from cases.services.leads import lead_create

    return [
        lead_create(
            acting_user=world.users["emergency_officer"],
            title=f"宝丰镇某化工企业中毒事故线索 {i}",
            facts="经查，企业未落实安全培训，属地监管缺位。",
            source_kind="accident_investigation",
            subjects=[world.cadres[SUBJECT]],
            circumstances=["26.5"],
        ).pk
        for i in range(n)
    ]


# --- one transition, four ways --------------------------------------------------------------------


def one_transition(world, tokens, n: int) -> dict:
    from django.db import transaction
    from rest_framework.test import APIClient

    from cases.models import Case, CaseEvent
    from cases.services.lifecycle import case_transition
    from core.persistence import save_with_history

    officer = world.users["discipline_officer"]
    result = {}

    ids = iter(new_leads(world, n + 4))
    _r, sqls = captured(lambda: case_transition(case_id=next(ids), name="inquire", payload={}, acting_user=officer))
    times = Timer(n=n, warmup=3, budget=20).run(
        lambda: case_transition(case_id=next(ids), name="inquire", payload={}, acting_user=officer)
    )
    result["service layer"] = {**summary(times), "queries": len(sqls), "rows_written": rows_written(sqls), "sql": sqls}

    # Where the time goes: the same, with viewflow's task bookkeeping switched off (not a
    # supported configuration; the flows would fall out of step with the cases).
    from core import hooks as common

    ids = iter(new_leads(world, n + 4))
    listeners = common._workflow_listeners.pop("case_transition", [])
    try:
        _r, sqls = captured(lambda: case_transition(case_id=next(ids), name="inquire", payload={}, acting_user=officer))
        times = Timer(n=n, warmup=3, budget=20).run(
            lambda: case_transition(case_id=next(ids), name="inquire", payload={}, acting_user=officer)
        )
    finally:
        common._workflow_listeners["case_transition"] = listeners
    result["service layer without the workflow tasks (diagnostic)"] = {
        **summary(times),
        "queries": len(sqls),
        "rows_written": rows_written(sqls),
    }

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {tokens['discipline_officer']}")
    ids = iter(new_leads(world, n + 4))

    def api_call():
        response = client.post(f"/api/v1/cases/{next(ids)}/transitions/", {"name": "inquire"}, format="json")
        assert response.status_code == 200, response.content[:300]

    _r, sqls = captured(api_call)
    times = Timer(n=n, warmup=3, budget=20).run(api_call)
    result["REST API (in process)"] = {**summary(times), "queries": len(sqls), "rows_written": rows_written(sqls)}

    # Peer: the plain ORM — lock and read the row, move the state, save (simple-history writes
    # its row), append an event. No rights, no payload checks, no workflow, no hash chain.
    ids = iter(new_leads(world, n + 4))

    @transaction.atomic
    def plain_orm():
        case = Case.objects.select_for_update().get(pk=next(ids))
        case.inquire()
        save_with_history(case, acting_user=officer, reason="inquire")
        CaseEvent.objects.create(
            case=case, seq=2, kind="inquire", from_state="received", to_state="inquiring", actor=officer, hash="-"
        )

    _r, sqls = captured(plain_orm)
    times = Timer(n=n, warmup=3, budget=20).run(plain_orm)
    result["peer: plain Django ORM"] = {**summary(times), "queries": len(sqls), "rows_written": rows_written(sqls)}
    result["peer: SpiffWorkflow 3.x (JSON in PostgreSQL)"] = spiff_peer(n)
    return result


def spiff_peer(n: int) -> dict:
    """A SpiffWorkflow process of the same lifecycle (bench/peers/case.bpmn), its serialized JSON
    in a PostgreSQL row. A transition: lock and read the row, deserialize, complete the ready
    user task, run the engine, serialize, update the row, append an event; commit."""
    import psycopg
    from SpiffWorkflow.bpmn.parser import BpmnParser
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.util.task import TaskState

    parser = BpmnParser()
    parser.add_bpmn_file(str(ROOT / "bench" / "peers" / "case.bpmn"))
    spec = parser.get_spec("case")
    serializer = BpmnWorkflowSerializer()
    with psycopg.connect(f"{PG}/{DB}") as conn:
        with conn.cursor() as cur:
            cur.execute(
                "CREATE TABLE IF NOT EXISTS bench_spiff_instance (id bigserial PRIMARY KEY, state text NOT NULL,"
                " version int NOT NULL, workflow jsonb NOT NULL)"
            )
            cur.execute(
                "CREATE TABLE IF NOT EXISTS bench_spiff_event (id bigserial PRIMARY KEY, instance_id bigint NOT NULL"
                " REFERENCES bench_spiff_instance, seq int NOT NULL, task text NOT NULL, created_at timestamptz NOT NULL,"
                " UNIQUE (instance_id, seq))"
            )
            ids = []
            for _ in range(n + 4):
                workflow = BpmnWorkflow(spec)
                workflow.do_engine_steps()
                cur.execute(
                    "INSERT INTO bench_spiff_instance (state, version, workflow) VALUES ('intake', 1, %s) RETURNING id",
                    (serializer.serialize_json(workflow),),
                )
                ids.append(cur.fetchone()[0])
        conn.commit()
        pending = iter(ids)

        def transition():
            instance = next(pending)
            with conn.cursor() as cur:
                cur.execute(
                    "SELECT workflow, version FROM bench_spiff_instance WHERE id = %s FOR UPDATE", (instance,), prepare=True
                )
                data, version = cur.fetchone()
                workflow = serializer.deserialize_json(json.dumps(data))
                task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
                task.run()
                workflow.do_engine_steps()
                ready = workflow.get_tasks(state=TaskState.READY, manual=True)
                cur.execute(
                    "UPDATE bench_spiff_instance SET workflow = %s, state = %s, version = version + 1 WHERE id = %s",
                    (serializer.serialize_json(workflow), ready[0].task_spec.name if ready else "end", instance),
                    prepare=True,
                )
                cur.execute(
                    "INSERT INTO bench_spiff_event (instance_id, seq, task, created_at) VALUES (%s, %s, %s, now())",
                    (instance, version + 1, task.task_spec.name),
                    prepare=True,
                )
            conn.commit()

        times = Timer(n=n, warmup=3, budget=20).run(transition)
    return {**summary(times), "queries": 4, "rows_written": 2, "json_bytes": len(serializer.serialize_json(workflow))}


# --- W1: the lifecycle through the API --------------------------------------------------------------


def lifecycle(request, world, *, source: str = "emergency_officer") -> None:
    """Drive one lead to ``closed`` through the API: ``request(persona, method, path, body, label)``."""
    cadre = world.cadres[SUBJECT].pk
    case = request(
        source,
        "post",
        "/api/v1/leads/",
        {"title": "宝丰镇某化工企业中毒事故线索", "facts": "经查，企业未落实安全培训。", "source_kind": "accident_investigation",
         "subjects": [cadre], "circumstances": ["26.5"]},
        "POST leads/",
    )  # fmt: skip
    cid = case["id"]
    detail = request("discipline_officer", "get", f"/api/v1/cases/{cid}/", None, "GET cases/{id}/")

    def fire(name, persona="discipline_officer", **payload):
        return request(persona, "post", f"/api/v1/cases/{cid}/transitions/", {"name": name, **payload}, f"transition {name}")

    fire("accept", team=TEAM)
    for subject in detail["subjects"]:
        request("discipline_officer", "put", f"/api/v1/cases/{cid}/subjects/{subject['id']}/findings/", FINDING, "PUT findings")
    fire("submit_findings")
    fire("conclude")
    fire("propose", measures=[{"subject": s["id"], "measure": "admonishment"} for s in detail["subjects"]])
    fire("approve", "discipline_leader")
    fire("deliver", delivered_on=dt.date.today().isoformat())
    executions = request("discipline_officer", "get", f"/api/v1/executions/?case={cid}", None, "GET executions/?case=")
    by_department = {
        world.departments["pl-discipline"].pk: "discipline_officer",
        world.departments["pl-organization"].pk: "organization_officer",
    }
    for task in executions["results"]:
        department = task["department"]["id"] if isinstance(task["department"], dict) else task["department"]
        request(
            by_department[department], "post", f"/api/v1/executions/{task['id']}/complete/", {}, "POST executions/{id}/complete/"
        )
    fire("close")
    request("discipline_officer", "get", f"/api/v1/cases/{cid}/history/", None, "GET cases/{id}/history/")


def w1_in_process(world, tokens, cases: int) -> dict:
    from rest_framework.test import APIClient

    clients = {}
    for name, key in tokens.items():
        clients[name] = APIClient()
        clients[name].credentials(HTTP_AUTHORIZATION=f"Token {key}")
    times: dict[str, list[float]] = defaultdict(list)
    queries: dict[str, set[int]] = defaultdict(set)
    written: dict[str, set[int]] = defaultdict(set)
    errors = 0

    def request(persona, method, path, body, label):
        nonlocal errors
        call = getattr(clients[persona], method)
        start = time.perf_counter()
        response, sqls = captured(lambda: call(path, body, format="json") if body is not None else call(path))
        times[label].append((time.perf_counter() - start) * 1000)
        queries[label].add(len(sqls))
        written[label].add(rows_written(sqls))
        if response.status_code >= 400:
            errors += 1
            raise AssertionError((label, response.status_code, response.content[:300]))
        return response.json()

    started = time.perf_counter()
    for _ in range(cases):
        lifecycle(request, world)
    elapsed = time.perf_counter() - started
    return {
        "cases": cases,
        "seconds": round(elapsed, 1),
        "errors": errors,
        "endpoints": {
            label: {**summary(values), "queries": sorted(queries[label]), "rows_written": sorted(written[label])}
            for label, values in times.items()
        },
    }


def start_servers(count: int) -> tuple[list[subprocess.Popen], list[int]]:
    servers, ports = [], []
    log = open(ROOT / "bench" / "results" / "server.log", "ab")
    for _ in range(count):
        port = free_port()
        servers.append(
            subprocess.Popen(
                [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
                cwd=ROOT,
                env=os.environ.copy(),
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        )
        ports.append(port)
    for port in ports:
        for _ in range(120):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.25)
    return servers, ports


def http_request(session, base: str, tokens, persona, method, path, body, label, sink):
    start = time.perf_counter()
    response = session.request(method.upper(), base + path, json=body, headers={"Authorization": f"Token {tokens[persona]}"})
    sink["times"][label].append((time.perf_counter() - start) * 1000)
    if response.status_code >= 500:
        sink["server_errors"] += 1
    if response.status_code >= 400:
        raise AssertionError((label, response.status_code, response.text[:300]))
    return response.json()


def w1_http(world, tokens, ports: list[int], seconds: float, clients: int = 4) -> dict:
    import requests

    sink = {"times": defaultdict(list), "server_errors": 0, "cases": 0, "failures": []}
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(index: int) -> None:
        session = requests.Session()
        base = f"http://127.0.0.1:{ports[index % len(ports)]}"
        local = {"times": defaultdict(list), "server_errors": 0}

        def request(persona, method, path, body, label):
            return http_request(session, base, tokens, persona, method, path, body, label, local)

        done = 0
        while time.perf_counter() < deadline:
            try:
                lifecycle(request, world)
                done += 1
            except AssertionError as exc:
                sink["failures"].append(str(exc)[:300])
        with lock:
            for label, values in local["times"].items():
                sink["times"][label] += values
            sink["server_errors"] += local["server_errors"]
            sink["cases"] += done

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    transitions = sum(len(v) for k, v in sink["times"].items() if k.startswith("transition "))
    return {
        "clients": clients,
        "servers": len(ports),
        "seconds": round(elapsed, 1),
        "cases_closed": sink["cases"],
        "server_errors": sink["server_errors"],
        "failures": sink["failures"][:5],
        "transitions_per_s": round(transitions / elapsed, 1),
        "requests_per_s": round(sum(len(v) for v in sink["times"].values()) / elapsed, 1),
        "endpoints": {label: summary(values) for label, values in sink["times"].items()},
    }


# --- W2: concurrency ------------------------------------------------------------------------------


def _distinct_worker(case_id: int, seconds: float, queue) -> None:
    """One process: cycle one case between proposing and approving (propose, reject) as fast as it can."""
    django_setup(DB, ZEREN_TASKS_EAGER="0", ZEREN_TASK_QUEUE="zeren-bench")
    from django.contrib.auth import get_user_model

    from cases.models import CaseSubject
    from cases.services.lifecycle import case_transition

    User = get_user_model()
    officer, leader = User.objects.get(username="discipline_officer"), User.objects.get(username="discipline_leader")
    measures = [
        {"subject": s, "measure": "admonishment"}
        for s in CaseSubject.objects.filter(case_id=case_id).values_list("pk", flat=True)
    ]
    done, errors = 0, 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        try:
            case_transition(case_id=case_id, name="propose", payload={"measures": measures}, acting_user=officer)
            case_transition(case_id=case_id, name="reject", payload={"reason": "重新拟定"}, acting_user=leader)
            done += 2
        except Exception as exc:
            errors += 1
            print("distinct worker:", exc, file=sys.stderr)
    queue.put((done, errors))


def w2_distinct(world, seconds: float, workers: int = 4) -> dict:
    from django.db import connections

    from cases.tests.scenarios import case_in_state

    cases = [case_in_state(world, "proposing", source="emergency_officer").pk for _ in range(workers)]
    connections.close_all()
    ctx = multiprocessing.get_context("spawn")  # a fresh interpreter: no connection shared with this one
    queue = ctx.Queue()
    started = time.perf_counter()
    procs = [ctx.Process(target=_distinct_worker, args=(c, seconds, queue)) for c in cases]
    for p in procs:
        p.start()
    results = [queue.get(timeout=seconds + 60) for _ in procs]
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - started
    done = sum(r[0] for r in results)
    return {
        "workers": workers,
        "seconds": round(elapsed, 1),
        "transitions": done,
        "errors": sum(r[1] for r in results),
        "transitions_per_s": round(done / elapsed, 1),
    }


CONFLICT = [
    ("accept", "discipline_officer", {"team": TEAM}),
    ("inquire", "discipline_officer2", {}),
    ("hold", "discipline_officer", {"reason": "待查"}),
    ("dismiss", "discipline_leader", {"reason": "不实"}),
    ("accept", "discipline_officer2", {"team": TEAM}),
    ("inquire", "discipline_officer", {}),
    ("hold", "discipline_officer2", {"reason": "待查"}),
    ("dismiss", "discipline_leader2", {"reason": "不实"}),
]


def w2_fight(world, tokens, ports: list[int], rounds: int) -> dict:
    """8 clients over HTTP, each firing a transition out of ``received`` with the version it saw."""
    import requests

    from cases.models import Case, CaseEvent

    outcomes = defaultdict(int)
    bad_rounds, server_errors, latencies = [], 0, []
    sessions = [requests.Session() for _ in CONFLICT]
    ids = new_leads(world, rounds)
    for case_id in ids:
        version = Case.objects.get(pk=case_id).version
        barrier = threading.Barrier(len(CONFLICT))
        statuses = [0] * len(CONFLICT)

        def fire(index: int, case_id=case_id, version=version, barrier=barrier, statuses=statuses) -> None:
            name, persona, payload = CONFLICT[index]
            base = f"http://127.0.0.1:{ports[index % len(ports)]}"
            barrier.wait(timeout=30)
            start = time.perf_counter()
            response = sessions[index].post(
                f"{base}/api/v1/cases/{case_id}/transitions/",
                json={"name": name, "version": version, **payload},
                headers={"Authorization": f"Token {tokens[persona]}"},
            )
            latencies.append((time.perf_counter() - start) * 1000)
            statuses[index] = response.status_code

        threads = [threading.Thread(target=fire, args=(i,)) for i in range(len(CONFLICT))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for status in statuses:
            outcomes[status] += 1
        server_errors += sum(1 for s in statuses if s >= 500)
        winners = statuses.count(200)
        if winners != 1 or any(s not in (200, 409) for s in statuses):
            bad_rounds.append({"case": case_id, "statuses": statuses})
    # Every case: events numbered 1..n without gaps or repeats, one history row per event.
    integrity = []
    for case_id in ids:
        seqs = list(CaseEvent.objects.filter(case_id=case_id).order_by("seq").values_list("seq", flat=True))
        history = Case.history.filter(id=case_id).count()
        if seqs != list(range(1, len(seqs) + 1)) or len(seqs) != 2 or history != 2:
            integrity.append({"case": case_id, "events": seqs, "history_rows": history})
    return {
        "rounds": rounds,
        "clients": len(CONFLICT),
        "statuses": dict(outcomes),
        "rounds_with_not_exactly_one_winner": bad_rounds[:5],
        "server_errors": server_errors,
        "cases_with_missing_or_duplicated_rows": integrity[:5],
        "latency": summary(latencies),
    }


# --- main -------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out")
    parser.add_argument("--n", type=int, default=150, help="transitions per way in the single-transition comparison")
    parser.add_argument("--cases", type=int, default=60, help="lifecycles through the API in process")
    parser.add_argument("--http-seconds", type=float, default=15)
    parser.add_argument("--w2-seconds", type=float, default=8)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--floor-seconds", type=float, default=4)
    args = parser.parse_args()
    recreate_database()
    django_setup(DB, ZEREN_TASKS_EAGER="0", ZEREN_TASK_QUEUE="zeren-bench")
    world, tokens = world_and_tokens()
    result: dict = {"database": DB}
    # The dispatcher of notifications, as in production: commits queue it, this worker runs it.
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "zeren-bench", "--pool", "solo", "--without-gossip",
         "--without-mingle", "--without-heartbeat", "-l", "warning"],
        cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=open(ROOT / "bench" / "results" / "server.log", "ab"),
    )  # fmt: skip
    try:
        run_all(args, world, tokens, result)
    finally:
        worker.terminate()
        worker.wait(timeout=15)
    emit(result, args.out)


def run_all(args, world, tokens, result: dict) -> None:

    floor_cases = new_leads(world, 4)
    dsn = f"{PG}/{DB}"
    result["floor"] = {
        "1 client": db_floor(dsn, floor_cases, clients=1, seconds=args.floor_seconds),
        "4 clients": db_floor(dsn, floor_cases, clients=4, seconds=args.floor_seconds),
    }
    db_floor_cleanup(dsn, floor_cases)
    result["one transition"] = one_transition(world, tokens, args.n)
    result["W1 in process"] = w1_in_process(world, tokens, args.cases)
    servers, ports = start_servers(2)
    try:
        result["W1 over HTTP"] = w1_http(world, tokens, ports, args.http_seconds)
        result["W2 fight"] = w2_fight(world, tokens, ports, args.rounds)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=10)
    result["W2 distinct"] = w2_distinct(world, args.w2_seconds)
    result["floor again"] = {"1 client": db_floor(dsn, floor_cases, clients=1, seconds=args.floor_seconds)}
    db_floor_cleanup(dsn, floor_cases)


if __name__ == "__main__":
    main()
