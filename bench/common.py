"""Shared pieces of the benchmarks: statistics, the machine, Django set-up, query capture and plans,
and the database floor of BENCH.md (one UPDATE and two INSERTs, durable commit, through psycopg)."""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/3")
BIG_TABLE_ROWS = 100_000  # "no sequential scan on a table over 100k rows" (issue 7)


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary(values_ms: list[float]) -> dict:
    return {
        "n": len(values_ms),
        "p50_ms": round(pct(values_ms, 50), 3),
        "p95_ms": round(pct(values_ms, 95), 3),
        "p99_ms": round(pct(values_ms, 99), 3),
        "mean_ms": round(statistics.fmean(values_ms), 3) if values_ms else None,
    }


def machine() -> dict:
    mem = ""
    try:
        with open("/proc/meminfo") as fh:
            mem = next(line for line in fh if line.startswith("MemTotal")).split(":")[1].strip()
    except OSError:
        pass
    load = os.getloadavg()
    return {
        "cpus": os.cpu_count(),
        "memory": mem,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in load],
    }


def django_setup(database: str, **env: str) -> None:
    """Point Django at ``database`` (a name under ``PG``) and set it up in this process."""
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        {
            "DATABASE_URL": f"{PG}/{database}",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "REDIS_URL": REDIS,
            "ZEREN_CHANNEL_PREFIX": "zeren-bench",
            "ZEREN_CACHE_PREFIX": "zeren-bench",
            # As deployed (deploy/zeren.env.example): persistent connections, not one per request.
            "DATABASE_CONN_MAX_AGE": "60",
            **env,
        }
    )
    import django

    django.setup()


def emit(result: dict, out: str | None) -> None:
    """Hand a part's result to ``run.py``: a JSON file, or the last line of stdout."""
    text = json.dumps(result, ensure_ascii=False, default=str)
    if out:
        Path(out).write_text(text)
    else:
        print(text)


class Timer:
    """Repeat ``fn`` after ``warmup`` calls for ``n`` calls or ``budget`` seconds, whichever first."""

    def __init__(self, n: int = 30, warmup: int = 3, budget: float = 4.0):
        self.n, self.warmup, self.budget = n, warmup, budget

    def run(self, fn) -> list[float]:
        for _ in range(self.warmup):
            fn()
        times: list[float] = []
        deadline = time.perf_counter() + self.budget
        while len(times) < self.n and (len(times) < 5 or time.perf_counter() < deadline):
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
        return times


# --- queries and plans -------------------------------------------------------------------------


def captured(fn):
    """(result, [sql]) of one call, through Django's query capture."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()  # a full log (9,000 queries) would hide the new ones
    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    return result, [q["sql"] for q in ctx.captured_queries]


def table_rows() -> dict[str, float]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT relname, reltuples FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace")
        return dict(cur.fetchall())


def _walk(node: dict, found: list[dict]) -> None:
    found.append(node)
    for child in node.get("Plans", []):
        _walk(child, found)


def plan_check(sqls: list[str], rows: dict[str, float]) -> dict:
    """EXPLAIN each SELECT; name every sequential scan of a table over ``BIG_TABLE_ROWS`` rows."""
    from django.db import connection

    seq_scans, indexes = [], set()
    with connection.cursor() as cur:
        for sql in sqls:
            head = sql.lstrip().upper()
            if head.startswith(("SET ENABLE_", "RESET ENABLE_")):  # a request's planner settings
                cur.execute(sql)  # (cases.selectors.SearchWalk): replayed, so each plan is its own
                continue
            if not head.startswith("SELECT"):
                continue
            cur.execute("EXPLAIN (FORMAT JSON) " + sql)
            plan = cur.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            nodes: list[dict] = []
            _walk(plan[0]["Plan"], nodes)
            for node in nodes:
                relation = node.get("Relation Name")
                if node.get("Index Name"):
                    indexes.add(node["Index Name"])
                if node.get("Node Type") == "Seq Scan" and rows.get(relation, 0) >= BIG_TABLE_ROWS:
                    seq_scans.append({"table": relation, "rows": int(rows[relation]), "sql": sql[:300]})
    return {"seq_scans_on_big_tables": seq_scans, "indexes": sorted(indexes)}


# --- the database floor ------------------------------------------------------------------------


FLOOR_SQL = (
    # What a transition must do at the least (BENCH.md): move the state, append the event, keep
    # the history row — Zeren's own tables, so the same indexes and constraints are paid.
    "UPDATE cases_case SET state = %(state)s, version = version + 1, updated_at = now() WHERE id = %(id)s RETURNING version",
    "INSERT INTO cases_caseevent (case_id, seq, kind, from_state, to_state, actor_id, reason, payload, created_at, prev_hash,"
    " hash) VALUES (%(id)s, %(seq)s, 'floor', 'received', %(state)s, NULL, '', '{}', now(), '', md5(%(id)s::text))",
    "INSERT INTO cases_historicalcase (id, number, title, facts, source_kind, circumstances, state, decided_on, delivered_on,"
    " closed_at, created_at, history_date, history_change_reason, history_type, accident_id, approved_by_id, created_by_id,"
    " history_user_id, owner_department_id, proposed_by_id, source_department_id, version)"
    " SELECT id, number, title, facts, source_kind, circumstances, state, decided_on, delivered_on, closed_at, created_at,"
    " now(), 'floor', '~', accident_id, approved_by_id, created_by_id, NULL, owner_department_id, proposed_by_id,"
    " source_department_id, version FROM cases_case WHERE id = %(id)s",
)


def db_floor(dsn: str, case_ids: list[int], *, clients: int, seconds: float) -> dict:
    """Each client loops over its own case: UPDATE + 2 INSERTs + COMMIT, durable (fsync on)."""
    import psycopg

    latencies: list[list[float]] = [[] for _ in range(clients)]
    barrier = threading.Barrier(clients)

    def client(index: int) -> None:
        case_id = case_ids[index]
        with psycopg.connect(dsn) as conn:
            with conn.cursor() as cur:
                cur.execute("SELECT version FROM cases_case WHERE id = %s", (case_id,))
                conn.commit()
            barrier.wait()
            deadline = time.perf_counter() + seconds
            state = "received"
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                with conn.cursor() as cur:
                    cur.execute(FLOOR_SQL[0], {"state": state, "id": case_id}, prepare=True)
                    seq = cur.fetchone()[0] + 1_000_000  # apart from the service's own sequence
                    cur.execute(FLOOR_SQL[1], {"id": case_id, "seq": seq, "state": state}, prepare=True)
                    cur.execute(FLOOR_SQL[2], {"id": case_id}, prepare=True)
                conn.commit()
                latencies[index].append((time.perf_counter() - start) * 1000)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    every = [x for per in latencies for x in per]
    return {"clients": clients, **summary(every), "tx_per_s": round(len(every) / elapsed, 1)}


def db_floor_cleanup(dsn: str, case_ids: list[int]) -> None:
    import psycopg

    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("DELETE FROM cases_caseevent WHERE kind = 'floor' AND case_id = ANY(%s)", (case_ids,))
        cur.execute("DELETE FROM cases_historicalcase WHERE history_change_reason = 'floor' AND id = ANY(%s)", (case_ids,))
