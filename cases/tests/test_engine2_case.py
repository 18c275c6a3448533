"""Engine 2 on a case (issue 13): the conclusion names the rulebook, ``propose`` accepts only the
sanction grades the applied rulebook allows for each circumstance, a retired subject gets no
政务处分, and the case page shows the rules applied.
"""

from __future__ import annotations

import pytest

from cases.codes import CaseState
from cases.models import Assessment, CaseEvent, MeasureDecision
from cases.services.findings import finding_put
from cases.services.lifecycle import case_transition
from cases.tests.scenarios import case_in_state
from core.errors import InvalidInput
from org.codes import CadreStatus

pytestmark = pytest.mark.django_db
OFFICER, LEADER = "discipline_officer", "discipline_leader"


def assessing(world, finding: dict):
    case = case_in_state(world, CaseState.INVESTIGATING)
    subject = case.subjects.get()
    finding_put(case_id=case.pk, subject_id=subject.pk, data=finding, acting_user=world.users[OFFICER])
    case_transition(case_id=case.pk, name="submit_findings", payload={}, acting_user=world.users[OFFICER])
    case_transition(case_id=case.pk, name="conclude", payload={}, acting_user=world.users[OFFICER])
    return case, subject


def propose(world, case, items):
    return case_transition(case_id=case.pk, name="propose", payload={"measures": items}, acting_user=world.users[OFFICER])


def test_the_conclusion_names_the_county_rulebook(world):
    _case, subject = assessing(world, {"circumstances": ["26.5"], "conduct_date": "2025-03-01"})
    conclusion = subject.assessments.get(kind=Assessment.Kind.CONCLUSION)
    assert conclusion.output["rulebook"]["code"] == "pingluo-2021"
    assert conclusion.input["policy"]["engine"] == 2
    assert conclusion.policy_version == conclusion.output["policy_version"]


def test_propose_refuses_a_sanction_grade_outside_the_range_and_writes_nothing(world):
    # 26.1 without an accident: Party sanctions up to 严重警告 (rulebooks/data/pingluo-2021.yaml).
    case, subject = assessing(world, {"circumstances": ["26.1"], "conduct_date": "2025-03-01"})
    events = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(InvalidInput) as caught:
        propose(world, case, [{"subject": subject.pk, "measure": "sanction", "sanction_kind": "party_expulsion"}])
    assert "measures[0].sanction_kind" in caught.value.detail
    assert CaseEvent.objects.filter(case=case).count() == events and not MeasureDecision.objects.filter(subject=subject).exists()
    propose(world, case, [{"subject": subject.pk, "measure": "sanction", "sanction_kind": "party_serious_warning"}])
    assert MeasureDecision.objects.get(subject=subject).sanction_kind == "party_serious_warning"


def test_a_light_sanction_does_not_answer_an_aggravated_accident(world):
    # 26.5 aggravated (从重): the range starts at 严重警告; a 党内警告 does not answer it.
    case, subject = assessing(world, {"circumstances": ["26.5"], "aggravating": ["29.1"], "conduct_date": "2025-03-01"})
    with pytest.raises(InvalidInput):
        propose(world, case, [{"subject": subject.pk, "measure": "sanction", "sanction_kind": "party_warning"}])
    propose(world, case, [{"subject": subject.pk, "measure": "sanction", "sanction_kind": "party_serious_warning"}])


def test_a_retired_subject_gets_no_government_sanction(world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    subject = case.subjects.get()
    cadre = subject.cadre
    cadre.status = CadreStatus.RETIRED
    cadre.save()
    finding_put(
        case_id=case.pk,
        subject_id=subject.pk,
        data={"circumstances": ["26.5"], "conduct_date": "2025-03-01"},
        acting_user=world.users[OFFICER],
    )
    case_transition(case_id=case.pk, name="submit_findings", payload={}, acting_user=world.users[OFFICER])
    case_transition(case_id=case.pk, name="conclude", payload={}, acting_user=world.users[OFFICER])
    with pytest.raises(InvalidInput):
        propose(world, case, [{"subject": subject.pk, "measure": "sanction", "sanction_kind": "gov_demerit"}])
    with pytest.raises(InvalidInput):
        propose(world, case, [{"subject": subject.pk, "measure": "dismissal"}])
    propose(world, case, [{"subject": subject.pk, "measure": "sanction", "sanction_kind": "party_warning"}])


def test_a_future_conduct_date_is_refused_on_the_findings(world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    subject = case.subjects.get()
    with pytest.raises(InvalidInput) as caught:
        finding_put(
            case_id=case.pk,
            subject_id=subject.pk,
            data={"circumstances": ["26.5"], "conduct_date": "2099-01-01"},
            acting_user=world.users[OFFICER],
        )
    assert "conduct_date" in caught.value.detail


def test_the_case_page_shows_the_rules_applied(world, client):
    case, _subject = assessing(world, {"circumstances": ["26.5"], "conduct_date": "2019-05-01"})
    client.force_login(world.users[OFFICER])
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "适用规则" in html and "《地方党政领导干部安全生产责任制规定》" in html
    assert "从旧兼从轻" in html and "第十八条第（四）项" in html
