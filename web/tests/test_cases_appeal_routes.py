"""The appeal form by route (issue 14 item 5), with the Django test client: the routes of each
decided measure with who decides and the window, a route and a stage to choose, a filing outside
the window re-rendered with the deadline next to the date and nothing written, the route on the
case page, the second stage from the decision's delivery date given on the decide form."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.models import Appeal
from cases.tests._appeal_helpers import DELIVERED, DISMISSAL, GOV_WARNING, PARTY_WARNING, executing
from core.persistence import add_months
from web.tests.helpers import LEADER, OFFICER, field_errors, snapshot

pytestmark = pytest.mark.django_db
D = dt.timedelta


def test_the_form_lists_each_measures_routes_bodies_and_windows(login, world):
    case = executing(world, DISMISSAL, GOV_WARNING)
    html = login(OFFICER).get(f"/cases/{case.pk}/appeals/new/").content.decode()
    assert 'id="appeal-routes"' in html and 'name="route"' in html and 'name="stage"' in html
    for name in ("中共平罗县委组织部", "中共石嘴山市委组织部", "平罗县纪委监委", "石嘴山市纪委监委"):
        assert name in html
    assert (DELIVERED + D(days=30)).isoformat() in html  # the 复核's last day
    assert add_months(DELIVERED, 1).isoformat() in html  # the 复审's last day
    assert "第九十五条" in html and "第四十九条" in html
    assert '<option value="government_sanction">' in html and '<option value="civil_service">' in html
    assert '<option value="party_discipline">' not in html  # no measure opens it


def test_filing_outside_the_window_shows_the_deadline_and_writes_nothing(login, world):
    case = executing(world, GOV_WARNING)
    subject = case.subjects.get()
    officer = login(OFFICER)
    last = add_months(DELIVERED, 1)
    before = snapshot(case.pk)
    late = {"subject": subject.pk, "route": "government_sanction", "filed_on": (last + D(days=1)).isoformat(), "grounds": "偏重"}
    response = officer.post(f"/cases/{case.pk}/appeals/new/", late)
    assert response.status_code == 400
    assert any(last.isoformat() in e for e in field_errors(response, "filed_on"))
    assert snapshot(case.pk) == before
    wrong = officer.post(f"/cases/{case.pk}/appeals/new/", {**late, "route": "party_discipline", "filed_on": last.isoformat()})
    assert wrong.status_code == 400 and field_errors(wrong, "route") and snapshot(case.pk) == before
    response = officer.post(f"/cases/{case.pk}/appeals/new/", {**late, "filed_on": last.isoformat()})
    assert response.status_code == 302
    appeal = Appeal.objects.get(case=case)
    assert (appeal.route, appeal.stage, appeal.window_ends_on) == ("government_sanction", "review", last)
    page = officer.get(f"/cases/{case.pk}/").content.decode()
    assert "政务处分复审、复核" in page and "石嘴山" not in page.split('id="appeals"')[1].split("</section>")[0]


def test_the_decide_form_records_delivery_and_the_second_stage_runs_from_it(login, world):
    case = executing(world, GOV_WARNING)
    subject = case.subjects.get()
    officer = login(OFFICER)
    filed = DELIVERED + D(days=2)
    officer.post(
        f"/cases/{case.pk}/appeals/new/",
        {"subject": subject.pk, "route": "government_sanction", "filed_on": filed.isoformat(), "grounds": "偏重"},
    )
    review = Appeal.objects.get(case=case)
    leader = login(LEADER)
    form = leader.get(f"/appeals/{review.pk}/decide/").content.decode()
    assert 'name="delivered_on"' in form
    before = snapshot(case.pk)
    bad = leader.post(f"/appeals/{review.pk}/decide/", {"outcome": "upheld", "reason": "维持", "delivered_on": "31/01/2026"})
    assert bad.status_code == 400 and field_errors(bad, "delivered_on") and snapshot(case.pk) == before
    received = filed + D(days=10)
    done = leader.post(
        f"/appeals/{review.pk}/decide/", {"outcome": "upheld", "reason": "维持", "delivered_on": received.isoformat()}
    )
    assert done.status_code == 302
    review.refresh_from_db()
    assert review.decision_delivered_on == received
    officer = login(OFFICER)
    late = add_months(received, 1) + D(days=1)
    body = {
        "subject": subject.pk,
        "route": "government_sanction",
        "stage": "recheck",
        "filed_on": late.isoformat(),
        "grounds": "仍不服",
    }
    refused = officer.post(f"/cases/{case.pk}/appeals/new/", body)
    assert refused.status_code == 400 and any(add_months(received, 1).isoformat() in e for e in field_errors(refused, "filed_on"))
    ok = officer.post(f"/cases/{case.pk}/appeals/new/", {**body, "filed_on": add_months(received, 1).isoformat()})
    assert ok.status_code == 302
    recheck = Appeal.objects.get(case=case, stage="recheck")
    assert recheck.previous == review and recheck.deciding_department == world.departments["szs-discipline"]


def test_a_subject_with_one_route_pending_may_still_appeal_on_another(login, world):
    case = executing(world, GOV_WARNING, PARTY_WARNING, delivered=None)
    subject = case.subjects.get()
    officer = login(OFFICER)
    from core.persistence import local_today

    body = {"subject": subject.pk, "route": "party_discipline", "filed_on": local_today().isoformat(), "grounds": "偏重"}
    assert officer.post(f"/cases/{case.pk}/appeals/new/", body).status_code == 302
    assert f"/cases/{case.pk}/appeals/new/" in officer.get(f"/cases/{case.pk}/").content.decode()
    assert officer.post(f"/cases/{case.pk}/appeals/new/", {**body, "route": "government_sanction"}).status_code == 302
    assert f"/cases/{case.pk}/appeals/new/" not in officer.get(f"/cases/{case.pk}/").content.decode()
