"""Referrals sent to a department, over HTTP: acknowledge, accept, return.

Personas (``conftest.py``): audit_officer and inspection_officer refer leads and follow only their
status and outcome; organization_officer keeps cadre records and records moves;
organization_leader may also override a veto; discipline_officer handles cases; emergency_officer
records accidents; admin is a superuser without a department.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from cases.models import Case, Referral
from web.tests.helpers import (
    transfer_to_emergency,
)

pytestmark = pytest.mark.django_db


def test_receiving_department_acknowledges_then_accepts_and_the_case_changes_hands(client_as, world):
    case, referral = transfer_to_emergency(world)
    client = client_as("emergency_officer")
    page = client.get("/referrals/")
    assert case.number in page.content.decode()
    assert timezone.localtime(referral.acknowledge_by).strftime("%Y-%m-%d %H:%M") in page.content.decode()
    assert client.post(f"/referrals/{referral.pk}/acknowledge/").status_code == 302
    referral.refresh_from_db()
    assert referral.state == Referral.State.ACKNOWLEDGED
    assert client.post(f"/referrals/{referral.pk}/accept/").status_code == 302
    referral.refresh_from_db()
    assert referral.state == Referral.State.ACCEPTED
    assert Case.objects.get(pk=case.pk).owner_department == world.departments["pl-emergency"]
    # The sender follows it on its own page.
    sent = client_as("discipline_officer").get("/referred/").context["sent"]
    assert [row["referral"].pk for row in sent] == [referral.pk]


def test_return_needs_a_reason_shown_next_to_the_field(client_as, world):
    case, referral = transfer_to_emergency(world)
    client = client_as("emergency_officer")
    response = client.post(f"/referrals/{referral.pk}/return/", {f"r{referral.pk}-reason": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    block = html[html.index(f'id="referral-{referral.pk}"') :]
    assert "errorlist" in block[: block.index("</article>")]
    referral.refresh_from_db()
    assert referral.state == Referral.State.SENT
    response = client.post(f"/referrals/{referral.pk}/return/", {f"r{referral.pk}-reason": "不属本部门职责"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.state, referral.return_reason) == (Referral.State.RETURNED, "不属本部门职责")
    assert Case.objects.get(pk=case.pk).owner_department == world.departments["pl-discipline"]


def test_other_departments_cannot_move_a_referral(client_as, world):
    _case, referral = transfer_to_emergency(world)
    assert client_as("audit_officer").post(f"/referrals/{referral.pk}/accept/").status_code == 404
    assert client_as("emergency_officer").post(f"/referrals/{referral.pk}/fly/").status_code == 404
    assert client_as("emergency_officer").get(f"/referrals/{referral.pk}/accept/").status_code == 405
    referral.refresh_from_db()
    assert referral.state == Referral.State.SENT


def test_unacknowledged_referrals_past_their_deadline_are_highlighted(client_as, world):
    _case, referral = transfer_to_emergency(world)
    client = client_as("emergency_officer")
    assert client.get("/referrals/").context["overdue_count"] == 0
    with time_machine.travel(referral.acknowledge_by + dt.timedelta(hours=1)):
        response = client.get("/referrals/")
    assert response.context["overdue_count"] == 1
    assert f'class="zm-referral is-overdue" id="referral-{referral.pk}"' in response.content.decode()
