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


def _plan(qs, *, predicate: bool = False) -> str:
    """``EXPLAIN`` of ``qs`` with sequential scans priced out.

    ``predicate=True`` asks whether an index *matches a predicate*: plain and index-only scans
    are priced out too, so a table can be read only by a bitmap scan, and a bitmap scan needs an
    index whose condition the SQL satisfies. Without this, once autovacuum has analysed the test
    tables (a few rows each), a full ``Index Scan`` of a primary key with the predicate as a
    filter is as cheap as the matching index, and which one the planner takes is a coin toss
    (the CI run of 2026-12-02 failed on it; the suite now also keeps autovacuum off, see
    ``conftest.django_db_setup``). A partial index can still be read whole by a bitmap scan when
    its ``WHERE`` is implied, so the task tests rely on the never-analysed estimates.
    """
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        if predicate:
            cursor.execute("SET LOCAL enable_indexscan = off; SET LOCAL enable_indexonlyscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_search_by_q_uses_the_grams_and_number_indexes_not_a_scan_of_cases(world):
    new_lead(world)
    plan = _plan(case_list(user=world.users["discipline_officer"], q="鑫磊铸造"), predicate=True)
    for index in ("case_search_grams_idx", "case_number_trgm_idx"):
        assert index in plan, plan
    assert "Seq Scan on cases_case" not in plan, plan


@pytest.mark.parametrize("q", ["王", "王伟", "燃气", "a", "Z1"])
def test_one_and_two_character_searches_use_the_grams_index(world, q):
    """Issue 16: trigrams need three characters; the grams index serves one and two."""
    new_lead(world)
    for user in ("discipline_officer", "admin"):
        qs = case_list(user=world.users[user], q=q)
        plan = _plan(qs.order_by(*qs.query.order_by)[:25], predicate=True)  # the plain ranked query (a sort given, a count)
        assert "case_search_grams_idx" in plan, plan
        assert "Seq Scan on cases_case" not in plan and "Seq Scan on cases_casesearch" not in plan, plan
        assert "trgm" not in plan, plan  # no trigram index read whole for a query it cannot serve


def _analyze(sql: str, params: list, walk: bool) -> list[dict]:
    """The nodes of ``EXPLAIN (ANALYZE, FORMAT JSON)`` of a walk's query, under its settings."""
    import json

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows: see the module's docstring
        # SET LOCAL lasts to the transaction's end: each query states both settings
        switch = "off" if walk else "on"
        cursor.execute(f"SET LOCAL enable_sort = {switch}; SET LOCAL enable_bitmapscan = {switch}")
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    nodes, stack = [], [plan[0]["Plan"]]
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack += node.get("Plans", [])
    return nodes


@pytest.mark.parametrize("user", ["admin", "discipline_officer"])
def test_a_common_short_query_page_walks_newest_first_and_stops_at_the_page(world, user, monkeypatch):
    """Issue 16: a page of a common one- or two-character query is read off the newest-first
    index (the department's for an officer), tested row by row against the search document, and
    the walk stops at the page's end: it reads a page's worth of rows, not every match. A rare
    query's candidates come off the GIN indexes (their ids first). No sequential scan."""
    from cases.codes import SourceKind
    from cases.selectors.cases import SearchWalk
    from cases.services.leads import lead_create

    for i in range(12):
        lead_create(
            acting_user=world.users["emergency_officer"],
            title=f"某公司事故{i}",
            facts="燃气泄漏",
            source_kind=SourceKind.ACCIDENT_INVESTIGATION,
            subjects=[world.cadres["pl-baofeng:township_deputy:0"]],
            circumstances=["26.5"],
        )
    monkeypatch.setattr(SearchWalk, "RARE", 3)  # 12 documents: "common" here
    walk = case_list(user=world.users[user], q="燃气").walk
    assert walk is not None and walk._is_rare() == {"document": False, "title": True}
    queries = walk.branch_queries(2, 3)  # the page of three, after no title hit
    walked = [q for q in queries if q[2]]
    assert walked, queries
    for sql, params, is_walk in queries:
        nodes = _analyze(sql, params, is_walk)
        seen = [(n["Node Type"], n.get("Relation Name"), n.get("Index Name"), n.get("Filter")) for n in nodes]
        assert not any(n["Node Type"] == "Seq Scan" for n in nodes), (sql, is_walk, seen)
        if is_walk:
            scans = [
                n
                for n in nodes
                if n.get("Index Name") in ("case_created_idx", "case_owner_created_idx", "case_source_created_idx")
            ]
            assert scans, nodes
            assert nodes[0]["Node Type"] == "Limit"
            # rows read off the index: the page's three (the newest cases all match), not all 12
            assert all(n["Actual Rows"] <= 3 for n in scans), scans
    assert len(walk.ids(0, 3)) == 3
    monkeypatch.setattr(SearchWalk, "RARE", 500)
    rare = case_list(user=world.users[user], q="燃气").walk
    for sql, params, is_walk in rare.branch_queries(2, 3):
        assert not is_walk
        plan = _analyze(sql, params, is_walk)
        assert any(n.get("Index Name") == "case_search_grams_idx" for n in plan), plan
        assert not any(n["Node Type"] == "Seq Scan" and n.get("Relation Name") == "cases_case" for n in plan), plan


def test_a_department_list_is_read_off_indexes(world):
    new_lead(world)
    plan = _plan(case_list(user=world.users["discipline_officer"])[:25])
    assert "Seq Scan on cases_case" not in plan, plan
    plan = _plan(case_list(user=world.users["admin"])[:25])  # a page, newest first: read off the index
    assert "case_created_idx" in plan, plan


def _only_our_task_indexes() -> None:
    """Drop (in the test's transaction, rolled back after it) viewflow's own single-column
    indexes on the task table: on a table of a few rows the owner's or the status's index costs
    the same as the partial one, and the planner's pick between them changed with the test
    database's bloat (autovacuum is off). Without them the plan uses a partial index exactly
    when it matches the selector's SQL; which one PostgreSQL prefers at scale is bench W3's."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'viewflow_task'"
            " AND indexname NOT LIKE 'task\\_%%' AND indexname <> 'viewflow_task_pkey'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')


def test_inbox_and_queue_use_the_partial_task_indexes(world):
    new_lead(world)
    officer = world.users["discipline_officer"]
    _only_our_task_indexes()
    assert "task_department_open_idx" in _plan(queue(officer))
    assert "task_department_open_idx" in _plan(department_tasks(officer))
    mine = _plan(my_tasks(officer))
    # the inbox reads the user's own tasks and the team work (issue 16 item 3) each off its index
    assert "task_owner_open_idx" in mine and "task_department_open_idx" in mine, mine


def test_a_term_common_elsewhere_but_rare_in_the_department_is_read_off_the_index(world, monkeypatch):
    """Issue 16 (migration 0031): the grams index holds the departments beside the grams, so a
    term many documents hold but few of the officer's do (王伟 at a million cases) is answered
    by one index scan on gram *and* department, for the page and for the count, instead of a
    walk through every case of the department."""
    from cases.codes import SourceKind
    from cases.selectors.cases import SearchWalk
    from cases.services.leads import lead_create

    def lead(user: str, cadre) -> None:
        lead_create(
            acting_user=world.users[user],
            title="某公司事故",
            facts="燃气泄漏",
            source_kind=SourceKind.ACCIDENT_INVESTIGATION,
            subjects=[cadre],
            circumstances=["26.5"],
        )

    for _ in range(6):  # the neighbouring county's: the officer sees none of them
        lead("huinong_emergency_officer", world.neighbour_cadres["hn-hongguozi:township_head"])
    lead("emergency_officer", world.cadres["pl-baofeng:township_deputy:0"])
    monkeypatch.setattr(SearchWalk, "RARE", 3)  # 7 documents hold 燃气: common overall
    officer = world.users["discipline_officer"]
    walk = case_list(user=officer, q="燃气").walk
    assert walk is not None
    assert walk._is_rare(0) == {"document": True, "title": True}  # one of them the department's
    assert walk._is_rare(2) == {"document": True, "title": True}  # the links branch: none
    queries = walk.branch_queries(2, 25)
    assert not queries[0][2]  # the owned branch lists its candidates: no walk
    nodes = _analyze(*queries[0][:2], walk=False)
    grams = [n for n in nodes if n.get("Index Name") == "case_search_grams_idx"]
    assert grams and "owner_department_id" in grams[0]["Index Cond"], nodes
    assert len(walk.ids(0, 25)) == walk.count() == 1
    # the count reads gram and department off the index in every branch that has a department
    sql, params = walk.count_query()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert plan.count("Bitmap Index Scan on case_search_grams_idx") >= 3, plan
    assert "owner_department_id = " in plan and "source_department_id = " in plan, plan
    # the links branch (migration 0032): gram and ``reach`` off the index; each candidate's links
    # rechecked by its case — no list of the department's links (the former ``UNION … EXCEPT``)
    # and no hashed subplan (which reads them all)
    assert "string_to_array(reach, ' '::text) @> " in plan, plan
    assert "Except" not in plan and "hashed SubPlan" not in plan, plan


def test_a_rare_short_search_is_counted_exactly_whatever_the_planner_estimates(world, monkeypatch):
    """The planner estimates a gram outside its statistics at 0.5 % of the documents: at a
    million cases "≈ 4,996" for the 13 of 鑫磊 (bench W3, 2026-12-03). The walk's probes found
    fewer than ``RARE`` documents in every branch, so the API counts exactly, with no EXPLAIN;
    a common query is still estimated past the limit."""
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from cases.selectors.cases import SearchWalk
    from core.api import pagination

    for _ in range(3):
        new_lead(world)  # the subject's name is in each document
    monkeypatch.setattr(pagination, "EXACT_COUNT_LIMIT", 0)  # every planner estimate is "too many"
    name = world.cadres["pl-baofeng:township_deputy:0"].name[:2]
    for user in ("admin", "discipline_officer"):
        client = APIClient()
        client.force_authenticate(world.users[user])
        with CaptureQueriesContext(db) as queries:
            body = client.get("/api/v1/cases/", {"q": name}).json()
        assert (body["count"], body["count_estimated"]) == (3, False), body
        assert not any(q["sql"].startswith("EXPLAIN") for q in queries.captured_queries)
        monkeypatch.setattr(SearchWalk, "RARE", 2)  # three documents: common
        body = client.get("/api/v1/cases/", {"q": name}).json()
        assert body["count_estimated"] is True, body
        monkeypatch.setattr(SearchWalk, "RARE", 500)
