"""``appraisal_scope``: the one scope of Chapters 4–5 that the API and the pages share
(appraisal/README.md): its levels, the pages' desk, and the row rules where the two once differed."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model

from appraisal.selectors.assessment import interview_assessments, latest_year, results
from appraisal.selectors.scope import appraisal_scope
from appraisal.services.assessment import assessment_record, patrol_create

pytestmark = pytest.mark.django_db

BAOFENG_HEAD = "pl-baofeng:township_head:0"


@pytest.fixture(scope="module")
def world(module_world):
    return module_world


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 29, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)


@pytest.mark.parametrize(
    ("persona", "level", "desk"),
    [
        ("emergency_officer", "keep", True),
        ("organization_officer", "keep", True),
        ("discipline_officer", "read", True),
        ("audit_officer", "own", False),  # the API shows it its own department's rows; the pages none
        ("city_discipline_officer", "read", False),  # a city organ is not the county's committee
        ("admin", "keep", True),
    ],
)
def test_each_user_has_one_level_and_only_county_keepers_readers_and_superusers_a_desk(world, persona, level, desk):
    scope = appraisal_scope(world.users[persona])
    assert (scope.level, scope.has_desk) == (level, desk)
    assert scope.keeper == (level == "keep")
    assert (scope.ids is None) == (persona == "admin")


def test_a_user_without_a_seat_reads_nothing(world):
    nobody = get_user_model().objects.create_user("no-seat", password="x")
    scope = appraisal_scope(nobody)
    assert (scope.level, scope.ids, scope.has_desk, scope.county, scope.membership) == ("none", [], False, None, None)
    assert not scope.assessments().exists() and not scope.patrols().exists() and not scope.interviews().exists()
    assert scope.reward_candidate_cadre_ids() == []


def test_a_departments_own_patrols_are_those_that_patrolled_it(world):
    patrol_create(
        acting_user=world.users["emergency_officer"],
        title="巡查",
        started_on=dt.date(2026, 4, 7),
        targets=[world.departments["pl-baofeng"]],
    )
    audit = appraisal_scope(world.users["audit_officer"])
    assert not audit.patrols().exists()
    patrol_create(
        acting_user=world.users["emergency_officer"],
        title="巡查二",
        started_on=dt.date(2026, 5, 7),
        targets=[world.departments["pl-audit"], world.departments["pl-baofeng"]],
    )
    assert [p.title for p in audit.patrols()] == ["巡查二"]
    reader = appraisal_scope(world.users["discipline_officer"])
    assert sorted(p.title for p in reader.patrols()) == sorted(p.title for p in reader.desk_patrols()) == ["巡查", "巡查二"]


def test_assessments_in_scope_are_the_units_and_the_cadres_holding_a_post_there(world):
    keeper = world.users["emergency_officer"]
    assessment_record(
        acting_user=keeper, year=2024, grade="fail", department=world.departments["pl-baofeng"], rank=6, ranked_of=6
    )
    assessment_record(acting_user=keeper, year=2025, grade="excellent", cadre=world.cadres[BAOFENG_HEAD])
    reader = appraisal_scope(world.users["discipline_officer"])
    # The pages' default year is the latest with any result the user sees, a cadre's too.
    assert latest_year(reader) == 2025
    assert [r.cadre_id for r in results(2025, reader)["cadres"]] == [world.cadres[BAOFENG_HEAD].pk]
    # 约谈 (Art. 15) is offered only for departments' results ranked last and failed.
    assert [(a.year, a.department_id) for a in interview_assessments(reader)] == [(2024, world.departments["pl-baofeng"].pk)]
    assert latest_year(appraisal_scope(world.users["city_discipline_officer"])) is None
