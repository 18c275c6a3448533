"""The indexes the lists rely on can serve their queries (issue 7, BENCH W3). PostgreSQL only.

Method: a test database holds a handful of rows, and over a handful of rows a sequential scan is
the planner's right choice, so a plain ``EXPLAIN`` proves nothing. Each test sets
``enable_seqscan = off`` for its transaction: a sequential scan then costs more than any index
that can answer the predicate, so the plan shows the index if and only if the index matches the
SQL Django writes (``UPPER(col::text) LIKE UPPER('%q%')``, ``data -> 'department'``). Whether the
planner *prefers* the index at scale is what ``bench/reads.py`` measures on a million cases.
"""

from __future__ import annotations

import os

import pytest
from django.db import connection

from cases.selectors import case_list
from cases.tests.scenarios import new_lead
from workflows.selectors import department_tasks, my_tasks, queue

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db,
    pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL"),
]


def _plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_search_by_q_uses_the_grams_and_number_indexes_not_a_scan_of_cases(world):
    new_lead(world)
    plan = _plan(case_list(user=world.users["discipline_officer"], q="鑫磊铸造"))
    for index in ("case_search_grams_idx", "case_number_trgm_idx"):
        assert index in plan, plan
    assert "Seq Scan on cases_case" not in plan, plan


@pytest.mark.parametrize("q", ["王", "王伟", "燃气", "a", "Z1"])
def test_one_and_two_character_searches_use_the_grams_index(world, q):
    """Issue 16: trigrams need three characters; the grams index serves one and two."""
    new_lead(world)
    for user in ("discipline_officer", "admin"):
        plan = _plan(case_list(user=world.users[user], q=q)[:25])
        assert "case_search_grams_idx" in plan, plan
        assert "Seq Scan on cases_case" not in plan and "Seq Scan on cases_casesearch" not in plan, plan
        assert "trgm" not in plan, plan  # no trigram index read whole for a query it cannot serve


def test_a_department_list_is_read_off_indexes(world):
    new_lead(world)
    plan = _plan(case_list(user=world.users["discipline_officer"])[:25])
    assert "Seq Scan on cases_case" not in plan, plan
    plan = _plan(case_list(user=world.users["admin"])[:25])  # a page, newest first: read off the index
    assert "case_created_idx" in plan, plan


def test_inbox_and_queue_use_the_partial_task_indexes(world):
    new_lead(world)
    officer = world.users["discipline_officer"]
    assert "task_department_open_idx" in _plan(queue(officer))
    assert "task_department_open_idx" in _plan(department_tasks(officer))
    mine = _plan(my_tasks(officer))
    # the inbox reads the user's own tasks and the team work (issue 16 item 3) each off its index
    assert "task_owner_open_idx" in mine and "task_department_open_idx" in mine, mine
