"""Notification fan-out benchmark (issue 5, BENCH.md W6).

For each size N (1, 10, 100, 500 by default), N WebSocket clients are connected to real daphne
servers (two processes by default, as deployed: one ``zeren-web@PORT`` per core), and they are all the members of the department a lead is routed to. Each round commits
one lead through the service layer in this process; the time of the commit is taken by an
on-commit hook registered before the dispatcher's, and each client notes when its notification
arrives. Reported per N: commit → receipt p50/p95/p99 over all receipts, the last receipt per
round, and deliveries vs expected (0 lost, 0 duplicated).

The pieces run where they run in production, each in its own process: the server (daphne), the
dispatcher (a Celery worker, ``ZEREN_TASKS_EAGER=0``: the commit only queues the dispatch), and
the clients (a harness process of their own, so 500 sockets do not compete with the committing
code for one interpreter). Times are compared across processes with ``time.perf_counter``, which
on Linux is the system-wide ``CLOCK_MONOTONIC``.

The floor is measured in the same run on the same Redis: channels_redis ``group_send`` to one
group of N receivers (last receipt), and a bare PUBLISH → SUBSCRIBE round trip.

Usage (PostgreSQL and Redis running; creates and drops the database ``zeren_bench``, Redis db 3)::

    .venv/bin/python bench/notifications.py --clients 1,10,100,500 --rounds 20
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import PG, REDIS, machine, summary  # noqa: E402

DB = "zeren_bench"
WARMUP = 2
# As deployed (deploy/zeren.env.example): a worker dispatches, connections persist.
SETTINGS_ENV = {
    "ZEREN_TASKS_EAGER": "0",
    "ZEREN_TASK_QUEUE": "zeren-bench-w6",
    "ZEREN_CHANNEL_PREFIX": "zeren-bench-w6",
    "DATABASE_CONN_MAX_AGE": "60",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup_database() -> str:
    subprocess.run(["psql", "-q", f"{PG}/postgres", "-c", f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)"], check=True)
    subprocess.run(["psql", "-q", f"{PG}/postgres", "-c", f"CREATE DATABASE {DB}"], check=True)
    return f"{PG}/{DB}"


SERVERS = {  # the command line of one app process, up to the address it binds
    "daphne": ["daphne", "--bind"],
    "uvicorn": ["uvicorn", "--no-access-log", "--lifespan", "off", "--host"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="1,10,100,500", help="comma-separated sizes")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between commits")
    parser.add_argument(
        "--servers", type=int, default=2, help="daphne processes, as deployed (zeren-web@PORT), clients spread over them"
    )
    parser.add_argument("--server", choices=("daphne", "uvicorn"), default="daphne", help="the ASGI server of the app processes")
    parser.add_argument("--out", help="a JSON file (default: bench/results/notifications-<time>.json)")
    parser.add_argument("--harness", help=argparse.SUPPRESS)  # internal: run the client process
    args = parser.parse_args()
    if args.harness:
        asyncio.run(harness(json.loads(Path(args.harness).read_text())))
        return

    sizes = [int(n) for n in args.clients.split(",")]
    os.environ.update(
        {"DATABASE_URL": setup_database(), "REDIS_URL": REDIS, "DJANGO_SETTINGS_MODULE": "config.settings", **SETTINGS_ENV}
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from rest_framework.authtoken.models import Token

    from demo.world import build_world
    from org.models import Department, Membership

    world = build_world()
    password = make_password(None)
    groups = {}
    for n in sizes:
        # One department per size, with exactly N members, so each round tells exactly N users.
        department, _ = Department.objects.get_or_create(
            code=f"bench-w6-{n}",
            defaults={
                "name": f"基准测试部门 {n}",
                "kind": "discipline",
                "level": "department",
                "parent": world.departments["pingluo"],
            },
        )
        tokens = []
        for i in range(n):
            user, _ = get_user_model().objects.get_or_create(username=f"bench_{n}_{i:04d}", defaults={"password": password})
            Membership.objects.get_or_create(user=user, defaults={"department": department})
            tokens.append(Token.objects.get_or_create(user=user)[0].key)
        groups[n] = (department, tokens)

    log = open(ROOT / "bench" / "results" / "server.log", "ab")
    ports = [_free_port() for _ in range(args.servers)]
    env = os.environ.copy()
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", *SERVERS[args.server], "127.0.0.1", "--port", str(port), "config.asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )  # fmt: skip
        for port in ports
    ]
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", SETTINGS_ENV["ZEREN_TASK_QUEUE"], "--pool", "solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
    )  # fmt: skip
    result: dict = {
        "sizes": {},
        "machine": machine(),
        "server": args.server,
        "rounds": args.rounds,
        "interval_s": args.interval,
        "servers": args.servers,
    }
    try:
        for port in ports:
            _wait_for_port(port)
        for n in sizes:
            department, tokens = groups[n]
            pids = {"servers": [p.pid for p in servers], "worker": [worker.pid]}
            result["sizes"][str(n)] = run_size(ports, tokens, world, department, args.rounds, args.interval, pids)
            print(json.dumps({n: {k: v for k, v in result["sizes"][str(n)].items() if k != "deliveries_per_round"}}), flush=True)
    finally:
        for proc in (*servers, worker):
            proc.terminate()
        for proc in (*servers, worker):
            proc.wait(timeout=15)
    floors_by_size = asyncio.run(floors(REDIS, sizes))
    for n in sizes:
        entry = result["sizes"][str(n)]
        entry["floor_group_send_last"] = floors_by_size["group_send_last"][str(n)]
        entry["ratio_last_p99_to_floor_p99"] = round(
            entry["last_receipt"]["p99_ms"] / entry["floor_group_send_last"]["p99_ms"], 2
        )
    result["floor_publish_subscribe_rtt"] = floors_by_size["publish_subscribe_rtt"]
    result["clock"] = time.get_clock_info("perf_counter").implementation
    out = Path(args.out) if args.out else ROOT / "bench" / "results" / f"notifications-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"written to {out}")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, from ``/proc`` (Linux); 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def _wait_for_port(port: int) -> None:
    for _ in range(240):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError("server did not start")


def run_size(ports: list[int], tokens: list[str], world, department, rounds: int, interval: float, pids: dict) -> dict:
    """Start the client harness, commit ``rounds`` leads to ``department``, collect receipts.
    Also the CPU time the servers, the worker and the clients spent per measured round: less
    sensitive to the neighbours' load than the latencies, so it shows where the time goes."""
    from django.db import transaction

    from cases.services.leads import lead_create

    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "spec.json"
        receipts_file = Path(tmp) / "receipts.json"
        spec.write_text(json.dumps({"ports": ports, "tokens": tokens, "out": str(receipts_file)}))
        harness_proc = subprocess.Popen(
            [sys.executable, __file__, "--harness", str(spec)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert harness_proc.stdout.readline().strip() == "ready", "harness failed to connect its clients"
        commits: dict[int, float] = {}
        pids = {**pids, "clients": [harness_proc.pid]}
        cpu_before: dict[str, float] = {}
        for round_ in range(-WARMUP, rounds):  # the first rounds warm the worker and the server up
            if round_ == 0:
                cpu_before = {k: sum(_cpu_seconds(p) for p in v) for k, v in pids.items()}
            stamp: dict[str, float] = {}
            with transaction.atomic():
                transaction.on_commit(lambda stamp=stamp: stamp.setdefault("t", time.perf_counter()))  # before the dispatcher's
                case = lead_create(
                    acting_user=world.users["audit_officer"], title="fan-out", facts="bench", source_kind="audit",
                    subjects=[world.cadres["pl-touzha:township_head:0"]], target_department=department,
                )  # fmt: skip
            if round_ >= 0:
                commits[case.pk] = stamp["t"]
            time.sleep(interval)
        time.sleep(2.0)  # let the last deliveries land
        cpu_ms_per_round = {
            k: round((sum(_cpu_seconds(p) for p in v) - cpu_before[k]) * 1000 / rounds, 1) for k, v in pids.items()
        }
        harness_proc.stdin.write("stop\n")
        harness_proc.stdin.flush()
        harness_proc.wait(timeout=60)
        data = json.loads(receipts_file.read_text())

    latencies, first_per_round, last_per_round = [], {}, {}
    delivered = duplicates = 0
    per_round = dict.fromkeys(commits, 0)
    for items in data["received"]:
        seen = set()
        for case_id, at in items:
            if case_id not in commits:
                continue
            if case_id in seen:
                duplicates += 1
                continue
            seen.add(case_id)
            delivered += 1
            per_round[case_id] += 1
            ms = (at - commits[case_id]) * 1000
            latencies.append(ms)
            first_per_round[case_id] = min(first_per_round.get(case_id, ms), ms)
            last_per_round[case_id] = max(last_per_round.get(case_id, 0), ms)
    expected = len(tokens) * len(commits)
    return {
        "clients": len(tokens),
        "reconnects": data["reconnects"],
        "deliveries_per_round": list(per_round.values()),
        "commit_to_receipt": summary(latencies),
        "first_receipt": summary(list(first_per_round.values())),  # dispatch, before the fan-out
        "last_receipt": summary(list(last_per_round.values())),
        "delivered": delivered,
        "expected": expected,
        # Not received over the socket before the run ended; the rows exist, so a reconnecting
        # client would replay them (tests/test_notifications_e2e.py shows that).
        "lost": expected - delivered,
        "duplicated": duplicates,
        "cpu_ms_per_round": cpu_ms_per_round,
    }


async def harness(spec: dict) -> None:
    """The client process: connect every socket, say ``ready``, note each notification's arrival
    until told ``stop``, then write the receipts. Clients behave like the UI
    (``web/static/web/live.js``): a dropped socket reconnects with the last id seen."""
    import websockets

    ports, tokens = spec["ports"], spec["tokens"]
    received: list[list[tuple[int, float]]] = [[] for _ in tokens]
    connected = 0
    reconnects = 0
    ready = asyncio.Event()
    gate = asyncio.Semaphore(20)  # handshakes in small batches, as clients arrive in practice

    async def open_socket(token: str, since: int | None, port: int):
        query = f"?token={token}" + (f"&since={since}" if since is not None else "")
        for attempt in range(10):
            try:
                return await websockets.connect(f"ws://127.0.0.1:{port}/ws/notifications/{query}", max_queue=None)
            except (OSError, websockets.InvalidHandshake):
                await asyncio.sleep(0.2 * (attempt + 1))
        raise RuntimeError("could not connect")

    async def client(index: int, token: str) -> None:
        nonlocal connected, reconnects
        last_id: int | None = None
        async with gate:
            ws = await open_socket(token, None, ports[index % len(ports)])
            await ws.recv()  # the unread count: subscribed
        connected += 1
        if connected == len(tokens):
            ready.set()
        while True:
            try:
                async for raw in ws:
                    at = time.perf_counter()
                    message = json.loads(raw)
                    if message.get("type") == "notification":
                        last_id = message["id"]
                        received[index].append((message["case"], at))
            except websockets.ConnectionClosed:
                pass
            reconnects += 1
            ws = await open_socket(token, last_id or 0, ports[index % len(ports)])

    tasks = [asyncio.create_task(client(i, t)) for i, t in enumerate(tokens)]
    await asyncio.wait_for(ready.wait(), timeout=180)
    print("ready", flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.readline)  # "stop"
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    Path(spec["out"]).write_text(json.dumps({"received": received, "reconnects": reconnects}))


async def floors(redis_url: str, sizes: list[int]) -> dict:
    """The same Redis, same run: raw channels_redis fan-out to N receivers and a PUBLISH/SUBSCRIBE round trip."""
    import redis.asyncio as aioredis
    from channels_redis.core import RedisChannelLayer

    result: dict = {"group_send_last": {}}
    for n in sizes:
        # BENCH.md's floor: one group_send to one group of N receivers, until the last has it.
        layer = RedisChannelLayer(hosts=[redis_url], prefix="zeren-floor")
        channels = [await layer.new_channel() for _ in range(n)]
        for ch in channels:
            await layer.group_add("floor", ch)
        last = []
        for _ in range(20):
            start = time.perf_counter()
            await layer.group_send("floor", {"type": "x"})
            for ch in channels:
                await layer.receive(ch)
            last.append((time.perf_counter() - start) * 1000)
        await layer.flush()
        result["group_send_last"][str(n)] = summary(last)
    client = aioredis.from_url(redis_url)
    pubsub = client.pubsub()
    await pubsub.subscribe("zeren-floor-ping")
    await pubsub.get_message(timeout=1)
    rtts = []
    for _ in range(200):
        start = time.perf_counter()
        await client.publish("zeren-floor-ping", "x")
        while (await pubsub.get_message(timeout=1)) is None:
            pass
        rtts.append((time.perf_counter() - start) * 1000)
    await pubsub.aclose()
    await client.aclose()
    result["publish_subscribe_rtt"] = summary(rtts)
    return result


if __name__ == "__main__":
    main()
