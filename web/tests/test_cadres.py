"""Cadre list and records over HTTP: eligibility, moves (Art. 32), veto overrides (Art. 28).

Personas (``conftest.py``): audit_officer and inspection_officer refer leads and follow only their
status and outcome; organization_officer keeps cadre records and records moves;
organization_leader may also override a veto; discipline_officer handles cases; emergency_officer
records accidents; admin is a superuser without a department.
"""

from __future__ import annotations

import datetime as dt

import pytest

from cases.codes import CaseState
from cases.models import Referral, VetoOverride
from cases.services.cadres import cadre_register
from cases.tests.scenarios import case_in_state, new_lead
from core.persistence import local_today
from org.models import Post
from web.tests.helpers import (
    BAOFENG_DEPUTY,
    TOUZHA_HEAD,
    count_queries,
)

pytestmark = pytest.mark.django_db


def test_record_shows_the_admonishment_as_a_blocking_reason_marked_unverified(client_as, world):
    case = case_in_state(world, CaseState.EXECUTING)  # proposes and decides an admonishment
    cadre = world.cadres[BAOFENG_DEPUTY]
    response = client_as("organization_officer").get(f"/cadres/{cadre.pk}/")
    assert response.status_code == 200
    record = response.context["record"]
    assert record["eligible_for_promotion"] is False and record["eligible_for_awards"] is False
    admonishment = next(
        b for b in record["blocking"] if case.number in b["reason"] and b["until"] and "一票否决" not in b["reason"]
    )
    assert admonishment["verified"] is False
    html = response.content.decode()
    assert admonishment["basis"] in html
    assert admonishment["until"].isoformat() in html
    assert "zm-flag" in html and "默认值（依据待核实）" in html  # the unverified-default marker
    assert response.context["unverified_count"] >= 1
    assert case.number in html
    # The Art. 28 veto (accident responsibility, 26.5) is listed with its end.
    veto = response.context["vetoes"][0]
    assert veto["case"].pk == case.pk and veto["until"] is not None


def test_record_on_a_later_date_no_longer_blocks(client_as, world):
    case_in_state(world, CaseState.EXECUTING)
    cadre = world.cadres[BAOFENG_DEPUTY]
    later = local_today() + dt.timedelta(days=365 * 3)
    response = client_as("discipline_officer").get(f"/cadres/{cadre.pk}/?on={later.isoformat()}")
    assert response.context["on"] == later
    assert response.context["record"]["eligible_for_promotion"] is True
    assert response.context["record"]["blocking"] == []
    # The veto still shows with its end, though no longer in force.
    assert response.context["vetoes"][0]["until"] is not None and not response.context["vetoes"][0]["active"]
    bad = client_as("discipline_officer").get(f"/cadres/{cadre.pk}/?on=not-a-date")
    assert bad.status_code == 200 and bad.context["on"] == local_today()


def test_cadre_list_filters_by_name_role_and_department(client_as, world):
    client = client_as("organization_officer")
    cadre = world.cadres[BAOFENG_DEPUTY]
    by_name = client.get("/cadres/", {"q": cadre.name})
    assert cadre in [row["cadre"] for row in by_name.context["rows"]]
    by_role = client.get("/cadres/", {"role": "township_deputy", "department": world.departments["pl-baofeng"].pk})
    names = {row["cadre"].pk for row in by_role.context["rows"]}
    assert names == {world.cadres["pl-baofeng:township_deputy:0"].pk, world.cadres["pl-baofeng:township_deputy:1"].pk}


def test_move_of_a_cadre_with_an_open_case_refers_it_to_the_new_authority(client_as, world):
    case = new_lead(world)  # open, handled by the discipline organ
    cadre = world.cadres[BAOFENG_DEPUTY]
    response = client_as("organization_officer").post(
        f"/cadres/{cadre.pk}/",
        {
            "action": "move",
            "move-kind": "transfer",
            "move-effective_date": (local_today() + dt.timedelta(days=1)).isoformat(),
            "move-organization": world.departments["pl-park"].pk,
            "move-role": "park_deputy",
            "move-title": "园区管委会副主任",
        },
        follow=True,
    )
    assert response.status_code == 200
    referral = Referral.objects.get(case=case, kind=Referral.Kind.LIFELONG)
    assert referral.to_department == world.departments["pl-organization"]
    texts = [str(m) for m in response.context["messages"]]
    assert any(case.number in t and referral.to_department.name in t for t in texts)
    assert response.context["current"].organization == world.departments["pl-park"]


