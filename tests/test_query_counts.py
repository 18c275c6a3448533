"""Query budgets: list and detail endpoints cost the same number of queries whatever the data
size (STYLE §5). Counts are asserted, never timings."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.codes import CaseState
from cases.tests.scenarios import case_in_state, new_lead

pytestmark = pytest.mark.django_db


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


def test_case_list_costs_the_same_for_3_and_15_cases(world, api):
    officer = api("discipline_officer")
    for _ in range(3):
        new_lead(world)
    urls = ["/api/v1/cases/?page_size=50", "/api/v1/cases/?q=测试&state=received&page_size=50"]
    small = [_count(officer, url) for url in urls]
    for _ in range(12):
        new_lead(world)
    assert [_count(officer, url) for url in urls] == small


def test_case_detail_costs_the_same_for_one_and_three_subjects(world, api):
    officer = api("discipline_officer")
    one = case_in_state(world, CaseState.EXECUTING)
    three = case_in_state(
        world,
        CaseState.EXECUTING,
        cadres=("pl-baofeng:township_deputy:0", "pl-baofeng:township_deputy:1", "pl-touzha:township_head:0"),
    )
    assert _count(officer, f"/api/v1/cases/{one.pk}/") == _count(officer, f"/api/v1/cases/{three.pk}/")


def test_history_costs_the_same_for_short_and_long_timelines(world, api):
    officer = api("discipline_officer")
    short = new_lead(world)
    long = case_in_state(world, CaseState.EXECUTING)
    assert _count(officer, f"/api/v1/cases/{short.pk}/history/") == _count(officer, f"/api/v1/cases/{long.pk}/history/")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/referrals/",
        "/api/v1/executions/",
        "/api/v1/appeals/",
        "/api/v1/cadres/",
        "/api/v1/accidents/",
        "/api/v1/departments/",
    ],
)
def test_other_lists_do_not_grow_with_their_rows(world, api, url):
    officer = api("discipline_officer")
    case_in_state(world, CaseState.EXECUTING)
    small = _count(officer, url)
    for _ in range(3):
        case_in_state(world, CaseState.EXECUTING, cadres=("pl-touzha:township_deputy:0",))
    assert _count(officer, url) == small
