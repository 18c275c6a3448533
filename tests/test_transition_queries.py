"""Round trips of the profiled workloads (issue 17), pinned: a cut must show here, and a change
that adds a query to the core operation fails until the pin is moved on purpose. Times are not
asserted (bench/transitions.py, bench/profiles/README.md measure them).

The counts are of the statements Django sends (``CaptureQueriesContext``), without the
transaction's own (BEGIN/COMMIT in production, SAVEPOINT/RELEASE inside a test's transaction);
SQLite sends two more: it has no data-modifying ``WITH`` for viewflow's rows
(``workflows.fast_path``)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.services.lifecycle import case_transition
from cases.tests.scenarios import new_lead

pytestmark = pytest.mark.django_db

# The service-layer ``inquire`` (received → inquiring), by part (bench/profiles/README.md):
# lock 1, pending transfer 1, case UPDATE + history INSERT 2, chain head + event INSERT 2, the
# workflow task's lookup (with whether the case has a team) 1, and its UPDATE, the INSERT of the
# next two and their links in one ``WITH`` on PostgreSQL (three statements on SQLite); plus the
# membership of the acting user, read once per user object (1).
SQLITE_EXTRA = 0 if connection.vendor == "postgresql" else 2
SERVICE_INQUIRE = 8 + SQLITE_EXTRA
# + the token (with its user), the case and the membership for the view, and the answer: the
# case read again with its subjects, and only the relations that hold rows (``case_detail``;
# a new lead has none of them).
API_INQUIRE = 13 + SQLITE_EXTRA
API_DETAIL = 4  # token, the case, its subjects, the membership


def _statements(ctx: CaptureQueriesContext) -> int:
    return sum(1 for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT")))


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return _statements(ctx)


def test_service_transition_round_trips(world):
    officer = world.users["discipline_officer"]
    first, second = new_lead(world), new_lead(world)
    # the first call of a user object reads its membership; later ones on the same object do not
    cold = _count(lambda: case_transition(case_id=first.pk, name="inquire", payload={}, acting_user=officer))
    warm = _count(lambda: case_transition(case_id=second.pk, name="inquire", payload={}, acting_user=officer))
    assert (cold, warm) == (SERVICE_INQUIRE + 1, SERVICE_INQUIRE)


def test_api_transition_and_detail_round_trips(world, api):
    client = api("discipline_officer")
    case = new_lead(world)
    url = f"/api/v1/cases/{case.pk}/"
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(f"{url}transitions/", {"name": "inquire"}, format="json")
    assert response.status_code == 200, response.content[:300]
    assert _statements(ctx) == API_INQUIRE
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    assert _statements(ctx) == API_DETAIL


# POST leads/ by a referring agency (source access): its answer is the outcome, read from the
# case row alone (``case_detail_row``), without the subjects and relations of the full detail.
API_LEAD = 34


def test_api_lead_round_trips(world, api):
    client = api("emergency_officer")
    subject = world.cadres["pl-baofeng:township_deputy:0"].pk
    body = {"title": "某企业事故线索", "facts": "经查", "source_kind": "accident_investigation", "subjects": [subject]}
    # the second lead: the first fills what a process keeps once read (the year's number row,
    # per-process caches), so the count does not depend on the tests run before
    assert client.post("/api/v1/leads/", body, format="json").status_code == 201
    with CaptureQueriesContext(connection) as ctx:
        response = client.post("/api/v1/leads/", body, format="json")
    assert response.status_code == 201, response.content[:300]
    assert response.json()["access"] == "source"
    sqls = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(sqls) == API_LEAD
    assert not [q for q in sqls if q.startswith('SELECT "cases_casesubject"') and "EXISTS" in q]
