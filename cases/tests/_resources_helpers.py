"""Helpers shared by the resource API tests (test_api_resources.py, test_api_resources_cases.py)."""

from __future__ import annotations

from cases.tests._transitions_helpers import snapshot

OFFICER, LEADER = "discipline_officer", "discipline_leader"
BAOFENG_DEPUTY = "pl-baofeng:township_deputy:0"


def dept(world, code: str) -> int:
    return world.departments[code].pk


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def unchanged(call, *, case_id: int | None = None):
    """Run ``call`` and assert that no ``cases`` table (history included) gained or lost a row."""
    before = snapshot(case_id)
    response = call()
    assert snapshot(case_id) == before
    return response


def _lead_body(world, **overrides) -> dict:
    body = {
        "title": "安全检查流于形式",
        "facts": "专项资金使用与检查记录不符",
        "source_kind": "audit",
        "subjects": [world.cadres[BAOFENG_DEPUTY].pk],
        "circumstances": ["26.1"],
    }
    body.update(overrides)
    return body
