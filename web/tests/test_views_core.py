"""The core pages over HTTP with Django's test client, as the personas use them.

- discipline_officer: handles the county's cases (accept, findings, conclude, propose, deliver).
- discipline_leader: approves, rejects, dismisses, assigns tasks, decides appeals.
- organization_officer: executes organizational measures and files the personnel archive.
- emergency_officer: referred the leads; sees status and outcome only.
- city_discipline_officer: an outsider; sees nothing of the county's cases.

Every form goes through the services: a refused request re-renders the form with the service's
errors next to its fields and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from cases.codes import CaseState
from cases.models import Appeal, Case, CaseEvent, ExecutionTask, Finding, MeasureDecision
from cases.services.common import local_today
from cases.services.executions import execution_complete
from cases.services.lifecycle import case_transition
from cases.tests.scenarios import ACCIDENT_FINDING, case_in_state, new_lead

pytestmark = pytest.mark.django_db

OFFICER, OFFICER2, LEADER = "discipline_officer", "discipline_officer2", "discipline_leader"


@pytest.fixture
def login(client, world):
    """``login("discipline_officer")`` → the test client, logged in as that persona."""

    def make(username: str):
        client.force_login(world.users[username])
        return client

    return make


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def snapshot(case_id: int) -> dict:
    """Row counts of every ``cases`` table (history included) and the case's own row."""
    counts = {}
    for model in apps.get_app_config("cases").get_models(include_auto_created=True):
        counts[model._meta.label] = model._base_manager.count()
        history = getattr(model, "history", None)
        if history is not None and hasattr(history, "model"):
            counts[history.model._meta.label] = history.model._base_manager.count()
    counts["case row"] = Case.objects.filter(pk=case_id).values().first()
    return counts


