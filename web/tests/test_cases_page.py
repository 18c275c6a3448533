"""The case page over HTTP: who sees it, what it shows, what it costs.

- discipline_officer: handles the county's cases (accept, findings, conclude, propose, deliver).
- discipline_leader: approves, rejects, dismisses, assigns tasks, decides appeals.
- organization_officer: executes organizational measures and files the personnel archive.
- emergency_officer: referred the leads; sees status and outcome only.
- city_discipline_officer: an outsider; sees nothing of the county's cases.

Every form goes through the services: a refused request re-renders the form with the service's
errors next to its fields and writes nothing.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from cases.codes import CaseState
from cases.models import CaseEvent, ExecutionTask
from cases.tests.scenarios import ACCIDENT_FINDING, case_in_state, new_lead
from web.tests.helpers import (
    CADRES,
    LEADER,
    OFFICER,
    count_queries_warm,
    snapshot,
    transition_url,
    zh,
)

pytestmark = pytest.mark.django_db


def test_every_page_needs_a_login(client, world):
    case = new_lead(world)
    for url in ["/", "/inbox/", "/queue/", "/cases/", "/cases/export.xlsx", f"/cases/{case.pk}/", transition_url(case, "accept")]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


def test_outsider_gets_404_on_the_case_and_its_forms(login, world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    subject = case.subjects.first()
    outsider = login("city_discipline_officer")
    for url in [
        f"/cases/{case.pk}/",
        transition_url(case, "submit_findings"),
        f"/cases/{case.pk}/subjects/{subject.pk}/findings/",
    ]:
        assert outsider.get(url).status_code == 404, url
    before = snapshot(case.pk)
    assert outsider.post(transition_url(case, "submit_findings"), {"version": case.version}).status_code == 404
    assert snapshot(case.pk) == before
    assert case.number not in outsider.get("/cases/").content.decode()


def test_referring_agency_sees_status_and_outcome_only(login, world):
    case = case_in_state(world, CaseState.EXECUTING)
    source = login("emergency_officer")
    response = source.get(f"/cases/{case.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="limited-view"' in html and case.number in html
    assert "admonishment" not in html and zh("Admonishment (诫勉)") in html  # the outcome, labelled
    assert case.facts not in html and 'id="timeline"' not in html and "<svg" not in html
    # and none of the working pages
    assert source.get(transition_url(case, "close")).status_code == 404
    assert source.get(f"/cases/{case.pk}/subjects/{case.subjects.first().pk}/findings/").status_code == 404


def test_case_page_shows_everything_of_an_executing_case(login, world):
    case = case_in_state(world, CaseState.EXECUTING)
    subject = case.subjects.select_related("cadre", "post").get()
    response = login(OFFICER).get(f"/cases/{case.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert case.facts in html and subject.cadre.name in html and subject.post.title in html
    # findings with the stored conclusion's explanation and citations
    conclusion = subject.assessments.get(kind="conclusion")
    for line in conclusion.output["explanation"]:
        assert line["text"] in html
    assert f'<span class="art">{conclusion.output["citations"][0]}</span>' in html
    # measures, execution and archive tasks, decision documents
    assert zh("Admonishment (诫勉)") in html
    assert html.count('class="ex-open"') == ExecutionTask.objects.filter(case=case).count() == 3
    assert f"/api/v1/cases/{case.pk}/decision.pdf" in html and f"/api/v1/cases/{case.pk}/decision.docx" in html
    # the discipline organ completes its archive task; the organization's tasks are not its to complete
    assert html.count('name="complete"') == 1
    # the chart with the waiting steps highlighted, the timeline with events and field changes
    assert '<div class="flowchart"><svg' in html
    assert re.search(r'<g id="archive_integrity"[^>]*class="new"', html)
    assert re.search(r'<g id="delivery"[^>]*class="done"', html)
    assert html.count('<li class="k-') >= CaseEvent.objects.filter(case=case).count()
    assert zh("Decision delivered") in html
    assert "<del>" in html or "<ins>" in html
    # the only transition now is closing; it is offered as a button
    assert re.findall(r'data-transition="(\w+)"', html) == ["close"]


def test_case_page_of_an_investigation_previews_the_engine(login, world):
    from cases.services.findings import finding_put

    case = case_in_state(world, CaseState.INVESTIGATING)
    subject = case.subjects.get()
    finding_put(case_id=case.pk, subject_id=subject.pk, data=ACCIDENT_FINDING, acting_user=world.users[OFFICER])
    html = login(OFFICER).get(f"/cases/{case.pk}/").content.decode()
    assert "认定存在第二十六条第（五）项情形" in html
    assert f"/cases/{case.pk}/subjects/{subject.pk}/findings/" in html
    assert re.search(r'<g id="investigation"[^>]*class="new"', html)
    assert sorted(re.findall(r'data-transition="(\w+)"', html)) == ["submit_findings"]
    # a leader may also dispose of it
    assert "dismiss" in re.findall(r'data-transition="(\w+)"', login(LEADER).get(f"/cases/{case.pk}/").content.decode())


def test_stepper_marks_an_early_end(login, world):
    case = case_in_state(world, CaseState.DISMISSED)
    html = login(OFFICER).get(f"/cases/{case.pk}/").content.decode()
    assert '<li class="ended">' in html and '<li class="current"' not in html


@pytest.mark.parametrize("state", [CaseState.ASSESSING, CaseState.EXECUTING])
def test_case_page_costs_the_same_for_3_and_10_subjects(login, world, state):
    client = login(OFFICER)
    small = case_in_state(world, state, cadres=CADRES[:3])
    large = case_in_state(world, state, cadres=CADRES)
    assert large.subjects.count() == 10
    assert count_queries_warm(client, f"/cases/{small.pk}/") == count_queries_warm(client, f"/cases/{large.pk}/")
    if state == CaseState.ASSESSING:
        url = "/cases/{}/transitions/conclude/"
        assert count_queries_warm(client, url.format(small.pk)) == count_queries_warm(client, url.format(large.pk))


def test_timeline_lists_task_reassignment_with_who_and_to_whom(login, world):
    case = new_lead(world)
    from workflows.selectors import queue
    from workflows.services import task_assign

    task = next(t for t in queue(world.users[LEADER]) if t.data.get("case") == case.pk)
    task_assign(task_id=task.pk, to_username=OFFICER, acting_user=world.users[LEADER], reason="请尽快办理")
    html = login(OFFICER).get(f"/cases/{case.pk}/").content.decode()
    assert "请尽快办理" in html and "→ " + world.users[OFFICER].get_full_name() in html
    assert timezone.localtime(CaseEvent.objects.filter(case=case).last().created_at).strftime("%Y-%m-%d %H:%M") in html
