"""Reads on a seeded database (BENCH.md W3, W4, W5): one database per call, run by ``run.py`` on
``zeren_bench_10k``, ``zeren_bench_100k`` and ``zeren_bench_big`` (1M cases).

W3: inbox, queue, case list (a county discipline officer, and the superuser over everything), the
state and department filters, search (a rare firm name, a case number, a cadre's name; one and two characters) and the
xlsx export, through the API (in process, token auth) and the web pages. For each: p50/p95,
queries per request, and the plan of every query (sequential scans of tables over 100k rows).
W4: eligibility of one cadre and of 1,000 cadres on a date (service and API), queries per call.
W5: one case's timeline (API and selector), one department's changes over 30 days, a case as of
a past date.

    .venv/bin/python bench/reads.py --db zeren_bench_big [--out result.json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Timer, captured, django_setup, emit, plan_check, summary, table_rows

NEEDLE = "鑫磊铸造"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--out")
    parser.add_argument("--reps", type=int, default=30)
    args = parser.parse_args()
    django_setup(args.db)
    emit(measure(args.db, args.reps), args.out)


def measure(db: str, reps: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from cases.models import Case
    from org.models import Cadre, Department

    User = get_user_model()
    rows = table_rows()
    officer = User.objects.get(username="discipline_officer")
    admin = User.objects.get(username="admin")
    department = Department.objects.get(code="pl-discipline")
    with connection.cursor() as cur:
        cur.execute("SELECT value FROM bench_meta WHERE key = 'cadre_offset'")
        cadre_offset = cur.fetchone()[0]
        cur.execute("SELECT value FROM bench_meta WHERE key = 'cases'")
        seeded = cur.fetchone()[0]
    # The same rows at every size: the county's oldest seeded recent case (lowest id owned by it).
    probe = Case.objects.filter(owner_department=department, state="closed").order_by("id").first()
    subject_name = probe.subjects.select_related("cadre").first().cadre.name

    def api_client(user) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
        return client

    api_officer, api_admin = api_client(officer), api_client(admin)
    web = Client()
    web.force_login(officer)
    timer = Timer(n=reps, warmup=5, budget=4.0)

    def request(client, url: str) -> dict:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        _r, sqls = captured(lambda: client.get(url))
        times = timer.run(lambda: client.get(url))
        body = response.json() if response.get("Content-Type", "").startswith("application/json") else {}
        return {
            **summary(times),
            "queries": len(sqls),
            "count": body.get("count"),
            "count_estimated": body.get("count_estimated"),
            **plan_check(sqls, rows),
        }

    w3 = {
        "inbox (my tasks)": request(api_officer, "/api/v1/tasks/?scope=mine"),
        "queue (department)": request(api_officer, "/api/v1/tasks/?scope=queue"),
        "case list": request(api_officer, "/api/v1/cases/"),
        "case list, page 3": request(api_officer, "/api/v1/cases/?page=3"),
        "case list, superuser (all cases)": request(api_admin, "/api/v1/cases/"),
        "filter: state": request(api_officer, "/api/v1/cases/?state=investigating"),
        "filter: department": request(api_officer, f"/api/v1/cases/?department={department.pk}"),
        "filter: state, superuser": request(api_admin, "/api/v1/cases/?state=investigating"),
        "search: rare firm name": request(api_officer, f"/api/v1/cases/?q={NEEDLE}"),
        "search: case number": request(api_officer, f"/api/v1/cases/?q={probe.number}"),
        "search: rare firm name, superuser": request(api_admin, f"/api/v1/cases/?q={NEEDLE}"),
        "search: cadre name (grows with the data)": request(api_officer, f"/api/v1/cases/?q={subject_name}"),
        # Issue 16: one and two characters (trigrams need three). 鑫磊 and 铸 occur only in the
        # planted needle (the same 13 cases at every size); 燃气 (an industry), the name 王伟 and
        # the surname 王 match a share of all cases, so their answers grow with the data.
        "search: two characters, rare (鑫磊)": request(api_officer, "/api/v1/cases/?q=鑫磊"),
        "search: one character, rare (铸)": request(api_officer, "/api/v1/cases/?q=铸"),
        "search: two characters, rare, superuser": request(api_admin, "/api/v1/cases/?q=鑫磊"),
        "search: two characters, 燃气 (grows with the data)": request(api_officer, "/api/v1/cases/?q=燃气"),
        "search: two characters, name 王伟 (grows with the data)": request(api_officer, "/api/v1/cases/?q=王伟"),
        "search: one character, 王 (grows with the data)": request(api_officer, "/api/v1/cases/?q=王"),
        "search: two characters, 燃气, superuser": request(api_admin, "/api/v1/cases/?q=燃气"),
        "search: one character, 王, superuser": request(api_admin, "/api/v1/cases/?q=王"),
        "search: two characters, 燃气, page 3": request(api_officer, "/api/v1/cases/?q=燃气&page=3"),
        "page: search, two characters, 燃气": request(web, "/cases/?q=燃气"),
        "page: case list": request(web, "/cases/"),
        "page: search": request(web, f"/cases/?q={NEEDLE}"),
        "page: search, two characters": request(web, "/cases/?q=鑫磊"),
        "export: state filter (xlsx)": request(web, "/cases/export.xlsx?state=investigating"),
    }

    # W4: eligibility. 1,000 cadres of the demo county (cadre i is in county i % 100).
    from cases.selectors.records import cadre_record, cadre_records

    on = dt.date.today()
    ids = [cadre_offset + 100 * m for m in range(1000)]
    cadres = list(Cadre.objects.filter(pk__in=ids).order_by("pk"))
    single = probe.subjects.first().cadre
    w4 = {}
    for label, fn in (
        ("one cadre (service)", lambda: cadre_record(single, on)),
        ("1,000 cadres (service)", lambda: cadre_records(cadres, on)),
    ):
        result, sqls = captured(fn)
        times = timer.run(fn)
        w4[label] = {**summary(times), "queries": len(sqls), **plan_check(sqls, rows)}
    w4["1,000 cadres (service)"]["blocked"] = sum(1 for r in result if not r["eligible_for_promotion"])
    w4["one cadre (API)"] = request(api_officer, f"/api/v1/cadres/{single.pk}/record/?on={on.isoformat()}")

    # W5: audit history.
    from cases.selectors import case_history

    HistoricalCase = Case.history.model
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    past = probe.created_at + dt.timedelta(days=1)
    w5 = {}
    for label, fn in (
        ("one case's timeline (selector)", lambda: case_history(probe)),
        (
            "one department's changes over 30 days (first 100)",
            lambda: list(
                HistoricalCase.objects.filter(owner_department_id=department.pk, history_date__gte=since).order_by(
                    "-history_date", "-history_id"
                )[:100]
            ),
        ),
        ("a case as of a past date", lambda: probe.history.as_of(past)),
    ):
        result, sqls = captured(fn)
        times = timer.run(fn)
        w5[label] = {**summary(times), "queries": len(sqls), **plan_check(sqls, rows)}
    w5["one case's timeline (API)"] = request(api_officer, f"/api/v1/cases/{probe.pk}/history/")
    history_rows = sum(v for k, v in rows.items() if k.startswith("cases_historical"))
    return {
        "database": db,
        "cases": seeded,
        "history_rows": int(history_rows),
        "cadres": int(rows.get("cases_cadre", 0)),
        "probe_case": probe.pk,
        "W3": w3,
        "W4": w4,
        "W5": w5,
        "measured_at": time.strftime("%Y-%m-%d %H:%M:%S"),
    }


if __name__ == "__main__":
    main()
