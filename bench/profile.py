"""Profile one workload in this process, for ``py-spy record`` (issue 17: profile first).

    py-spy record -o bench/profiles/<name>.svg -- .venv/bin/python bench/profile.py service
    py-spy record -f speedscope -o /tmp/p.json -- .venv/bin/python bench/profile.py api

Workloads (on a fresh ``zeren_bench_profile`` database, as ``bench/transitions.py`` builds it):
``service`` (``case_transition`` inquire), ``api`` (the same through the REST API in process),
``orm`` (the plain Django ORM peer of ``bench/transitions.py``), ``lead`` (``POST /api/v1/leads/``).
The set-up (migrations, the demo county, the leads) runs before the timed loop; ``--seconds``
bounds the loop. What the profiles showed: ``bench/profiles/README.md``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PG, django_setup

DB = "zeren_bench_profile"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("workload", choices=["service", "api", "orm", "lead"])
    parser.add_argument("--n", type=int, default=400)
    args = parser.parse_args()
    subprocess.run(["psql", "-q", f"{PG}/postgres", "-c", f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)"], check=True)
    subprocess.run(["psql", "-q", f"{PG}/postgres", "-c", f"CREATE DATABASE {DB}"], check=True)
    django_setup(DB, ZEREN_TASKS_EAGER="0")  # as deployed and in bench/transitions.py: dispatch queued
    from django.db import transaction
    from rest_framework.test import APIClient

    from bench.transitions import new_leads, world_and_tokens
    from cases.models import Case, CaseEvent
    from cases.services.lifecycle import case_transition
    from core.persistence import save_with_history

    world, tokens = world_and_tokens()
    officer = world.users["discipline_officer"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {tokens['discipline_officer']}")
    ids = iter(new_leads(world, args.n + 10)) if args.workload != "lead" else iter(())

    def service() -> None:
        case_transition(case_id=next(ids), name="inquire", payload={}, acting_user=officer)

    def api() -> None:
        response = client.post(f"/api/v1/cases/{next(ids)}/transitions/", {"name": "inquire"}, format="json")
        assert response.status_code == 200, response.content[:300]

    @transaction.atomic
    def orm() -> None:
        case = Case.objects.select_for_update().get(pk=next(ids))
        case.inquire()
        save_with_history(case, acting_user=officer, reason="inquire")
        CaseEvent.objects.create(
            case=case, seq=2, kind="inquire", from_state="received", to_state="inquiring", actor=officer, hash="-"
        )

    emergency = APIClient()
    emergency.credentials(HTTP_AUTHORIZATION=f"Token {tokens['emergency_officer']}")
    subject = world.cadres["pl-baofeng:township_deputy:0"].pk

    def lead() -> None:
        body = {"title": "某企业事故线索", "facts": "经查", "source_kind": "accident_investigation", "subjects": [subject]}
        response = emergency.post("/api/v1/leads/", body, format="json")
        assert response.status_code == 201, response.content[:300]

    run = {"service": service, "api": api, "orm": orm, "lead": lead}[args.workload]
    for _ in range(5):
        run()
    print(f"profiling {args.workload}: {args.n} calls", flush=True)
    started = time.perf_counter()
    for _ in range(args.n - 5):
        run()
    took = time.perf_counter() - started
    print(f"{args.workload}: {took / (args.n - 5) * 1000:.1f} ms per call", flush=True)


if __name__ == "__main__":
    main()
