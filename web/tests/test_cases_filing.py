"""立案 from the case page, and moves of a cadre under investigation from the cadre record, over HTTP
(《监察法》第四十二条, 《公职人员政务处分法》第五十二条).

- discipline_leader: leads the discipline organ handling the case; approves and records the 立案.
- discipline_officer: investigates; sees the 立案 but cannot record it.
- organization_officer: records moves; a move of a filed cadre is refused and he cannot confirm it.
- organization_leader: may confirm such a move with a reason.

Every form goes through the services: a refused request re-renders the form with the service's
errors and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from cases.codes import CaseState
from cases.models import CaseEvent, Filing
from cases.tests.scenarios import case_in_state
from core.persistence import local_today
from org.models import Post
from web.tests.helpers import BAOFENG_DEPUTY, LEADER, OFFICER, field_errors, snapshot

pytestmark = pytest.mark.django_db

GROUNDS = "初步核实认为涉嫌对事故负有领导责任。"


def _filing_url(case) -> str:
    return f"/cases/{case.pk}/subjects/{case.subjects.get().pk}/filing/"


def test_the_leader_sees_the_filing_button_and_the_officer_does_not(login, world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    html = login(LEADER).get(f"/cases/{case.pk}/").content.decode()
    assert f'href="{_filing_url(case)}"' in html
    assert 'data-action="filing"' in html
    officer = login(OFFICER)
    html = officer.get(f"/cases/{case.pk}/").content.decode()
    assert _filing_url(case) not in html and f'id="filing-{case.subjects.get().pk}"' in html  # "no 立案 recorded"
    assert officer.get(_filing_url(case)).status_code == 404


def test_the_leader_records_the_filing_and_the_case_page_shows_it(login, world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    client = login(LEADER)
    form = client.get(_filing_url(case))
    assert form.status_code == 200
    assert 'name="filed_on"' in form.content.decode() and 'name="reason"' in form.content.decode()
    response = client.post(_filing_url(case), {"filed_on": local_today().isoformat(), "reason": GROUNDS})
    assert response.status_code == 302 and response["Location"].startswith(f"/cases/{case.pk}/")
    filing = Filing.objects.get(subject__case=case)
    assert filing.approved_by == world.users[LEADER] and filing.reason == GROUNDS
    shown_page = client.get(f"/cases/{case.pk}/")
    page = shown_page.content.decode()
    [item] = [i for i in shown_page.context["timeline"] if i.kind == "filed"]
    assert item.reason == GROUNDS and any(local_today().isoformat() in d for d in item.details)
    assert _filing_url(case) not in page  # filed once: the button is gone
    shown = re.search(rf'<p class="zm-filing" id="filing-{filing.subject_id}">(.*?)</p>', page, re.S)
    assert shown and local_today().isoformat() in shown.group(1) and "纪检 负责人" in shown.group(1)
    assert client.get(_filing_url(case)).status_code == 404
    assert CaseEvent.objects.filter(case=case, kind="filed").count() == 1


@pytest.mark.parametrize(
    "data, field",
    [({"filed_on": "2026-13-01", "reason": GROUNDS}, "filed_on"), ({"filed_on": "@today", "reason": ""}, "reason")],
)
def test_a_bad_filing_form_shows_the_error_next_to_the_field_and_writes_nothing(login, world, data, field):
    case = case_in_state(world, CaseState.INVESTIGATING)
    data = {k: (local_today().isoformat() if v == "@today" else v) for k, v in data.items()}
    before = snapshot(case.pk)
    response = login(LEADER).post(_filing_url(case), data)
    assert response.status_code == 400 and field_errors(response, field)
    assert snapshot(case.pk) == before


def test_a_future_date_is_refused_by_the_service_next_to_the_field(login, world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    before = snapshot(case.pk)
    tomorrow = (local_today() + dt.timedelta(days=1)).isoformat()
    response = login(LEADER).post(_filing_url(case), {"filed_on": tomorrow, "reason": GROUNDS})
    assert response.status_code == 400 and field_errors(response, "filed_on")
    assert snapshot(case.pk) == before


def test_an_officer_posting_the_form_is_refused_on_the_page_and_nothing_is_written(login, world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    before = snapshot(case.pk)
    response = login(OFFICER).post(_filing_url(case), {"filed_on": local_today().isoformat(), "reason": GROUNDS})
    assert response.status_code == 403 and 'id="page-error"' in response.content.decode()
    assert snapshot(case.pk) == before


# --- the cadre record: moves of a cadre under investigation ---------------------------------------


def _move(world) -> dict:
    return {
        "action": "move",
        "move-kind": "transfer",
        "move-effective_date": (local_today() + dt.timedelta(days=1)).isoformat(),
        "move-organization": world.departments["pl-park"].pk,
        "move-role": "park_deputy",
        "move-title": "园区管委会副主任",
    }


def test_the_record_shows_the_bar_and_refuses_an_unconfirmed_move(client_as, world):
    case = case_in_state(world, CaseState.INVESTIGATING, filed=True)
    cadre = world.cadres[BAOFENG_DEPUTY]
    client = client_as("organization_officer")
    page = client.get(f"/cadres/{cadre.pk}/")
    html = page.content.decode()
    assert page.context["record"]["eligible_for_promotion"] is False
    assert 'id="move-under-investigation"' in html and case.number in html
    assert 'name="move-confirm_under_investigation"' not in html  # officers cannot confirm
    posts = list(Post.objects.filter(cadre=cadre).values_list("id", "end"))
    response = client.post(f"/cadres/{cadre.pk}/", _move(world))
    assert response.status_code == 400
    errors = response.context["move_form"].non_field_errors()
    assert any(case.number in e and "第五十二条" in e for e in errors)
    assert list(Post.objects.filter(cadre=cadre).values_list("id", "end")) == posts


def test_an_open_case_without_filing_is_noted_on_the_record(client_as, world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    response = client_as("organization_officer").get(f"/cadres/{world.cadres[BAOFENG_DEPUTY].pk}/")
    assert response.context["record"]["eligible_for_promotion"] is True
    html = response.content.decode()
    assert 'id="record-notes"' in html and case.number in html
    assert 'id="move-under-investigation"' not in html


def test_the_organization_leader_confirms_the_move_with_a_reason(client_as, world):
    case = case_in_state(world, CaseState.INVESTIGATING, filed=True)
    cadre = world.cadres[BAOFENG_DEPUTY]
    client = client_as("organization_leader")
    assert 'name="move-confirm_under_investigation"' in client.get(f"/cadres/{cadre.pk}/").content.decode()
    refused = client.post(f"/cadres/{cadre.pk}/", {**_move(world), "move-confirm_under_investigation": "on"})
    assert refused.status_code == 400 and "reason" in refused.context["move_form"].errors
    response = client.post(
        f"/cadres/{cadre.pk}/",
        {**_move(world), "move-confirm_under_investigation": "on", "move-reason": "县委研究决定交流。"},
        follow=True,
    )
    assert response.status_code == 200
    assert response.context["current"].organization == world.departments["pl-park"]
    [event] = CaseEvent.objects.filter(case=case, kind="subject_moved_under_investigation")
    assert event.actor == world.users["organization_leader"] and event.reason == "县委研究决定交流。"
    timeline = client_as(OFFICER).get(f"/cases/{case.pk}/").context["timeline"]
    [item] = [i for i in timeline if i.kind == "subject_moved_under_investigation"]
    assert item.reason == "县委研究决定交流。" and any("组织 负责人" in d for d in item.details)