def test_bad_move_shows_field_errors_and_writes_nothing(client_as, world):
    cadre = world.cadres[BAOFENG_DEPUTY]
    posts = Post.objects.filter(cadre=cadre).count()
    response = client_as("organization_officer").post(
        f"/cadres/{cadre.pk}/",
        {"action": "move", "move-kind": "promotion", "move-effective_date": "2000-01-01", "move-title": "x"},
    )
    assert response.status_code == 400
    assert {"organization", "role"} <= set(response.context["move_form"].errors)
    # The service's own check (a date before the current post) also lands next to its field.
    response = client_as("organization_officer").post(
        f"/cadres/{cadre.pk}/",
        {
            "action": "move",
            "move-kind": "promotion",
            "move-effective_date": "2000-01-01",
            "move-organization": world.departments["pl-park"].pk,
            "move-role": "park_deputy",
            "move-title": "园区管委会副主任",
        },
    )
    assert response.status_code == 400
    assert "effective_date" in response.context["move_form"].errors
    assert Post.objects.filter(cadre=cadre).count() == posts


def test_only_the_organization_department_records_moves(client_as, world):
    cadre = world.cadres[BAOFENG_DEPUTY]
    response = client_as("discipline_officer").post(
        f"/cadres/{cadre.pk}/", {"action": "move", "move-kind": "retirement", "move-effective_date": "2030-01-01"}
    )
    assert response.status_code == 403
    assert "Record a move" not in client_as("discipline_officer").get(f"/cadres/{cadre.pk}/").content.decode()


def test_a_leader_overrides_the_veto_with_a_reason(client_as, world):
    case = case_in_state(world, CaseState.EXECUTING)
    cadre = world.cadres[BAOFENG_DEPUTY]
    subject = case.subjects.get()
    until = case.decided_on + dt.timedelta(days=200)
    officer = client_as("organization_officer")
    assert officer.post(f"/cadres/{cadre.pk}/", {"action": "veto", "veto-subject": subject.pk}).status_code == 403
    leader = client_as("organization_leader")
    missing = leader.post(f"/cadres/{cadre.pk}/", {"action": "veto", "veto-subject": subject.pk, "veto-until": until.isoformat()})
    assert missing.status_code == 400 and "reason" in missing.context["veto_form"].errors
    ok = leader.post(
        f"/cadres/{cadre.pk}/",
        {"action": "veto", "veto-subject": subject.pk, "veto-until": until.isoformat(), "veto-reason": "经研究提前结束"},
    )
    assert ok.status_code == 302
    override = VetoOverride.objects.get(subject=subject)
    assert (override.until, override.reason) == (until, "经研究提前结束")
    veto = client_as("organization_officer").get(f"/cadres/{cadre.pk}/").context["vetoes"][0]
    assert veto["until"] == until and veto["override"] == override


def test_cadre_list_costs_the_same_for_small_and_larger_data(client_as, world):
    client = client_as("organization_officer")
    surname = world.cadres[TOUZHA_HEAD].name[0]
    urls = ["/cadres/", f"/cadres/?q={surname}&role=township_head", f"/cadres/?department={world.departments['pl-baofeng'].pk}"]
    # One case with a decided measure from the start, so every prefetch of the record runs.
    case_in_state(
        world, CaseState.EXECUTING, cadres=(BAOFENG_DEPUTY, "pl-touzha:township_head:0", "pl-chengguan:township_head:0")
    )
    small = [count_queries(client, url) for url in urls]
    case_in_state(world, CaseState.EXECUTING, cadres=(BAOFENG_DEPUTY,))
    case_in_state(world, CaseState.EXECUTING, cadres=(TOUZHA_HEAD, "pl-baofeng:township_deputy:1"))
    new_lead(world, cadres=("pl-baofeng:township_head:0",))
    for n in range(5):
        cadre_register(
            name=f"王测试{n}",
            organization=world.departments["pl-baofeng"],
            role="township_head",
            title="镇长",
            since=dt.date(2024, 1, 1),
            acting_user=world.users["organization_officer"],
        )
    assert [count_queries(client, url) for url in urls] == small
