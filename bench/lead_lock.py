"""Lead creation under concurrency: where 4 concurrent writers wait (issue 17, the HTTP p95 of
``POST leads/``). ``lead_create`` through the service layer from 1 thread, then from 4, on a fresh
``zeren_bench_leads`` database, with a monitor polling ``pg_stat_activity`` every 2 ms for
sessions waiting on a lock, and on which statement.

    .venv/bin/python bench/lead_lock.py

What it showed on 2026-12-04 is in bench/README.md (issue 17 section).
"""

import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PG, django_setup, summary

DB = "zeren_bench_leads"
subprocess.run(["psql", "-q", f"{PG}/postgres", "-c", f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)"], check=True)
subprocess.run(["psql", "-q", f"{PG}/postgres", "-c", f"CREATE DATABASE {DB}"], check=True)
django_setup(DB, ZEREN_TASKS_EAGER="0")
import psycopg  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402

from bench.transitions import world_and_tokens  # noqa: E402
from cases.services.leads import lead_create  # noqa: E402

world, _tokens = world_and_tokens()
U = get_user_model()
user = U.objects.get(username="emergency_officer")
cadre = world.cadres["pl-baofeng:township_deputy:0"]


def one():
    t = time.perf_counter()
    lead_create(
        acting_user=U.objects.get(pk=user.pk),
        title="锁测试",
        facts="经查",
        source_kind="accident_investigation",
        subjects=[cadre],
    )
    return (time.perf_counter() - t) * 1000


for _ in range(5):
    one()


def run(threads, n):
    times, waits, stop = [], [], threading.Event()

    def worker():
        for _ in range(n):
            times.append(one())
        connection.close()

    def monitor():
        with psycopg.connect(f"{PG}/{DB}", autocommit=True) as c:
            while not stop.is_set():
                rows = c.execute(
                    "select wait_event_type, wait_event, left(query, 60) from pg_stat_activity where datname=%s and pid<>pg_backend_pid() and state='active'",
                    (DB,),
                ).fetchall()
                waits.append([r for r in rows if r[0] == "Lock"])
                time.sleep(0.002)

    m = threading.Thread(target=monitor)
    m.start()
    ws = [threading.Thread(target=worker) for _ in range(threads)]
    s = time.perf_counter()
    for w in ws:
        w.start()
    for w in ws:
        w.join()
    took = time.perf_counter() - s
    stop.set()
    m.join()
    locked = [w for w in waits if w]
    kinds = Counter((r[1], r[2]) for w in locked for r in w)
    times_ms = summary(times)
    print(
        f"{threads} threads: {len(times)} leads in {took:.1f}s, p50 {times_ms['p50_ms']:.1f} ms, p95 {times_ms['p95_ms']:.1f} ms; "
        f"monitor samples with a session waiting on a lock: {len(locked)}/{len(waits)}; by lock and statement: {kinds.most_common(4)}"
    )


run(1, 60)
run(4, 30)
