"""Team work in the inbox and on the case page (issue 16 item 3): after ``accept`` with a team,
the next step is a row in each member's 我的待办, marked as the team's, with who else is on it and
a one-click claim (POST with CSRF); claimed, it leaves the other member's inbox."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from cases.models import CaseEvent
from cases.services.lifecycle import case_transition
from cases.tests.scenarios import new_lead
from web.tests.helpers import LEADER, OFFICER, OFFICER2, count_queries_warm, zh

pytestmark = pytest.mark.django_db


def _accepted(world, team=(OFFICER, OFFICER2)):
    case = new_lead(world)
    case_transition(case_id=case.pk, name="accept", payload={"team": list(team)}, acting_user=world.users[OFFICER])
    return case


def _row(html: str, case) -> str | None:
    match = re.search(rf'<tr id="task-(\d+)"[^>]*>\s*<td class="zm-casecell"><a href="/cases/{case.pk}/".*?</tr>', html, re.S)
    return match.group(0) if match else None


def test_the_team_step_is_in_each_members_inbox_with_a_claim_button_and_claiming_works(world):
    case = _accepted(world)
    member = Client(enforce_csrf_checks=True)
    member.force_login(world.users[OFFICER2])
    html = member.get("/inbox/").content.decode()
    row = _row(html, case)
    assert row is not None and zh("Team task") in row and world.users[OFFICER].get_full_name() in row
    assert 'name="claim"' in row and 'name="csrfmiddlewaretoken"' in row
    task_id = int(re.search(r'id="task-(\d+)"', row).group(1))
    assert _row(member.get("/queue/").content.decode(), case) is None  # not in the department queue

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', row).group(1)
    response = member.post(f"/tasks/{task_id}/claim/", {"csrfmiddlewaretoken": token, "next": "/inbox/"})
    assert response.status_code == 302 and response["Location"] == "/inbox/"
    row = _row(member.get("/inbox/").content.decode(), case)
    assert row is not None and 'name="release"' in row and zh("Team task") not in row
    assert CaseEvent.objects.filter(case=case, kind="task_claimed", actor=world.users[OFFICER2]).count() == 1

    other = Client()
    other.force_login(world.users[OFFICER])
    assert _row(other.get("/inbox/").content.decode(), case) is None  # claimed: it left the other's inbox
    assert _row(other.get("/queue/").content.decode(), case) is None


def test_the_case_page_offers_the_claim_to_team_members_only(world):
    case = _accepted(world, team=(OFFICER, "discipline_leader2"))
    member, outsider = Client(), Client()
    member.force_login(world.users[OFFICER])
    outsider.force_login(world.users[OFFICER2])
    page = member.get(f"/cases/{case.pk}/").content.decode()
    waiting = page.split(zh("Waiting now"))[1].split("</section>")[0]
    assert zh("Team task") in waiting and 'name="claim"' in waiting
    task_id = int(re.search(r'action="/tasks/(\d+)/claim/"', waiting).group(1))
    other = outsider.get(f"/cases/{case.pk}/").content.decode().split(zh("Waiting now"))[1].split("</section>")[0]
    assert zh("Team task") in other and 'name="claim"' not in other
    refused = outsider.post(f"/tasks/{task_id}/claim/", {"next": f"/cases/{case.pk}/"}, follow=True)
    assert not CaseEvent.objects.filter(case=case, kind="task_claimed").exists()
    message = zh("This task is the investigation team's: only a member of the team may claim it.")
    assert message.replace("'", "&#x27;") in refused.content.decode()

    member.post(f"/tasks/{task_id}/claim/", {"next": f"/cases/{case.pk}/"})
    assert CaseEvent.objects.filter(case=case, kind="task_claimed", actor=world.users[OFFICER]).count() == 1


def test_the_inbox_with_team_steps_costs_the_same_for_2_and_6_cases(login, world):
    for _ in range(2):
        _accepted(world)
    small = [
        count_queries_warm(login(OFFICER2), "/inbox/"),
        count_queries_warm(login(OFFICER2), "/"),
        count_queries_warm(login(LEADER), "/queue/"),
    ]
    for _ in range(4):
        _accepted(world)
    html = login(OFFICER2).get("/inbox/").content.decode()
    assert html.count(zh("Team task")) >= 6
    assert [
        count_queries_warm(login(OFFICER2), "/inbox/"),
        count_queries_warm(login(OFFICER2), "/"),
        count_queries_warm(login(LEADER), "/queue/"),
    ] == small


def test_the_leader_sees_unclaimed_team_steps_apart_on_the_queue_page_and_may_assign_them(login, world):
    case = _accepted(world)
    leader = login(LEADER)
    html = leader.get("/queue/").content.decode()
    assert 'id="team-work"' in html
    queue_part, team_part = html.split('id="team-work"')[0], html.split('id="team-work"')[1].split(zh("Taken by colleagues"))[0]
    assert _row(queue_part, case) is None
    row = _row(team_part, case)
    assert row is not None and zh("Team task") in row and 'name="claim"' in row and 'name="to"' in row
    task_id = int(re.search(r'id="task-(\d+)"', row).group(1))
    leader.post(f"/tasks/{task_id}/assign/", {"to": OFFICER2, "next": "/queue/"})
    assert CaseEvent.objects.filter(case=case, kind="task_assigned").get().payload["to"] == OFFICER2
    assert 'id="team-work"' not in leader.get("/queue/").content.decode()
    assert 'id="team-work"' not in login(OFFICER).get("/queue/").content.decode()  # officers: their inbox