def field_errors(response, field: str) -> list[str]:
    """The error messages rendered next to ``field`` (``<ul class="errorlist" data-field=…>``)."""
    html = response.content.decode()
    match = re.search(rf'<ul class="errorlist" data-field="{re.escape(field)}">(.*?)</ul>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", match.group(1), re.S) if match else []


def transition_url(case: Case, name: str) -> str:
    return f"/cases/{case.pk}/transitions/{name}/"


def post_transition(client, case: Case, name: str, data: dict | None = None, version: int | None = None):
    body = {"version": case.version if version is None else version, **(data or {})}
    return client.post(transition_url(case, name), body)


# --- access -------------------------------------------------------------------------------------


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


# --- dashboard, inbox, queue --------------------------------------------------------------------


def test_dashboard_shows_tasks_queue_deadlines_and_cases_by_state(login, world):
    from workflows.selectors import queue
    from workflows.services import task_claim

    mine = new_lead(world)
    new_lead(world)
    executing = case_in_state(world, CaseState.EXECUTING, cadres=CADRES[:2])
    # One of the discipline organ's archive tasks is past its limit, the other due tomorrow.
    tasks = list(ExecutionTask.objects.filter(case=executing, department__kind="discipline").order_by("id"))
    ExecutionTask.objects.filter(pk=tasks[0].pk).update(due_on=local_today() - dt.timedelta(days=3))
    ExecutionTask.objects.filter(pk=tasks[1].pk).update(due_on=local_today() + dt.timedelta(days=1))
    officer = world.users[OFFICER]
    task = next(t for t in queue(officer) if t.data.get("case") == mine.pk)
    task_claim(task_id=task.pk, acting_user=officer)

    response = login(OFFICER).get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"<h1>{zh('Dashboard')}</h1>" in html
    assert mine.number in html and str(task.flow_task.task_title) in html
    assert '<a class="zm-tile" href="/inbox/"><span class="n">1</span>' in html
    assert 'class="row-overdue"' in html and executing.number in html
    assert 'class="due-soon"' in html
    counts = dict(re.findall(r'\?state=(\w+)"><span class="state \w+">[^<]*</span><span class="n">(\d+)</span>', html))
    assert counts[CaseState.RECEIVED] == "2" and counts[CaseState.EXECUTING] == "1" and counts[CaseState.CLOSED] == "0"


def test_queue_claim_then_inbox_then_release(login, world):
    case = new_lead(world)
    client = login(OFFICER)
    queue_html = client.get("/queue/").content.decode()
    assert case.number in queue_html and f'href="/cases/{case.pk}/"' in queue_html
    task_id = int(
        re.search(rf'<tr id="task-(\d+)"[^>]*>\s*<td class="zm-casecell"><a href="/cases/{case.pk}/"', queue_html).group(1)
    )
    assert 'name="to"' not in queue_html  # officers do not assign

    response = client.post(f"/tasks/{task_id}/claim/", {"next": "/queue/"})
    assert response.status_code == 302 and response["Location"] == "/queue/"
    inbox_html = client.get("/inbox/").content.decode()
    assert f'id="task-{task_id}"' in inbox_html and case.number in inbox_html and case.title in inbox_html
    assert f'id="task-{task_id}"' not in client.get("/queue/").content.decode()
    assert CaseEvent.objects.filter(case=case, kind="task_claimed").count() == 1

    client.post(f"/tasks/{task_id}/release/", {"next": "/inbox/"})
    assert f'id="task-{task_id}"' not in client.get("/inbox/").content.decode()
    assert f'id="task-{task_id}"' in client.get("/queue/").content.decode()


def test_claiming_a_taken_task_shows_the_services_message(login, world):
    from workflows.selectors import queue
    from workflows.services import task_claim

    case = new_lead(world)
    task = next(t for t in queue(world.users[OFFICER]) if t.data.get("case") == case.pk)
    task_claim(task_id=task.pk, acting_user=world.users[OFFICER2])
    client = login(OFFICER)
    response = client.post(f"/tasks/{task.pk}/claim/", {"next": "/queue/"}, follow=True)
    assert zh("This task is already taken.") in response.content.decode()
    assert client.post("/tasks/999999/claim/").status_code == 404


def test_leader_assigns_and_reassigns_to_department_members(login, world):
    case = new_lead(world)
    leader = login(LEADER)
    html = leader.get("/queue/").content.decode()
    task_id = int(re.search(rf'<tr id="task-(\d+)"[^>]*>\s*<td class="zm-casecell"><a href="/cases/{case.pk}/"', html).group(1))
    # The select offers active members of the department only.
    select = re.search(rf'action="/tasks/{task_id}/assign/".*?</select>', html, re.S).group(0)
    assert 'value="discipline_officer2"' in select and "organization_officer" not in select

    leader.post(f"/tasks/{task_id}/assign/", {"to": OFFICER, "next": "/queue/"})
    html = leader.get("/queue/").content.decode()
    assert f'id="task-{task_id}"' in html.split(zh("Taken by colleagues"))[1]  # now held by a colleague
    leader.post(f"/tasks/{task_id}/assign/", {"to": OFFICER2, "next": "/queue/"})
    event = CaseEvent.objects.filter(case=case, kind="task_reassigned").get()
    assert event.payload["from"] == OFFICER and event.payload["to"] == OFFICER2 and event.actor == world.users[LEADER]
    assert f'id="task-{task_id}"' in login(OFFICER2).get("/inbox/").content.decode()


# --- case list and export -----------------------------------------------------------------------


def test_case_list_filters_search_and_paginates_keeping_filters(login, world, monkeypatch):
    import web.cases.views.list

    monkeypatch.setattr(web.cases.views.list, "PAGE_SIZE", 2)
    leads = [new_lead(world) for _ in range(3)]
    other = new_lead(world, cadres=("pl-touzha:township_head:0",))
    investigating = case_in_state(world, CaseState.INVESTIGATING)
    client = login(OFFICER)

    html = client.get("/cases/", {"state": "received"}).content.decode()
    assert investigating.number not in html and leads[-1].number in html
    assert 'href="?state=received&amp;page=2"' in html  # the next page keeps the filter
    page2 = client.get("/cases/", {"state": "received", "page": 2}).content.decode()
    assert leads[0].number in page2 and investigating.number not in page2

    cadre = other.subjects.get().cadre.name
    html = client.get("/cases/", {"q": cadre}).content.decode()
    assert other.number in html and leads[0].number not in html
    html = client.get("/cases/", {"q": investigating.number}).content.decode()
    assert investigating.number in html and other.number not in html

    dept = investigating.owner_department_id
    assert investigating.number in client.get("/cases/", {"department": dept}).content.decode()
    assert "ZR-" not in client.get("/cases/", {"department": world.departments["pl-audit"].pk}).content.decode()


def test_case_list_offers_the_handling_departments_of_the_jurisdiction_and_above(login, world):
    import re

    def choices(client, **params):
        html = client.get("/cases/", params).content.decode()
        select = html.split('name="department"', 1)[1].split("</select>", 1)[0]
        return {int(pk) for pk in re.findall(r'<option value="(\d+)"', select)}

    d = world.departments
    officer = login(OFFICER)
    handling = {d[code].pk for code in ("pl-discipline", "pl-organization", "pl-emergency", "szs-discipline")}
    html = officer.get("/cases/").content.decode().split('name="department"', 1)[1]
    order = [int(pk) for pk in re.findall(r'<option value="(\d+)"', html.split("</select>", 1)[0])]
    # own department first, then the county's organs, then the city's
    assert order[0] == d["pl-discipline"].pk
    assert order.index(d["pl-organization"].pk) < order.index(d["szs-discipline"].pk)
    got = choices(officer)
    assert handling <= got
    # neither units that do not handle cases, nor another county's organs
    assert not got & {d[code].pk for code in ("pl-baofeng", "pl-finance", "hn-discipline", "hn-organization")}
    # a unit of the jurisdiction picked by hand stays shown as the filter; another county's does not
    assert d["pl-audit"].pk in choices(officer, department=d["pl-audit"].pk)
    assert d["hn-discipline"].pk not in choices(officer, department=d["hn-discipline"].pk)
    # the neighbour county's officer sees its own organs and the city's, none of Pingluo's
    neighbour = choices(login("huinong_discipline_officer"))
    assert {d["hn-discipline"].pk, d["szs-discipline"].pk} <= neighbour and not neighbour & handling - {d["szs-discipline"].pk}


def test_export_writes_the_filtered_list_with_chinese_headers(login, world):
    from openpyxl import load_workbook

    a = new_lead(world)
    b = case_in_state(world, CaseState.INVESTIGATING)
    response = login(OFFICER).get("/cases/export.xlsx", {"state": "investigating"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("编号", "标题", "状态", "承办部门")
    assert [r[0] for r in rows[1:]] == [b.number]
    assert rows[1][2] == zh("Verification and investigation (初步核实/调查)") and a.number not in str(rows)
    assert rows[1][6] == b.subjects.get().cadre.name


# --- the case page ------------------------------------------------------------------------------


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
    assert "认定存在第二十六条第（5）项情形" in html
    assert f"/cases/{case.pk}/subjects/{subject.pk}/findings/" in html
    assert re.search(r'<g id="investigation"[^>]*class="new"', html)
    assert sorted(re.findall(r'data-transition="(\w+)"', html)) == ["submit_findings"]
    # a leader may also dispose of it
    assert "dismiss" in re.findall(r'data-transition="(\w+)"', login(LEADER).get(f"/cases/{case.pk}/").content.decode())


def test_stepper_marks_an_early_end(login, world):
    case = case_in_state(world, CaseState.DISMISSED)
    html = login(OFFICER).get(f"/cases/{case.pk}/").content.decode()
    assert '<li class="ended">' in html and '<li class="current"' not in html


# --- transitions --------------------------------------------------------------------------------


def test_a_transition_not_available_is_404_on_get(login, world):
    case = new_lead(world)
    officer = login(OFFICER)
    assert officer.get(transition_url(case, "approve")).status_code == 404  # wrong state
    assert officer.get(transition_url(case, "dismiss")).status_code == 404  # leaders only
    assert officer.get(transition_url(case, "no_such_thing")).status_code == 404
    assert login(LEADER).get(transition_url(case, "dismiss")).status_code == 200


def test_hold_without_reason_shows_the_error_next_to_reason_and_writes_nothing(login, world):
    case = new_lead(world)
    client = login(OFFICER)
    form = client.get(transition_url(case, "hold")).content.decode()
    assert f'name="version" value="{case.version}"' in form
    before = snapshot(case.pk)
    response = post_transition(client, case, "hold", {"reason": "  "})
    assert response.status_code == 400
    assert field_errors(response, "reason") == [zh("This field is required.")]
    assert snapshot(case.pk) == before


def test_accept_with_one_member_is_refused_next_to_the_team(login, world):
    case = new_lead(world)
    client = login(OFFICER)
    html = client.get(transition_url(case, "accept")).content.decode()
    assert 'value="discipline_officer2"' in html and "organization_officer" not in html
    before = snapshot(case.pk)
    response = post_transition(client, case, "accept", {"team": [OFFICER]})
    assert response.status_code == 400
    assert field_errors(response, "team") == [zh("An investigation team needs at least two members.")]
    assert snapshot(case.pk) == before

    response = post_transition(client, case, "accept", {"team": [OFFICER, OFFICER2], "reason": "线索具体"})
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    case.refresh_from_db()
    assert case.state == CaseState.INVESTIGATING
    assert sorted(u.username for u in case.team.all()) == [OFFICER, OFFICER2]


def test_a_stale_form_is_refused_as_changed_by_someone_else(login, world):
    case = new_lead(world)
    client = login(OFFICER)
    seen = case.version
    case_transition(case_id=case.pk, name="inquire", payload={}, acting_user=world.users[OFFICER2])
    before = snapshot(case.pk)
    response = post_transition(client, case, "accept", {"team": [OFFICER, OFFICER2]}, version=seen)
    html = response.content.decode()
    assert response.status_code == 409
    stale = zh("The case was changed by someone else since you opened this form. Reload it to see the changes, then try again.")
    assert 'id="page-error"' in html and stale in html
    assert zh("Reload the form") in html
    assert snapshot(case.pk) == before


def test_transfer_needs_a_department_and_a_reason(login, world):
    case = new_lead(world)
    client = login(OFFICER)
    before = snapshot(case.pk)
    response = post_transition(client, case, "transfer", {"to_department": "", "reason": ""})
    assert response.status_code == 400
    assert field_errors(response, "reason") or field_errors(response, "to_department")
    assert snapshot(case.pk) == before
    target = world.departments["pl-organization"]
    response = post_transition(client, case, "transfer", {"to_department": target.pk, "reason": "属组织处理范围"})
    assert response.status_code == 302
    assert case.referrals.get().to_department == target
    # while the transfer waits, no transition is offered and a post is refused with the reason
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert re.findall(r'data-transition="(\w+)"', html) == []
    case.refresh_from_db()
    response = post_transition(client, case, "inquire")
    assert response.status_code == 409 and 'id="page-error"' in response.content.decode()


def test_propose_maps_measure_errors_to_each_subject(login, world):
    case = case_in_state(world, CaseState.PROPOSING, cadres=("pl-baofeng:township_deputy:0", "pl-touzha:township_head:0"))
    first, second = case.subjects.order_by("id")
    client = login(OFFICER)
    html = client.get(transition_url(case, "propose")).content.decode()
    assert f'name="measures_{first.pk}"' in html and f'name="sanction_kind_{second.pk}"' in html
    before = snapshot(case.pk)

    response = post_transition(client, case, "propose", {})
    assert response.status_code == 400
    assert field_errors(response, "measures") == [zh("Give at least one measure.")]

    response = post_transition(client, case, "propose", {f"measures_{first.pk}": "notice", f"measures_{second.pk}": "sanction"})
    assert response.status_code == 400
    assert field_errors(response, f"sanction_kind_{second.pk}")  # "a sanction needs a sanction_kind"
    assert not field_errors(response, f"measures_{first.pk}")
    assert snapshot(case.pk) == before

    response = post_transition(
        client,
        case,
        "propose",
        {
            f"measures_{first.pk}": ["notice", "admonishment"],
            f"measures_{second.pk}": "sanction",
            f"sanction_kind_{second.pk}": "gov_demerit",
        },
    )
    assert response.status_code == 302
    rows = set(MeasureDecision.objects.filter(subject__case=case).values_list("subject_id", "measure", "sanction_kind"))
    assert rows == {(first.pk, "notice", ""), (first.pk, "admonishment", ""), (second.pk, "sanction", "gov_demerit")}


def test_proposer_cannot_approve_but_another_leader_can(login, world):
    case = case_in_state(world, CaseState.PROPOSING)
    subject = case.subjects.get()
    leader = login(LEADER)
    # a leader proposes; the same leader is then not offered approval and is refused with the reason
    assert post_transition(leader, case, "propose", {f"measures_{subject.pk}": "admonishment"}).status_code == 302
    case.refresh_from_db()
    assert leader.get(transition_url(case, "approve")).status_code == 404
    before = snapshot(case.pk)
    response = post_transition(leader, case, "approve")
    assert (
        response.status_code == 403
        and zh("The proposer of the measures cannot approve them; another leader must.") in response.content.decode()
    )
    assert snapshot(case.pk) == before
    other = login("discipline_leader2")
    html = other.get(transition_url(case, "approve")).content.decode()
    assert zh("Admonishment (诫勉)") in html  # the proposal under review
    assert post_transition(other, case, "approve").status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.DECIDED


def test_reject_needs_a_reason_then_returns_the_proposal(login, world):
    case = case_in_state(world, CaseState.APPROVING)
    leader = login(LEADER)
    assert field_errors(post_transition(leader, case, "reject", {"reason": ""}), "reason")
    assert post_transition(leader, case, "reject", {"reason": "方式偏轻"}).status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.PROPOSING


def test_deliver_refuses_a_future_date_next_to_the_field(login, world):
    case = case_in_state(world, CaseState.DECIDED)
    client = login(OFFICER)
    html = client.get(transition_url(case, "deliver")).content.decode()
    assert f'value="{local_today().isoformat()}"' in html
    before = snapshot(case.pk)
    tomorrow = (local_today() + dt.timedelta(days=1)).isoformat()
    response = post_transition(client, case, "deliver", {"delivered_on": tomorrow})
    assert response.status_code == 400
    assert field_errors(response, "delivered_on") == [zh("Delivery cannot be in the future.")]
    assert snapshot(case.pk) == before
    assert post_transition(client, case, "deliver", {"delivered_on": local_today().isoformat()}).status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.EXECUTING


def test_submit_and_conclude_show_the_subjects_and_close_refuses_with_open_tasks(login, world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    client = login(OFFICER)
    response = post_transition(client, case, "submit_findings")
    assert response.status_code == 409  # findings missing: a message, not a field error
    assert case.subjects.get().cadre.name in response.content.decode()
    executing = case_in_state(world, CaseState.EXECUTING)
    response = post_transition(client, executing, "close")
    assert response.status_code == 409 and 'id="page-error"' in response.content.decode()


# --- findings -----------------------------------------------------------------------------------


def test_findings_form_shows_errors_then_the_engines_output(login, world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    subject = case.subjects.get()
    url = f"/cases/{case.pk}/subjects/{subject.pk}/findings/"
    client = login(OFFICER)
    html = client.get(url).content.decode()
    assert 'name="circumstances" value="26.5"' in html and "checked" in html  # claimed at intake
    assert 'name="aggravating" value="29.1"' in html and 'name="egregious"' in html and 'name="conduct_date"' in html

    before = snapshot(case.pk)
    response = client.post(url, {"circumstances": ["26.5"], "conduct_date": ""})
    assert response.status_code == 400
    assert field_errors(response, "conduct_date")
    response = client.post(url, {"circumstances": ["26.1"], "duties_fully_performed": "on", "conduct_date": "2026-03-15"})
    assert field_errors(response, "duties_fully_performed")
    assert snapshot(case.pk) == before and not Finding.objects.filter(subject=subject).exists()

    response = client.post(
        url,
        {
            "circumstances": ["26.5"],
            "aggravating": ["29.1"],
            "conduct_date": "2026-03-15",
            "performance": "未按期检查",
            "evidence": "检查台账",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#engine")
    finding = Finding.objects.get(subject=subject)
    assert finding.circumstances == ["26.5"] and finding.aggravating == ["29.1"] and finding.evidence == "检查台账"
    html = client.get(url).content.decode()
    assert 'class="zm-engine-outcome accountable"' in html and "第二十九条" in html
    assert '<span class="art">29</span>' in html or '<span class="art">29.1</span>' in html


def test_findings_are_read_only_after_assessment(login, world):
    case = case_in_state(world, CaseState.PROPOSING)
    subject = case.subjects.get()
    url = f"/cases/{case.pk}/subjects/{subject.pk}/findings/"
    client = login(OFFICER)
    html = client.get(url).content.decode()
    assert "<fieldset disabled>" in html and zh("Conclusion") in html
    before = snapshot(case.pk)
    response = client.post(url, {"circumstances": ["26.5"], "conduct_date": "2026-03-15"})
    assert response.status_code == 409 and snapshot(case.pk) == before


# --- execution tasks and appeals ----------------------------------------------------------------


def test_organization_completes_its_execution_task_from_the_case_page(login, world):
    case = case_in_state(world, CaseState.EXECUTING)
    org_task = ExecutionTask.objects.get(case=case, department__kind="organization", kind="measure")
    client = login("organization_officer")
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'action="/executions/{org_task.pk}/complete/"' in html
    response = client.post(f"/executions/{org_task.pk}/complete/", {"note": "已谈话诫勉"})
    assert response.status_code == 302
    org_task.refresh_from_db()
    assert org_task.state == ExecutionTask.State.DONE and org_task.note == "已谈话诫勉"
    # the discipline organ may not complete it: the service refuses with a message
    other = ExecutionTask.objects.get(case=case, department__kind="organization", kind="archive")
    response = login(OFFICER).post(f"/executions/{other.pk}/complete/", follow=True)
    assert zh("You do not belong to the department that handles this case.") in response.content.decode()
    other.refresh_from_db()
    assert other.state == ExecutionTask.State.OPEN


def test_appeal_filed_by_the_owner_and_revised_by_a_leader(login, world):
    case = case_in_state(world, CaseState.EXECUTING)
    subject = case.subjects.get()
    officer = login(OFFICER)
    assert f"/cases/{case.pk}/appeals/new/" in officer.get(f"/cases/{case.pk}/").content.decode()
    before = snapshot(case.pk)
    response = officer.post(
        f"/cases/{case.pk}/appeals/new/", {"subject": subject.pk, "filed_on": local_today().isoformat(), "grounds": ""}
    )
    assert response.status_code == 400 and field_errors(response, "grounds")
    assert snapshot(case.pk) == before
    response = officer.post(
        f"/cases/{case.pk}/appeals/new/", {"subject": subject.pk, "filed_on": local_today().isoformat(), "grounds": "已尽责"}
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get(case=case)
    assert officer.get(f"/appeals/{appeal.pk}/decide/").status_code == 404  # officers do not decide

    leader = login(LEADER)
    assert f"/appeals/{appeal.pk}/decide/" in leader.get(f"/cases/{case.pk}/").content.decode()
    response = leader.post(
        f"/appeals/{appeal.pk}/decide/", {"outcome": "revised", "reason": "情节较轻", "measures": ["sanction"]}
    )
    assert response.status_code == 400 and field_errors(response, "sanction_kind")
    response = leader.post(f"/appeals/{appeal.pk}/decide/", {"outcome": "revised", "reason": "情节较轻", "measures": ["notice"]})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.state == Appeal.State.REVISED
    assert list(MeasureDecision.objects.filter(subject=subject, state="decided").values_list("measure", flat=True)) == ["notice"]


# --- query budgets ------------------------------------------------------------------------------


def _count(client, url: str) -> int:
    client.get(url)  # warm per-process caches (content types, templates)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries)


def test_case_list_costs_the_same_for_3_and_10_cases(login, world):
    client = login(OFFICER)
    for _ in range(3):
        new_lead(world)
    urls = ["/cases/", "/cases/?state=received&q=测试", "/"]
    small = [_count(client, url) for url in urls]
    for _ in range(7):
        new_lead(world)
    assert [_count(client, url) for url in urls] == small


def test_inbox_and_queue_cost_the_same_for_3_and_10_tasks(login, world):
    from workflows.selectors import queue
    from workflows.services import task_claim

    def add(n):
        for _ in range(n):
            case = new_lead(world)
            task = next(t for t in queue(world.users[OFFICER]) if t.data.get("case") == case.pk)
            task_claim(task_id=task.pk, acting_user=world.users[OFFICER])
            new_lead(world)  # and one left in the queue

    officer, leader = login(OFFICER), None
    add(3)
    small = [_count(officer, "/inbox/"), _count(officer, "/queue/")]
    leader = login(LEADER)
    small_leader = _count(leader, "/queue/")
    add(7)
    assert [_count(login(OFFICER), "/inbox/"), _count(login(OFFICER), "/queue/")] == small
    assert _count(login(LEADER), "/queue/") == small_leader


CADRES = [
    "pl-baofeng:township_deputy:0",
    "pl-baofeng:township_deputy:1",
    "pl-touzha:township_head:0",
    "pl-touzha:township_deputy:0",
    "pl-touzha:township_deputy:1",
    "pl-yaofu:township_head:0",
    "pl-yaofu:township_deputy:0",
    "pl-yaofu:township_deputy:1",
    "pl-chengguan:township_head:0",
    "pl-chengguan:township_deputy:0",
]


@pytest.mark.parametrize("state", [CaseState.ASSESSING, CaseState.EXECUTING])
def test_case_page_costs_the_same_for_3_and_10_subjects(login, world, state):
    client = login(OFFICER)
    small = case_in_state(world, state, cadres=CADRES[:3])
    large = case_in_state(world, state, cadres=CADRES)
    assert large.subjects.count() == 10
    assert _count(client, f"/cases/{small.pk}/") == _count(client, f"/cases/{large.pk}/")
    if state == CaseState.ASSESSING:
        url = "/cases/{}/transitions/conclude/"
        assert _count(client, url.format(small.pk)) == _count(client, url.format(large.pk))


def test_timeline_lists_task_reassignment_with_who_and_to_whom(login, world):
    case = new_lead(world)
    from workflows.selectors import queue
    from workflows.services import task_assign

    task = next(t for t in queue(world.users[LEADER]) if t.data.get("case") == case.pk)
    task_assign(task_id=task.pk, to_username=OFFICER, acting_user=world.users[LEADER], reason="请尽快办理")
    html = login(OFFICER).get(f"/cases/{case.pk}/").content.decode()
    assert "请尽快办理" in html and "→ " + world.users[OFFICER].get_full_name() in html
    assert timezone.localtime(CaseEvent.objects.filter(case=case).last().created_at).strftime("%Y-%m-%d %H:%M") in html


def test_closing_after_all_tasks_done(login, world):
    case = case_in_state(world, CaseState.EXECUTING)
    for task in ExecutionTask.objects.filter(case=case).select_related("department"):
        user = "organization_officer" if task.department.kind == "organization" else OFFICER
        execution_complete(task_id=task.pk, acting_user=world.users[user])
    client = login(OFFICER)
    html = client.get(transition_url(case, "close")).content.decode()
    assert 'id="transition-form"' in html
    case.refresh_from_db()
    assert post_transition(client, case, "close").status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert '<li class="current"' not in html and re.findall(r'data-transition="(\w+)"', html) == []
