"""先期处置 in the pages, over HTTP with the Django test client (issue 14 item 4): the case page shows
each subject's interim measures and, for a leader of the authority managing the post, a small
form; the subject's interim page (reached from the cadre record by an authority that does not see
the case) records, lifts and settles; the cadre record shows them and the bar.

- organization_leader: leads 中共平罗县委组织部, which manages the township cadres' posts; does not see
  the discipline organ's case page, but reaches the interim page from the cadre record.
- organization_officer: sees the interim page; may not decide.
- discipline_officer: handles the case; sees the measures on the case page, no form.
- huinong_organization_officer: another county; 404.

The pattern is 栖霞 “1·10” (2021): the 山东省委 removed the 栖霞市委书记 from her post days after the
accident, before the findings (http://qiangjiping.cn/life/202101/530791_2.html, quoting 闪电新闻);
the outcome was published on 2021-02-23 (http://www.kankanews.com/a/2021-02-23/0039674228.shtml).
"""

from __future__ import annotations

import datetime as dt

import pytest

from cases.codes import CaseState
from cases.models import Case, CaseEvent, InterimMeasure
from cases.services.interim import interim_record
from cases.services.lifecycle import case_transition
from cases.tests.scenarios import case_in_state
from core.persistence import local_today
from web.tests.helpers import BAOFENG_DEPUTY, OFFICER, field_errors, snapshot

pytestmark = pytest.mark.django_db

ORG_LEADER, ORG_OFFICER = "organization_leader", "organization_officer"
WHY = "涉嫌迟报事故，继续履职可能妨碍调查，经研究先期停职。"


def _interim_url(case) -> str:
    return f"/cases/{case.pk}/subjects/{case.subjects.get().pk}/interim/"


def _suspend(world, case, on=None) -> InterimMeasure:
    return interim_record(
        case_id=case.pk,
        subject_id=case.subjects.get().pk,
        kind="suspension",
        ordered_on=on or local_today(),
        reason=WHY,
        acting_user=world.users[ORG_LEADER],
    )


