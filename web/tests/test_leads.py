"""Lead intake and what a department referred, over HTTP.

Personas (``conftest.py``): audit_officer and inspection_officer refer leads and follow only their
status and outcome; organization_officer keeps cadre records and records moves;
organization_leader may also override a veto; discipline_officer handles cases; emergency_officer
records accidents; admin is a superuser without a department.
"""

from __future__ import annotations

import pytest

from cases.codes import CaseState, SourceKind
from cases.models import Case, CaseEvent
from cases.tests.scenarios import case_in_state, new_lead
from web.tests.helpers import (
    BAOFENG_DEPUTY,
    TOUZHA_HEAD,
    post_lead,
)

pytestmark = pytest.mark.django_db


def test_audit_files_a_lead_that_goes_to_the_county_discipline_organ(client_as, world):
    response = post_lead(client_as("audit_officer"), world)
    assert response.status_code == 302 and response["Location"] == "/referred/"
    case = Case.objects.get(title="审计发现某镇安全生产专项资金挪用")
    assert case.state == CaseState.RECEIVED
    assert case.source_department == world.departments["pl-audit"]
    assert case.owner_department == world.departments["pl-discipline"]
    assert case.circumstances == ["26.1"]
    assert [s.cadre_id for s in case.subjects.all()] == [world.cadres[BAOFENG_DEPUTY].pk]


def test_a_named_target_department_gets_the_lead(client_as, world):
    target = world.departments["pl-organization"]
    response = post_lead(client_as("inspection_officer"), world, target_department=target.pk, source_kind=SourceKind.INSPECTION)
    assert response.status_code == 302
    case = Case.objects.get(title="审计发现某镇安全生产专项资金挪用")
    assert case.owner_department == target
    assert case.source_department == world.departments["pl-inspection"]


def test_bad_lead_shows_errors_next_to_the_fields_and_writes_nothing(client_as, world):
    cases, events = Case.objects.count(), CaseEvent.objects.count()
    response = post_lead(client_as("audit_officer"), world, title="", subjects=[], circumstances=["26.9"])
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"title", "subjects", "circumstances"}
    html = response.content.decode()
    # Each message sits inside its field's block, not in a list at the top.
    title_block = html[html.index('id="id_title"') - 400 : html.index('id="id_title"') + 600]
    assert "errorlist" in title_block
    subjects_block = html[html.index('id="subjects-field"') : html.index('id="cadre-options"')]
    assert str(form.errors["subjects"][0]) in subjects_block
    circumstances_block = html[html.index('id="circumstances-field"') : html.index('id="subjects-field"')]
    assert "errorlist" in circumstances_block
    # What was typed is kept.
    assert "2025年度审计发现专项资金被挪作他用" in html
    assert (Case.objects.count(), CaseEvent.objects.count()) == (cases, events)


def test_the_cadre_picker_lists_every_cadre_with_the_current_post(client_as, world):
    html = client_as("audit_officer").get("/leads/new/").content.decode()
    cadre = world.cadres[BAOFENG_DEPUTY]
    assert f'value="{cadre.pk}"' in html
    assert "宝丰镇 · 副镇长" in html


def test_referred_page_shows_status_and_outcome_but_not_the_facts(client_as, world):
    case = case_in_state(world, CaseState.EXECUTING, source="audit_officer")
    pending = new_lead(world, source="audit_officer", cadres=(TOUZHA_HEAD,))
    response = client_as("audit_officer").get("/referred/")
    html = response.content.decode()
    assert case.number in html and pending.number in html
    assert html.index(pending.number) < html.index(case.number)  # newest first
    assert "测试事实" not in html  # the facts stay with the handling department
    row = next(r for r in response.context["rows"] if r["case"].pk == case.pk)
    assert "诫勉" in row["outcome"][0]
    assert next(r for r in response.context["rows"] if r["case"].pk == pending.pk)["outcome"] == []
    # Another agency sees none of it.
    assert case.number not in client_as("inspection_officer").get("/referred/").content.decode()
