"""The list orders the web pages add (``web.common.listing``) that an index can serve, and the
default order, which must stay index-served at a million cases (BENCH W3). PostgreSQL only; the
method is ``tests/test_query_plans.py``'s (``enable_seqscan = off``)."""

from __future__ import annotations

import os

import pytest

from cases.selectors import case_list
from cases.tests.scenarios import new_lead
from tests.test_query_plans import _plan
from web.common.listing import CASES, ListControls

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL"),
]


@pytest.mark.parametrize(
    ("sort", "index"),
    [
        ("", "case_created_idx"),
        ("created", "case_created_idx"),
        ("-created", "case_created_idx"),
        ("-number", "cases_case_number"),
        ("number", "cases_case_number"),
    ],
)
def test_the_default_and_the_indexed_sorts_read_a_page_off_an_index(world, sort, index):
    new_lead(world)
    qs = ListControls(spec=CASES, sort=sort, page_size=25).apply(case_list(user=world.users["admin"]))
    plan = _plan(qs[:25])
    under_limit = plan.splitlines()[1]  # the node that feeds the LIMIT: an index, not a sort
    assert index in plan and "Sort" not in under_limit and "Seq Scan on cases_case" not in plan, plan