def test_the_case_page_shows_the_measures_to_the_team_without_a_form(client_as, world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    measure = _suspend(world, case)
    page = client_as(OFFICER).get(f"/cases/{case.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert f'id="interim-item-{measure.pk}"' in html and "中共平罗县委组织部" in html
    assert 'id="interim-form-' not in html and 'data-action="interim-end"' not in html
    [item] = [i for i in page.context["timeline"] if i.kind == "interim_measure"]
    assert item.reason == WHY and any(local_today().isoformat() in d for d in item.details)


def test_the_authority_handling_the_case_records_from_the_case_page(client_as, world):
    """A case the organization department handles (after an accepted transfer): its leader sees
    the case page, the small form, and records from it; the page shows the measure after."""
    case = case_in_state(world, CaseState.INVESTIGATING)
    Case.objects.filter(pk=case.pk).update(owner_department=world.departments["pl-organization"])
    client = client_as(ORG_LEADER)
    subject = case.subjects.get()
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'id="interim-form-{subject.pk}"' in html and f'action="{_interim_url(case)}"' in html
    response = client.post(
        _interim_url(case),
        {
            "action": "record",
            "next": "case",
            "interim-kind": "suspension",
            "interim-ordered_on": local_today().isoformat(),
            "interim-reason": WHY,
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/#interim-{subject.pk}"
    measure = InterimMeasure.objects.get(subject=subject)
    assert measure.ordered_by == world.users[ORG_LEADER] and measure.reason == WHY
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'id="interim-item-{measure.pk}"' in html and 'data-action="interim-end"' in html


def test_the_organization_leader_reaches_the_interim_page_from_the_cadre_record(client_as, world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    client = client_as(ORG_LEADER)
    assert client.get(f"/cases/{case.pk}/").status_code == 404  # the discipline organ's case
    form = client.get(_interim_url(case))
    html = form.content.decode()
    assert form.status_code == 200 and 'id="interim-form"' in html and case.facts not in html
    response = client.post(
        _interim_url(case),
        {"action": "record", "interim-kind": "removal", "interim-ordered_on": local_today().isoformat(), "interim-reason": WHY},
    )
    assert response.status_code == 302 and response["Location"] == _interim_url(case)
    measure = InterimMeasure.objects.get(subject__case=case)
    assert measure.kind == "removal"
    record = client.get(f"/cadres/{world.cadres[BAOFENG_DEPUTY].pk}/")
    html = record.content.decode()
    assert record.context["record"]["eligible_for_promotion"] is False
    assert f'id="record-interim-{measure.pk}"' in html and f'href="{_interim_url(case)}"' in html


@pytest.mark.parametrize(
    "data, field",
    [
        ({"interim-kind": "", "interim-ordered_on": "@today", "interim-reason": WHY}, "kind"),
        ({"interim-kind": "suspension", "interim-ordered_on": "2026-13-01", "interim-reason": WHY}, "ordered_on"),
        ({"interim-kind": "suspension", "interim-ordered_on": "2999-01-01", "interim-reason": WHY}, "ordered_on"),
        ({"interim-kind": "suspension", "interim-ordered_on": "@today", "interim-reason": ""}, "reason"),
    ],
)
def test_a_bad_form_shows_the_error_next_to_the_field_and_writes_nothing(client_as, world, data, field):
    case = case_in_state(world, CaseState.INVESTIGATING)
    data = {"action": "record", **{k: (local_today().isoformat() if v == "@today" else v) for k, v in data.items()}}
    before = snapshot(case.pk)
    response = client_as(ORG_LEADER).post(_interim_url(case), data)
    assert response.status_code == 400 and field_errors(response, field)
    assert snapshot(case.pk) == before


@pytest.mark.parametrize("persona", [ORG_OFFICER, OFFICER])
def test_a_user_without_authority_is_refused_on_the_page_and_nothing_is_written(client_as, world, persona):
    case = case_in_state(world, CaseState.INVESTIGATING)
    client = client_as(persona)
    assert 'id="interim-form"' not in client.get(_interim_url(case)).content.decode()
    before = snapshot(case.pk)
    response = client.post(
        _interim_url(case),
        {
            "action": "record",
            "interim-kind": "suspension",
            "interim-ordered_on": local_today().isoformat(),
            "interim-reason": WHY,
        },
    )
    assert response.status_code == 403 and 'id="page-error"' in response.content.decode()
    assert snapshot(case.pk) == before


def test_the_wrong_state_is_refused_on_the_page_and_nothing_is_written(client_as, world):
    case = case_in_state(world, CaseState.DECIDED)
    client = client_as(ORG_LEADER)
    assert 'id="interim-form"' not in client.get(_interim_url(case)).content.decode()
    before = snapshot(case.pk)
    response = client.post(
        _interim_url(case),
        {
            "action": "record",
            "interim-kind": "suspension",
            "interim-ordered_on": local_today().isoformat(),
            "interim-reason": WHY,
        },
    )
    assert response.status_code == 409 and 'id="page-error"' in response.content.decode()
    assert snapshot(case.pk) == before


def test_another_county_gets_404(client_as, world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    client = client_as("huinong_organization_officer")
    assert client.get(_interim_url(case)).status_code == 404
    before = snapshot(case.pk)
    assert client.post(_interim_url(case), {"action": "record"}).status_code == 404
    assert snapshot(case.pk) == before


def test_lift_from_the_interim_page(client_as, world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    measure = _suspend(world, case, on=local_today() - dt.timedelta(days=3))
    client = client_as(ORG_LEADER)
    html = client.get(_interim_url(case)).content.decode()
    assert f'id="lift-{measure.pk}"' in html and f'id="settle-{measure.pk}"' not in html  # settle waits for the decision
    before = snapshot(case.pk)
    bad = client.post(
        _interim_url(case), {"action": "lift", "measure": measure.pk, f"lift{measure.pk}-lifted_on": local_today().isoformat()}
    )
    assert bad.status_code == 400 and field_errors(bad, "reason")
    assert snapshot(case.pk) == before
    response = client.post(
        _interim_url(case),
        {
            "action": "lift",
            "measure": measure.pk,
            f"lift{measure.pk}-lifted_on": local_today().isoformat(),
            f"lift{measure.pk}-reason": "恢复履职。",
        },
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.state == InterimMeasure.State.LIFTED and measure.end_reason == "恢复履职。"
    assert f'id="lift-{measure.pk}"' not in client.get(_interim_url(case)).content.decode()


def test_settle_at_the_decision_from_the_interim_page_then_deliver(client_as, world):
    case = case_in_state(world, CaseState.APPROVING)  # the demo path proposes 诫勉
    measure = _suspend(world, case)
    case_transition(case_id=case.pk, name="approve", payload={}, acting_user=world.users["discipline_leader"])
    client = client_as(ORG_LEADER)
    html = client.get(_interim_url(case)).content.decode()
    assert f'id="settle-{measure.pk}"' in html
    before = snapshot(case.pk)
    absorbed = client.post(
        _interim_url(case),
        {
            "action": "settle",
            "measure": measure.pk,
            f"settle{measure.pk}-outcome": "absorbed",
            f"settle{measure.pk}-reason": "吸收",
        },
    )
    assert absorbed.status_code == 400 and field_errors(absorbed, "outcome")  # 诫勉 does not take him off the post
    assert snapshot(case.pk) == before
    response = client.post(
        _interim_url(case),
        {
            "action": "settle",
            "measure": measure.pk,
            f"settle{measure.pk}-outcome": "lifted",
            f"settle{measure.pk}-reason": "给予诫勉，解除先期停职。",
        },
    )
    assert response.status_code == 302
    assert CaseEvent.objects.filter(case=case, kind="interim_settled").count() == 1
    deliver = client_as(OFFICER).post(
        f"/cases/{case.pk}/transitions/deliver/",
        {"version": Case.objects.get(pk=case.pk).version, "delivered_on": local_today().isoformat()},
    )
    assert deliver.status_code == 302
    assert Case.objects.get(pk=case.pk).state == CaseState.EXECUTING


def test_deliver_from_the_page_is_refused_while_a_measure_is_unsettled(client_as, world):
    case = case_in_state(world, CaseState.APPROVING)
    _suspend(world, case)
    case_transition(case_id=case.pk, name="approve", payload={}, acting_user=world.users["discipline_leader"])
    case = Case.objects.get(pk=case.pk)
    before = snapshot(case.pk)
    response = client_as(OFFICER).post(
        f"/cases/{case.pk}/transitions/deliver/", {"version": case.version, "delivered_on": local_today().isoformat()}
    )
    assert response.status_code == 409 and world.cadres[BAOFENG_DEPUTY].name in response.content.decode()
    assert snapshot(case.pk) == before
