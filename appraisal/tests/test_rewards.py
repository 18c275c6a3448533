"""Chapter 5 rewards (Art. 25) and what Chapters 4–5 add to the cadre record (PRODUCT §4):
one excellent assessment year calls for 通报嘉奖, three consecutive for 记功, neither while the cadre
may not receive awards (Art. 28 veto, influence periods).

Who does what here:
- organization_leader grants awards (按照干部管理权限).
- organization_officer, emergency_officer record results; they may not grant.
- discipline_leader decides measures; it may not grant awards either.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from appraisal.models import Award
from appraisal.selectors.rewards import candidates
from appraisal.services.assessment import assessment_record
from cases.codes import CaseState
from cases.tests._transitions_helpers import assert_error
from cases.tests.scenarios import case_in_state

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 11, 29)
HEAD = "pl-baofeng:township_head:0"
SECRETARY = "pl-baofeng:township_party_secretary:0"
DEPUTY = "pl-baofeng:township_deputy:0"
OTHER_DEPUTY = "pl-baofeng:township_deputy:1"


@pytest.fixture(scope="module")
def world(module_world):
    """conftest's ``world``, built once for this module (``module_world``)."""
    return module_world


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 29, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)


def grades(world, key: str, **by_year: str) -> None:
    """``grades(world, HEAD, y2023="excellent", y2024="good")``"""
    for year, grade in by_year.items():
        assessment_record(
            acting_user=world.users["organization_officer"], year=int(year[1:]), grade=grade, cadre=world.cadres[key]
        )


def candidate(world, key: str, year: int = 2025, on: dt.date = TODAY) -> dict | None:
    found = candidates(year, cadre_ids=[world.cadres[key].pk], on=on)
    assert len(found) <= 1
    return found[0] if found else None


def grant(api, world, key: str, persona: str = "organization_leader", year: int = 2025, **extra):
    return api(persona).post("/api/v1/awards/", {"cadre": world.cadres[key].pk, "year": year, **extra}, format="json")


# --- candidates ------------------------------------------------------------------------------

STREAKS = [
    # grades by year, the award 2025 calls for (None: not a candidate), excellent years shown
    ({"y2025": "excellent"}, "commendation", [2025]),
    ({"y2023": "excellent", "y2024": "excellent", "y2025": "excellent"}, "merit", [2023, 2024, 2025]),
    ({"y2022": "excellent", "y2024": "excellent", "y2025": "excellent"}, "commendation", [2024, 2025]),
    ({"y2023": "excellent", "y2024": "good", "y2025": "excellent"}, "commendation", [2023, 2025]),
    ({"y2023": "excellent", "y2024": "excellent", "y2025": "good"}, None, None),
    ({"y2025": "pass"}, None, None),
]


@pytest.mark.parametrize(
    ("by_year", "kind", "years"),
    STREAKS,
    ids=["one-excellent-year", "three-consecutive", "gap-before-two", "gap-in-the-middle", "not-excellent-this-year", "pass"],
)
def test_one_excellent_year_calls_for_a_commendation_and_three_in_a_row_for_merit(world, by_year, kind, years):
    grades(world, HEAD, **by_year)
    found = candidate(world, HEAD)
    if kind is None:
        assert found is None
        return
    assert (found["kind"], found["excellent_years"], found["eligible"], found["blocking"]) == (kind, years, True, [])
    assert "第二十五条" in found["basis"] and found["granted"] is None


def test_candidates_over_the_api_list_every_excellent_cadre_of_the_year(world, api):
    grades(world, HEAD, y2025="excellent")
    grades(world, SECRETARY, y2023="excellent", y2024="excellent", y2025="excellent")
    grades(world, DEPUTY, y2025="good")
    response = api("organization_officer").get("/api/v1/awards/candidates/?year=2025")
    assert response.status_code == 200, response.content
    assert {(c["cadre"]["id"], c["kind"]) for c in response.json()} == {
        (world.cadres[HEAD].pk, "commendation"),
        (world.cadres[SECRETARY].pk, "merit"),
    }
    assert api("organization_officer").get("/api/v1/awards/candidates/?year=2024").json()[0]["kind"] == "commendation"
    assert api("city_discipline_officer").get("/api/v1/awards/candidates/?year=2025").json() == []


