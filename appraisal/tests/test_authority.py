"""Who may act on whom in the ledger and Chapters 4–5: the authority that manages a post grants
its awards (Art. 25, 按照干部管理权限), a merit's three years are not counted twice, a county's
patrols are its own, and a department keeps the records only of posts held in it.

- organization_leader (Pingluo): grants awards for the posts the county manages.
- huinong_emergency_officer, huinong_organization_officer: keepers of the neighbouring county.
"""

from __future__ import annotations

import datetime as dt

import pytest

from appraisal.selectors.rewards import candidates
from appraisal.services.assessment import assessment_record, patrol_create, patrol_finding_add, patrol_finding_refer
from appraisal.services.rewards import award_grant
from core.errors import NotFound, NotPermitted
from duties.models import Obligation
from duties.services.ledger import record_create
from org.models import Membership

pytestmark = pytest.mark.django_db


def _excellent(world, cadre, *years):
    for year in years:
        assessment_record(acting_user=world.users["organization_officer"], year=year, grade="excellent", cadre=cadre)


def test_county_leaders_awards_are_granted_by_the_city_that_manages_them(world):
    secretary = world.cadres["pingluo:county_party_secretary:0"]
    _excellent(world, secretary, 2025)
    assert secretary.posts.get().managing_authority.code == "szs-organization"
    with pytest.raises(NotPermitted, match="石嘴山市委组织部"):
        award_grant(acting_user=world.users["organization_leader"], cadre=secretary, year=2025)
    township_head = world.cadres["pl-baofeng:township_head:0"]
    _excellent(world, township_head, 2025)
    award = award_grant(acting_user=world.users["organization_leader"], cadre=township_head, year=2025)
    assert award.kind == "commendation"


def test_years_counted_in_a_merit_are_not_counted_again(world):
    cadre = world.cadres["pl-touzha:township_head:0"]
    _excellent(world, cadre, 2021, 2022, 2023, 2024)
    assert [c["kind"] for c in candidates(2023, cadre_ids=[cadre.pk], on=dt.date(2024, 3, 1))] == ["merit"]
    award_grant(acting_user=world.users["organization_leader"], cadre=cadre, year=2023, granted_on=dt.date(2024, 3, 1))
    # 2022–2024 are three excellent years, but 2022 and 2023 already earned the 记功 for 2023
    assert [c["kind"] for c in candidates(2024, cadre_ids=[cadre.pk], on=dt.date(2025, 3, 1))] == ["commendation"]


def test_another_countys_keepers_cannot_touch_a_patrol(world):
    d = world.departments
    patrol = patrol_create(
        acting_user=world.users["emergency_officer"], title="专项巡查", started_on=dt.date(2026, 6, 1), targets=[d["pl-baofeng"]]
    )
    finding = patrol_finding_add(
        acting_user=world.users["emergency_officer"],
        patrol=patrol,
        department=d["pl-baofeng"],
        text="隐患整改未闭环",
        cadres=[world.cadres["pl-baofeng:township_head:0"]],
    )
    outsider = world.users["huinong_emergency_officer"]
    with pytest.raises(NotFound):
        patrol_finding_add(acting_user=outsider, patrol=patrol, department=d["pl-baofeng"], text="越界")
    with pytest.raises(NotFound):
        patrol_finding_refer(acting_user=outsider, finding_id=finding.pk)
    assert patrol.findings.count() == 1 and finding.case_id is None


def test_a_department_keeps_only_the_records_of_posts_held_in_it(world, django_user_model):
    """A township's own office records its leaders' duties, not those of a leader who has left."""
    from cases.services.cadres import cadre_move

    township = world.departments["pl-baofeng"]
    clerk = django_user_model.objects.create_user("baofeng_clerk", password="x")
    Membership.objects.create(user=clerk, department=township)
    deputy = world.cadres["pl-baofeng:township_deputy:0"]
    cadre_move(
        cadre_id=deputy.pk,
        kind="transfer",
        effective_date=dt.date(2026, 9, 1),
        organization=world.departments["pl-touzha"],
        role="township_deputy",
        title="副镇长",
        acting_user=world.users["organization_officer"],
    )
    obligation = Obligation.objects.get(code="9-4-township")
    while_here = record_create(acting_user=clerk, cadre=deputy, obligation=obligation, date=dt.date(2026, 8, 10))
    assert while_here.post.organization == township
    with pytest.raises(NotPermitted):
        record_create(acting_user=clerk, cadre=deputy, obligation=obligation, date=dt.date(2026, 10, 8))
    # Touzha's keepers (the county's organization department) record it instead
    assert (
        record_create(
            acting_user=world.users["organization_officer"], cadre=deputy, obligation=obligation, date=dt.date(2026, 10, 8)
        ).post.organization
        == world.departments["pl-touzha"]
    )


def test_the_neighbouring_countys_organization_cannot_assess_pingluo(world):
    from core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        assessment_record(
            acting_user=world.users["huinong_organization_officer"],
            year=2025,
            grade="excellent",
            cadre=world.cadres["pl-baofeng:township_head:0"],
        )