def test_a_cadre_with_a_measure_decided_is_excluded_while_its_periods_run(world):
    """An accident case decided today with 诫勉: the influence period and the Art. 28 veto bar
    awards, so the excellent year is shown with the reasons and not as eligible."""
    grades(world, DEPUTY, y2025="excellent")
    grades(world, OTHER_DEPUTY, y2025="excellent")
    case = case_in_state(world, CaseState.DECIDED, cadres=(DEPUTY,))
    assert case.decided_on == TODAY

    barred = candidate(world, DEPUTY)
    assert barred["kind"] == "commendation" and barred["eligible"] is False
    assert barred["blocking"] and all("awards" in b["applies_to"] for b in barred["blocking"])
    assert {b["case"] for b in barred["blocking"]} == {case.pk}
    assert any("第二十八条" in b["basis"] for b in barred["blocking"])
    assert candidate(world, OTHER_DEPUTY)["eligible"] is True
    # The day before the decision nothing barred the award.
    assert candidate(world, DEPUTY, on=TODAY - dt.timedelta(days=1))["eligible"] is True


# --- granting --------------------------------------------------------------------------------


def test_only_the_organization_departments_leader_grants_an_award_and_only_once(world, api):
    grades(world, SECRETARY, y2023="excellent", y2024="excellent", y2025="excellent")
    for persona in ("organization_officer", "emergency_officer", "discipline_leader"):
        assert_error(grant(api, world, SECRETARY, persona), 403, "not_permitted")
    assert not Award.objects.exists()

    response = grant(api, world, SECRETARY, granted_on="2026-03-01")
    assert response.status_code == 201, response.content
    award = response.json()
    assert (award["cadre"], award["year"], award["kind"], award["granted_on"]) == (
        world.cadres[SECRETARY].pk,
        2025,
        "merit",
        "2026-03-01",
    )
    assert "连续三个年度" in award["basis"]
    assert candidate(world, SECRETARY)["granted"] == "merit"

    assert_error(grant(api, world, SECRETARY), 409, "precondition_failed")
    assert Award.objects.count() == 1


def test_no_award_without_an_excellent_result_or_for_a_day_to_come(world, api):
    grades(world, HEAD, y2025="good")
    assert_error(grant(api, world, HEAD), 409, "precondition_failed")
    grades(world, HEAD, y2025="excellent")
    future = grant(api, world, HEAD, granted_on="2026-12-01")
    assert list(assert_error(future, 400, "invalid")["detail"]) == ["granted_on"]
    assert not Award.objects.exists()


def test_no_award_while_the_cadre_may_not_receive_one(world, api):
    grades(world, DEPUTY, y2025="excellent")
    case_in_state(world, CaseState.DECIDED, cadres=(DEPUTY,))
    body = assert_error(grant(api, world, DEPUTY), 409, "precondition_failed")
    assert world.cadres[DEPUTY].name in body["detail"]
    assert not Award.objects.exists()


# --- the cadre record ------------------------------------------------------------------------


def test_the_record_shows_results_awards_and_the_candidacy(world, api):
    the_cadre = world.cadres[HEAD]
    url = f"/api/v1/cadres/{the_cadre.pk}/record/?on=2026-11-29"
    empty = api("organization_officer").get(url).json()
    assert (empty["annual_assessments"], empty["awards"], empty["interviews"], empty["reward_candidacy"]) == ([], [], [], None)

    grades(world, HEAD, y2024="good", y2025="excellent")
    before = api("organization_officer").get(url).json()
    assert [(a["year"], a["grade"], a["excellent"]) for a in before["annual_assessments"]] == [
        (2025, "excellent", True),
        (2024, "good", False),
    ]
    candidacy = before["reward_candidacy"]
    assert (candidacy["year"], candidacy["kind"], candidacy["eligible"], candidacy["granted"]) == (
        2025,
        "commendation",
        True,
        None,
    )

    assert grant(api, world, HEAD).status_code == 201
    after = api("organization_officer").get(url).json()
    assert [(a["year"], a["kind"]) for a in after["awards"]] == [(2025, "commendation")]
    assert after["reward_candidacy"]["granted"] == "commendation"
    # An award is not a measure and bars nothing.
    assert after["measures"] == [] and after["eligible_for_promotion"] and after["eligible_for_awards"]
