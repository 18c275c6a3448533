"""Cadre records and eligibility (PRODUCT §4; 细则第十九、二十五、二十八、三十二条), influence periods
(domain-facts §2), the Art. 32 referral on a move, and the accident report chain (domain-facts §3.2–3.3).

Measures are decided today by the workflow; tests that need a fixed calendar move the decision
date back with a queryset update (``backdate``), so every boundary below is a literal date.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.codes import CaseState
from cases.models import Case, CaseEvent, ExecutionTask, MeasureDecision, Referral, ReportingFinding, VetoOverride
from cases.selectors.records import cadre_record, cadre_records
from cases.services.executions import execution_complete
from cases.services.findings import finding_put
from cases.services.lifecycle import case_transition
from cases.tests.scenarios import case_in_state
from cases.tests.test_api_transitions import assert_error
from core.persistence import local_today
from org.codes import Rank
from org.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(module_world):
    """conftest's ``world``, built once for this module (``module_world``)."""
    return module_world


OFFICER, LEADER = "discipline_officer", "discipline_leader"
DEPUTY = "pl-baofeng:township_deputy:0"
OTHER_DEPUTY = "pl-baofeng:township_deputy:1"
D = dt.date(2025, 3, 10)  # the decision date used for fixed-calendar tests
DAY = dt.timedelta(days=1)

# Findings without an accident circumstance: 26.4 (reporting failures) allows all eight measures
# at standard severity and carries no Art. 28 veto, so influence periods can be seen alone.
REPORTING = {"circumstances": ["26.4"], "conduct_date": "2024-12-01"}
ACCIDENT = {"circumstances": ["26.5"], "conduct_date": "2024-12-01"}
DUTIES_ONLY = {"circumstances": ["26.1"], "conduct_date": "2024-12-01"}
EGREGIOUS = {"circumstances": ["26.5"], "egregious": True, "conduct_date": "2024-12-01"}

VETO_BASIS = "细则第二十八条"
INVESTIGATION_BASIS = "第五十二条"


# --- helpers -----------------------------------------------------------------------------------------


def fire(world, case: Case, name: str, persona: str = OFFICER, **payload) -> None:
    case_transition(case_id=case.pk, name=name, payload=payload, acting_user=world.users[persona])


def decided(world, measures=(("admonishment", ""),), *, key=DEPUTY, finding=REPORTING, deliver=False) -> Case:
    """A case with one subject whose measures were approved today (and delivered if asked)."""
    case = case_in_state(world, CaseState.INVESTIGATING, cadres=(key,), circumstances=finding["circumstances"])
    subject = case.subjects.get()
    finding_put(case_id=case.pk, subject_id=subject.pk, data=dict(finding), acting_user=world.users[OFFICER])
    fire(world, case, "submit_findings")
    fire(world, case, "conclude")
    items = [{"subject": subject.pk, "measure": m, **({"sanction_kind": k} if k else {})} for m, k in measures]
    fire(world, case, "propose", measures=items)
    fire(world, case, "approve", LEADER)
    if deliver:
        fire(world, case, "deliver", delivered_on=local_today().isoformat())
    return Case.objects.get(pk=case.pk)


def backdate(case: Case, on: dt.date) -> Case:
    """Pretend the decision was made on ``on`` (measures and case alike)."""
    Case.objects.filter(pk=case.pk).update(decided_on=on)
    MeasureDecision.objects.filter(subject__case=case, state=MeasureDecision.State.DECIDED).update(decided_on=on)
    return Case.objects.get(pk=case.pk)


def close(world, case: Case) -> Case:
    """Complete every execution and archive task as the executing department, then close."""
    performers = {world.departments["pl-discipline"].pk: OFFICER, world.departments["pl-organization"].pk: "organization_officer"}
    for task in ExecutionTask.objects.filter(case=case, state=ExecutionTask.State.OPEN):
        execution_complete(task_id=task.pk, acting_user=world.users[performers[task.department_id]], note="已办结")
    fire(world, case, "close")
    return Case.objects.get(pk=case.pk)


def record(world, on: dt.date, key: str = DEPUTY) -> dict:
    return cadre_record(world.cadres[key], on)


def items_of(rec: dict, case: Case) -> list[dict]:
    return [b for b in rec["blocking"] if b["case"] == case.pk]


def veto_items(rec: dict) -> list[dict]:
    return [b for b in rec["blocking"] if b["basis"].startswith(VETO_BASIS)]


def assert_well_formed(item: dict) -> None:
    """Every blocking item names its reason and basis, its end, what it bars and whether the rule
    behind it was verified (PRODUCT §4)."""
    assert {"reason", "basis", "until", "applies_to", "verified"} <= set(item), item
    assert isinstance(item["reason"], str) and item["reason"].strip()
    assert isinstance(item["basis"], str) and item["basis"].strip()
    assert item["until"] is None or isinstance(item["until"], dt.date)
    assert item["applies_to"] and set(item["applies_to"]) <= {"promotion", "awards"}
    assert isinstance(item["verified"], bool)


# --- influence periods (domain-facts §2) -------------------------------------------------------------

# measure, sanction kind, first free day after a decision on D, verified, words of the basis
INFLUENCE = [
    ("sanction", "gov_warning", dt.date(2025, 9, 10), True, "政务处分法》第八条"),
    ("sanction", "gov_demerit", dt.date(2026, 3, 10), True, "政务处分法》第八条"),
    ("sanction", "gov_major_demerit", dt.date(2026, 9, 10), True, "政务处分法》第八条"),
    ("sanction", "gov_removal", dt.date(2027, 3, 10), True, "政务处分法》第八条"),
    ("admonishment", "", dt.date(2025, 9, 10), False, "诫勉"),
    ("demotion", "", dt.date(2027, 3, 10), False, "降职"),
]


@pytest.mark.parametrize(
    ("measure", "kind", "end", "verified", "basis"),
    INFLUENCE,
    ids=[
        "gov_warning-6m-政务处分法第八条",
        "gov_demerit-12m-政务处分法第八条",
        "gov_major_demerit-18m-政务处分法第八条",
        "gov_removal-24m-政务处分法第八条",
        "admonishment-6m-诫勉规定-unverified",
        "demotion-24m-能上能下规定-unverified",
    ],
)
def test_influence_period_blocks_until_its_end_date(world, measure, kind, end, verified, basis):
    case = backdate(decided(world, [(measure, kind)]), D)

    before = record(world, D - DAY)
    assert before["eligible_for_promotion"] and before["eligible_for_awards"]
    assert before["blocking"] == [] and before["measures"] == []

    for on in (D, end - DAY):
        rec = record(world, on)
        assert not rec["eligible_for_promotion"] and not rec["eligible_for_awards"], on
        [item] = rec["blocking"]
        assert_well_formed(item)
        assert item["until"] == end and item["applies_to"] == ["promotion", "awards"]
        assert item["verified"] is verified and basis in item["basis"]
        assert case.number in item["reason"] and item["case"] == case.pk

    free = record(world, end)
    assert free["eligible_for_promotion"]
    [entry] = free["measures"]
    assert (entry["measure"], entry["sanction_kind"], entry["decided_on"]) == (measure, kind, D)
    assert entry["influence_until"] == end and entry["permanent"] is False and entry["verified"] is verified
    if measure == "admonishment":
        # 诫勉: no 评优 for the rest of the year of the decision, after the 6 months end.
        assert not free["eligible_for_awards"]
        [item] = free["blocking"]
        assert_well_formed(item)
        assert item["applies_to"] == ["awards"] and item["until"] == dt.date(2025, 12, 31)
    else:
        assert free["eligible_for_awards"] and free["blocking"] == []


def test_admonishment_诫勉规定_bars_awards_until_31_december_of_the_year_of_the_decision(world):
    backdate(decided(world, [("admonishment", "")]), D)
    last_day = record(world, dt.date(2025, 12, 31))
    assert last_day["eligible_for_promotion"] and not last_day["eligible_for_awards"]
    assert [b["applies_to"] for b in last_day["blocking"]] == [["awards"]]
    assert last_day["blocking"][0]["verified"] is False
    new_year = record(world, dt.date(2026, 1, 1))
    assert new_year["eligible_for_promotion"] and new_year["eligible_for_awards"] and new_year["blocking"] == []


def test_admonishment_诫勉规定_late_in_the_year_runs_its_six_months_into_the_next(world):
    backdate(decided(world, [("admonishment", "")]), dt.date(2025, 10, 20))
    january = record(world, dt.date(2026, 1, 5))
    assert not january["eligible_for_promotion"] and not january["eligible_for_awards"]
    assert [b["until"] for b in january["blocking"]] == [dt.date(2026, 4, 20)]
    after = record(world, dt.date(2026, 4, 20))
    assert after["eligible_for_promotion"] and after["eligible_for_awards"]


def test_influence_period_clamps_to_the_end_of_a_short_month_政务处分法第八条(world):
    """31 August + 6 months is 28 February (政务处分法第八条 counts in months)."""
    backdate(decided(world, [("sanction", "gov_warning")]), dt.date(2025, 8, 31))
    assert [b["until"] for b in record(world, dt.date(2026, 2, 27))["blocking"]] == [dt.date(2026, 2, 28)]
    assert record(world, dt.date(2026, 2, 28))["eligible_for_promotion"]


def test_party_periods_stack_纪律处分条例第二十一条(world):
    """A serious warning decided while a warning still runs starts when the warning ends:
    12 + 18 months from the first decision."""
    first = backdate(decided(world, [("sanction", "party_warning")]), dt.date(2025, 1, 15))
    second = backdate(decided(world, [("sanction", "party_serious_warning")]), dt.date(2025, 6, 1))
    end = dt.date(2027, 7, 15)

    both = record(world, dt.date(2025, 12, 1))
    assert {b["case"]: b["until"] for b in both["blocking"]} == {first.pk: dt.date(2026, 1, 15), second.pk: end}
    assert all(b["verified"] for b in both["blocking"])
    assert all("第二十一条" in b["basis"] for b in both["blocking"])

    last = record(world, end - DAY)
    assert not last["eligible_for_promotion"] and not last["eligible_for_awards"]
    assert [(b["case"], b["until"]) for b in last["blocking"]] == [(second.pk, end)]
    assert {m["sanction_kind"]: m["influence_until"] for m in last["measures"]} == {
        "party_warning": dt.date(2026, 1, 15),
        "party_serious_warning": end,
    }
    free = record(world, end)
    assert free["eligible_for_promotion"] and free["eligible_for_awards"] and free["blocking"] == []


def test_party_periods_do_not_stack_once_the_first_has_ended(world):
    backdate(decided(world, [("sanction", "party_warning")]), dt.date(2025, 1, 15))
    backdate(decided(world, [("sanction", "party_serious_warning")]), dt.date(2026, 2, 1))
    rec = record(world, dt.date(2026, 6, 1))
    assert [b["until"] for b in rec["blocking"]] == [dt.date(2027, 8, 1)]


def test_government_sanction_periods_run_from_their_own_decisions_政务处分法第八条(world):
    """政务处分法第八条: each period starts on its own decision; they do not stack like Party ones."""
    backdate(decided(world, [("sanction", "gov_warning")]), dt.date(2025, 1, 15))
    backdate(decided(world, [("sanction", "gov_demerit")]), dt.date(2025, 3, 1))
    rec = record(world, dt.date(2025, 7, 14))
    assert sorted(b["until"] for b in rec["blocking"]) == [dt.date(2025, 7, 15), dt.date(2026, 3, 1)]
    assert [b["until"] for b in record(world, dt.date(2025, 7, 15))["blocking"]] == [dt.date(2026, 3, 1)]


@pytest.mark.parametrize(
    ("kind", "verified", "basis"),
    [("gov_expulsion", True, "第二十四条"), ("party_expulsion", False, "开除党籍")],
    ids=["gov_expulsion-政务处分法第二十四条", "party_expulsion-unverified"],
)
def test_expulsion_开除_is_permanent(world, kind, verified, basis):
    backdate(decided(world, [("sanction", kind)]), D)
    for on in (D, dt.date(2060, 1, 1)):
        rec = record(world, on)
        assert not rec["eligible_for_promotion"] and not rec["eligible_for_awards"]
        [item] = rec["blocking"]
        assert_well_formed(item)
        assert item["until"] is None and item["verified"] is verified and basis in item["basis"]
    [entry] = rec["measures"]
    assert entry["permanent"] is True and entry["influence_until"] is None


def test_notice_通报_bars_nothing_domain_facts_2(world):
    backdate(decided(world, [("notice", "")]), D)
    rec = record(world, D)
    assert rec["eligible_for_promotion"] and rec["eligible_for_awards"] and rec["blocking"] == []
    [entry] = rec["measures"]
    assert entry["measure"] == "notice" and entry["influence_until"] is None and entry["permanent"] is False
    assert "通报" in entry["basis"] and entry["verified"] is False


def test_combined_measures_block_until_the_latest_end_问责条例第八条(world):
    case = backdate(decided(world, [("admonishment", ""), ("sanction", "gov_major_demerit")]), D)
    rec = record(world, dt.date(2025, 9, 10))
    # The 6 months of 诫勉 are over; its year-end bar on awards and the 18 months of 记大过 remain.
    assert sorted((b["until"], tuple(b["applies_to"])) for b in items_of(rec, case)) == [
        (dt.date(2025, 12, 31), ("awards",)),
        (dt.date(2026, 9, 10), ("promotion", "awards")),
    ]
    assert not rec["eligible_for_promotion"] and not rec["eligible_for_awards"]


# --- Art. 28 one-vote veto --------------------------------------------------------------------------


def _conclusion_veto(case: Case) -> bool:
    return case.subjects.get().assessments.filter(kind="conclusion").latest("id").output["veto"]["applies"]


def test_art28_veto_for_accident_responsibility_lasts_at_least_12_months(world):
    """26.5 → veto; admonishment ends after 6 months but the veto floor (12 months) holds."""
    case = backdate(decided(world, [("admonishment", "")], finding=ACCIDENT), D)
    assert _conclusion_veto(case) is True
    veto_end = dt.date(2026, 3, 10)

    for on in (D, dt.date(2025, 9, 10), veto_end - DAY):
        rec = record(world, on)
        assert not rec["eligible_for_promotion"] and not rec["eligible_for_awards"], on
        [item] = veto_items(rec)
        assert_well_formed(item)
        assert item["until"] == veto_end and item["applies_to"] == ["promotion", "awards"] and item["case"] == case.pk
        assert item["verified"] is False  # the 12-month floor is a local default, not a verified rule

    free = record(world, veto_end)
    assert veto_items(free) == [] and free["eligible_for_promotion"] and free["eligible_for_awards"]


def test_art28_veto_follows_the_longest_influence_period(world):
    backdate(decided(world, [("sanction", "gov_removal")], finding=ACCIDENT), D)
    rec = record(world, dt.date(2027, 3, 9))
    [item] = veto_items(rec)
    assert item["until"] == dt.date(2027, 3, 10)
    assert not rec["eligible_for_promotion"] and not rec["eligible_for_awards"]
    assert record(world, dt.date(2027, 3, 10))["eligible_for_promotion"]


def test_art28_veto_starts_on_the_decision(world):
    backdate(decided(world, [("notice", "")], finding=ACCIDENT), D)
    assert record(world, D - DAY)["blocking"] == []
    assert len(veto_items(record(world, D))) == 1


def test_art28_no_veto_without_accident_responsibility_26_1(world):
    case = backdate(decided(world, [("admonishment", "")], finding=DUTIES_ONLY), D)
    assert _conclusion_veto(case) is False
    rec = record(world, D)
    assert veto_items(rec) == [] and len(rec["blocking"]) == 1
    after = record(world, dt.date(2025, 9, 10))
    assert after["eligible_for_promotion"] and veto_items(after) == []


def _override_url(case: Case) -> str:
    return f"/api/v1/cases/{case.pk}/subjects/{case.subjects.get().pk}/veto-override/"


@pytest.mark.parametrize("persona", ["organization_leader", "discipline_leader"])
def test_art28_veto_override_by_a_leader_ends_it_on_the_given_date(world, api, persona):
    case = backdate(decided(world, [("notice", "")], finding=ACCIDENT, deliver=True), D)
    subject = case.subjects.get()
    until = dt.date(2025, 6, 1)
    response = api(persona).post(_override_url(case), {"until": until.isoformat(), "reason": "经县委常委会研究"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json() == {"subject": subject.pk, "until": "2025-06-01", "reason": "经县委常委会研究", "decided_by": persona}

    [item] = veto_items(record(world, until - DAY))
    assert item["until"] == until and "经县委常委会研究" in item["basis"]
    free = record(world, until)
    assert veto_items(free) == [] and free["eligible_for_promotion"] and free["eligible_for_awards"]

    [event] = CaseEvent.objects.filter(case=case, kind="veto_override")
    assert event.actor == world.users[persona] and event.reason == "经县委常委会研究"
    assert event.payload == {"subject": subject.pk, "until": "2025-06-01"}
    assert event.from_state == event.to_state == CaseState.EXECUTING


def test_art28_latest_veto_override_wins(world, api):
    case = backdate(decided(world, [("notice", "")], finding=ACCIDENT, deliver=True), D)
    client = api("organization_leader")
    assert client.post(_override_url(case), {"until": "2025-05-01", "reason": "第一次"}, format="json").status_code == 201
    assert client.post(_override_url(case), {"until": "2025-08-01", "reason": "第二次"}, format="json").status_code == 201
    [item] = veto_items(record(world, dt.date(2025, 7, 1)))
    assert item["until"] == dt.date(2025, 8, 1) and "第二次" in item["basis"]


@pytest.mark.parametrize("persona", ["organization_officer", "discipline_officer"])
def test_art28_veto_override_by_an_officer_is_403(world, api, persona):
    case = decided(world, [("notice", "")], finding=ACCIDENT, deliver=True)
    response = api(persona).post(_override_url(case), {"until": "2025-06-01", "reason": "理由"}, format="json")
    assert_error(response, 403, "not_permitted")
    assert not VetoOverride.objects.exists()
    assert not CaseEvent.objects.filter(case=case, kind="veto_override").exists()


def test_art28_veto_override_of_a_subject_without_veto_is_400(world, api):
    case = decided(world, [("admonishment", "")], finding=DUTIES_ONLY, deliver=True)
    response = api(LEADER).post(_override_url(case), {"until": "2025-06-01", "reason": "理由"}, format="json")
    assert_error(response, 400, "invalid", fields=("subject",))
    assert not VetoOverride.objects.exists()


@pytest.mark.parametrize("body", [{"until": "2025-06-01"}, {"until": "2025-06-01", "reason": "   "}, {"reason": "理由"}])
def test_art28_veto_override_needs_a_date_and_a_reason(world, api, body):
    case = decided(world, [("notice", "")], finding=ACCIDENT, deliver=True)
    response = api(LEADER).post(_override_url(case), body, format="json")
    assert_error(
        response, 400, "invalid", fields=tuple(name for name in ("until", "reason") if not str(body.get(name, "")).strip())
    )
    assert not VetoOverride.objects.exists()


def test_art28_organization_leader_may_override_a_veto_before_delivery(world, api):
    case = decided(world, [("notice", "")], finding=ACCIDENT)
    assert case.state == CaseState.DECIDED
    assert len(veto_items(record(world, local_today()))) == 1
    until = (local_today() + dt.timedelta(days=30)).isoformat()
    response = api("organization_leader").post(_override_url(case), {"until": until, "reason": "理由"}, format="json")
    assert response.status_code == 201, response.content
    # An end before the decision makes no sense and is refused, naming the field.
    early = api("organization_leader").post(_override_url(case), {"until": "2025-06-01", "reason": "理由"}, format="json")
    assert early.status_code == 400 and "until" in early.json()["detail"]


# --- open investigation (《公职人员政务处分法》第五十二条) ---------------------------------------------


@pytest.mark.parametrize("state", [CaseState.INVESTIGATING, CaseState.ASSESSING, CaseState.PROPOSING, CaseState.APPROVING])
def test_open_investigation_blocks_promotion_and_awards_政务处分法第五十二条(world, state):
    case = case_in_state(world, state)
    rec = record(world, local_today())
    assert not rec["eligible_for_promotion"] and not rec["eligible_for_awards"]
    [item] = [b for b in rec["blocking"] if INVESTIGATION_BASIS in b["basis"]]
    assert_well_formed(item)
    assert item["until"] is None and item["applies_to"] == ["promotion", "awards"] and item["verified"] is True
    assert item["case"] == case.pk and case.number in item["reason"]
    assert [c["id"] for c in rec["cases"]] == [case.pk] and rec["cases"][0]["state"] == state


@pytest.mark.parametrize(
    "state", [CaseState.RECEIVED, CaseState.INQUIRING, CaseState.HELD, CaseState.DISMISSED, CaseState.NOT_PURSUED]
)
def test_no_investigation_block_at_intake_or_after_closing_without_measures_政务处分法第五十二条(world, state):
    case = case_in_state(world, state)
    rec = record(world, local_today())
    assert rec["eligible_for_promotion"] and rec["eligible_for_awards"] and rec["blocking"] == []
    assert [c["id"] for c in rec["cases"]] == [case.pk] and rec["measures"] == []


def test_no_investigation_block_after_closing_政务处分法第五十二条(world):
    case = close(world, decided(world, [("notice", "")], deliver=True))
    assert case.state == CaseState.CLOSED
    rec = record(world, local_today())
    assert rec["eligible_for_promotion"] and rec["eligible_for_awards"] and rec["blocking"] == []


def test_investigation_does_not_block_before_the_case_was_opened_政务处分法第五十二条(world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    # Midday, so the UTC and local dates agree; the night hours are covered below.
    opened = dt.datetime(2026, 3, 16, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    Case.objects.filter(pk=case.pk).update(created_at=opened)
    assert record(world, dt.date(2026, 3, 15))["blocking"] == []
    assert len(record(world, dt.date(2026, 3, 16))["blocking"]) == 1


def test_investigation_start_is_judged_by_the_local_date_政务处分法第五十二条(world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    opened = dt.datetime(2026, 3, 16, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    Case.objects.filter(pk=case.pk).update(created_at=opened)
    assert record(world, dt.date(2026, 3, 15))["blocking"] == []


# --- GET /api/v1/cadres/{id}/record/ -----------------------------------------------------------------


def test_record_api_answers_eligibility_with_cited_reasons_product_4(world, api):
    case = backdate(decided(world, [("sanction", "gov_demerit")]), D)
    cadre = world.cadres[DEPUTY]
    response = api("organization_officer").get(f"/api/v1/cadres/{cadre.pk}/record/?on=2026-03-09")
    assert response.status_code == 200, response.content
    body = response.json()
    assert {"eligible_for_promotion", "eligible_for_awards", "blocking", "cases", "measures"} <= set(body)
    assert body["eligible_for_promotion"] is False and body["eligible_for_awards"] is False
    [item] = body["blocking"]
    assert {"reason", "basis", "until"} <= set(item)
    assert item["until"] == "2026-03-10" and "第八条" in item["basis"] and item["reason"]
    assert [c["id"] for c in body["cases"]] == [case.pk]
    assert body["measures"][0]["sanction_kind"] == "gov_demerit" and body["measures"][0]["influence_until"] == "2026-03-10"

    free = api("organization_officer").get(f"/api/v1/cadres/{cadre.pk}/record/?on=2026-03-10").json()
    assert free["eligible_for_promotion"] is True and free["eligible_for_awards"] is True and free["blocking"] == []


def test_record_api_defaults_to_today(world, api):
    case_in_state(world, CaseState.INVESTIGATING)
    cadre = world.cadres[DEPUTY]
    client = api("organization_officer")
    default = client.get(f"/api/v1/cadres/{cadre.pk}/record/")
    assert default.status_code == 200, default.content
    assert default.json()["on"] == local_today().isoformat()
    assert default.json() == client.get(f"/api/v1/cadres/{cadre.pk}/record/?on={local_today().isoformat()}").json()
    assert default.json()["eligible_for_promotion"] is False


def test_record_api_reasons_are_in_chinese(world, api):
    case = case_in_state(world, CaseState.INVESTIGATING)
    body = api("organization_officer").get(f"/api/v1/cadres/{world.cadres[DEPUTY].pk}/record/").json()
    [item] = body["blocking"]
    assert re.search("[A-Za-z]", item["reason"].replace(case.number, "")) is None, item["reason"]


@pytest.mark.parametrize("value", ["2026-13-01", "tomorrow", "2026/03/01"])
def test_record_api_bad_date_is_400_naming_on(world, api, value):
    cadre = world.cadres[DEPUTY]
    response = api("organization_officer").get(f"/api/v1/cadres/{cadre.pk}/record/", {"on": value})
    assert_error(response, 400, "invalid", fields=("on",))


@pytest.mark.parametrize("cadre_id", ["999999", "abc"])
def test_record_api_unknown_cadre_is_404(world, api, cadre_id):
    assert_error(api("organization_officer").get(f"/api/v1/cadres/{cadre_id}/record/"), 404, "not_found")


# --- query counts -----------------------------------------------------------------------------------


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx.captured_queries)


def test_cadre_record_reads_a_constant_number_of_queries(world, api):
    """Measures, conclusions, vetoes and overrides of every case are read in bulk (PRODUCT §4)."""
    backdate(decided(world, [("admonishment", "")], key=OTHER_DEPUTY), D)
    cases = [
        backdate(decided(world, measures, finding=finding, deliver=True), D)
        for measures, finding in [
            ([("sanction", "party_warning")], REPORTING),
            ([("sanction", "party_serious_warning"), ("admonishment", "")], REPORTING),
            ([("notice", "")], ACCIDENT),
            ([("sanction", "gov_demerit")], ACCIDENT),
        ]
    ]
    case_in_state(world, CaseState.INVESTIGATING)
    assert api(LEADER).post(_override_url(cases[3]), {"until": "2025-06-01", "reason": "理由"}, format="json").status_code == 201

    one, five = world.cadres[OTHER_DEPUTY], world.cadres[DEPUTY]
    cadre_record(world.cadres["pl-chengguan:township_deputy:0"], D)  # warm any per-process caches
    on = dt.date(2025, 12, 1)
    assert len(cadre_record(five, on)["cases"]) == 5 and len(cadre_record(one, on)["cases"]) == 1
    assert _queries(lambda: cadre_record(one, on)) == _queries(lambda: cadre_record(five, on))


def test_cadre_records_reads_a_constant_number_of_queries(world):
    cadres = list(world.cadres.values())[:20]
    keys = [key for key, cadre in world.cadres.items() if cadre in cadres]
    for key in keys[:2]:
        backdate(decided(world, [("sanction", "gov_warning")], key=key, finding=ACCIDENT), D)
    case_in_state(world, CaseState.INVESTIGATING, cadres=(keys[5],))
    case_in_state(world, CaseState.INVESTIGATING, cadres=(keys[15], keys[16]))

    cadre_records(cadres[:1], D)  # warm any per-process caches
    few = _queries(lambda: cadre_records(cadres[:3], D))
    many = _queries(lambda: cadre_records(cadres, D))
    assert few == many
    records = cadre_records(cadres, D)
    assert len(records) == 20 and [r["cadre"]["id"] for r in records] == [c.pk for c in cadres]
    assert [r["cadre"]["id"] for r in records if not r["eligible_for_promotion"]] == [c.pk for c in cadres[:2]]
    today = cadre_records(cadres, local_today())  # the decided periods are over; the investigations run
    assert [r["cadre"]["id"] for r in today if not r["eligible_for_promotion"]] == [cadres[i].pk for i in (5, 15, 16)]


# --- Art. 32 in motion: moves refer open and egregious cases -------------------------------------------


def _promote_to_city(api, world, key=DEPUTY, *, kind="promotion", effective="2026-06-01", title="副局长"):
    body = {
        "kind": kind,
        "organization": world.departments["szs-emergency"].pk,
        "role": "regulator_deputy",
        "title": title,
        "effective_date": effective,
    }
    response = api("organization_officer").post(f"/api/v1/cadres/{world.cadres[key].pk}/moves/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def _city_organization_client(world) -> APIClient:
    user = get_user_model().objects.create_user("szs_org_officer", password="x")
    Membership.objects.create(user=user, department=world.departments["szs-organization"], rank=Rank.OFFICER)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_art32_promotion_refers_an_open_case_to_the_authority_now_managing_the_cadre(world, api):
    case = case_in_state(world, CaseState.ASSESSING)
    moved = _promote_to_city(api, world)
    assert moved["status"] == "promoted"
    assert moved["current_post"]["organization"]["id"] == world.departments["szs-emergency"].pk

    [referral] = Referral.objects.filter(case=case, kind=Referral.Kind.LIFELONG)
    assert referral.from_department == world.departments["pl-discipline"]
    assert referral.to_department == world.departments["szs-organization"]
    assert referral.state == Referral.State.SENT and referral.acknowledge_by is not None
    kinds = [m["kind"] for m in referral.materials]
    assert kinds[0] == "case_file" and "findings" in kinds and "events" in kinds
    assert referral.materials[0]["ref"] == case.number
    assert world.cadres[DEPUTY].name in referral.reason

    [event] = CaseEvent.objects.filter(case=case, kind="lifelong_referral")
    assert event.payload["referral"] == referral.pk and event.payload["to_department"] == referral.to_department_id
    assert event.payload["move"] == "promotion" and event.payload["egregious"] is False

    case.refresh_from_db()
    assert case.state == CaseState.ASSESSING and case.subjects.get().cadre_id == world.cadres[DEPUTY].pk

    # A second move under the same authority while the referral is open does not duplicate it.
    _promote_to_city(api, world, kind="transfer", effective="2026-09-01", title="副局长（调整分工）")
    assert Referral.objects.filter(case=case, kind=Referral.Kind.LIFELONG).count() == 1
    assert CaseEvent.objects.filter(case=case, kind="lifelong_referral").count() == 1


def test_art32_both_departments_see_the_case_and_the_receiver_acknowledges(world, api):
    case = case_in_state(world, CaseState.ASSESSING)
    _promote_to_city(api, world)
    referral = Referral.objects.get(case=case, kind=Referral.Kind.LIFELONG)

    sender = api(OFFICER).get(f"/api/v1/cases/{case.pk}/")
    assert sender.status_code == 200 and sender.json()["state"] == CaseState.ASSESSING and "subjects" in sender.json()

    receiver = _city_organization_client(world)
    seen = receiver.get(f"/api/v1/cases/{case.pk}/")
    assert seen.status_code == 200, seen.content
    assert seen.json()["number"] == case.number and [s["cadre"]["id"] for s in seen.json()["subjects"]] == [
        world.cadres[DEPUTY].pk
    ]
    listed = receiver.get("/api/v1/referrals/", {"case": case.pk}).json()["results"]
    assert [(r["id"], r["kind"], r["state"]) for r in listed] == [(referral.pk, "lifelong", "sent")]

    acknowledged = receiver.post(f"/api/v1/referrals/{referral.pk}/acknowledge/", {}, format="json")
    assert acknowledged.status_code == 200, acknowledged.content
    assert acknowledged.json()["state"] == "acknowledged"
    assert CaseEvent.objects.filter(case=case, kind="referral_acknowledge").count() == 1
    # The sender still sees the case, with the referral's new status.
    assert api(OFFICER).get(f"/api/v1/cases/{case.pk}/").status_code == 200
    assert api(OFFICER).get("/api/v1/referrals/", {"case": case.pk}).json()["results"][0]["state"] == "acknowledged"


def test_art32_closed_case_that_was_not_egregious_is_not_referred(world, api):
    case = close(world, decided(world, [("notice", "")], finding=ACCIDENT, deliver=True))
    assert case.state == CaseState.CLOSED
    assert case.subjects.get().assessments.latest("id").output["lifelong"]["applies"] is False
    _promote_to_city(api, world)
    assert not Referral.objects.filter(case=case).exists()
    assert not CaseEvent.objects.filter(case=case, kind="lifelong_referral").exists()


def test_art32_closed_egregious_case_is_referred_on_retirement(world, api):
    """Egregious accident responsibility is pursued whatever the cadre's status (Art. 32): a retiree's
    closed case goes to the authority that managed the last post."""
    case = close(world, decided(world, [("admonishment", "")], finding=EGREGIOUS, deliver=True))
    assert case.subjects.get().assessments.latest("id").output["lifelong"]["applies"] is True
    last_post = world.cadres[DEPUTY].posts.get()

    response = api("organization_officer").post(
        f"/api/v1/cadres/{world.cadres[DEPUTY].pk}/moves/", {"kind": "retirement", "effective_date": "2026-10-01"}, format="json"
    )
    assert response.status_code == 201, response.content

    [referral] = Referral.objects.filter(case=case, kind=Referral.Kind.LIFELONG)
    assert referral.to_department == last_post.managing_authority == world.departments["pl-organization"]
    assert referral.from_department == world.departments["pl-discipline"]
    kinds = {m["kind"] for m in referral.materials}
    assert {"case_file", "findings", "assessment", "measure", "events"} <= kinds
    [event] = CaseEvent.objects.filter(case=case, kind="lifelong_referral")
    assert event.payload["move"] == "retirement" and event.payload["egregious"] is True


# --- accidents: the report chain (条例第九、十一条) and reporting findings -----------------------------------


OCCURRED = dt.datetime(2026, 4, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _accident(api, **extra) -> dict:
    body = {
        "title": "某企业机械伤害事故",
        "occurred_at": OCCURRED.isoformat(),
        "deaths": 1,
        "serious_injuries": 0,
        "direct_loss_yuan": "100000.00",
        **extra,
    }
    response = api("emergency_officer").post("/api/v1/accidents/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def _when(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def test_accident_unit_report_after_61_minutes_is_late_条例第九条(world, api):
    unit = OCCURRED + dt.timedelta(minutes=61)
    body = _accident(api, unit_reported_at=unit.isoformat())
    timeliness = body["timeliness"]
    assert timeliness["late"] is True and "第九条" in timeliness["basis"]
    [step] = timeliness["steps"]
    assert step["level"] == 0 and step["late"] is True and step["minutes_late"] == 1
    assert _when(step["deadline"]) == OCCURRED + dt.timedelta(hours=1)


def test_accident_unit_report_at_60_minutes_is_on_time_条例第九条(world, api):
    body = _accident(api, unit_reported_at=(OCCURRED + dt.timedelta(hours=1)).isoformat())
    assert body["timeliness"]["late"] is False


def test_accident_level_report_two_hours_after_the_unit_is_on_time_条例第十一条(world, api):
    unit = OCCURRED + dt.timedelta(minutes=61)
    accident = _accident(api, unit_reported_at=unit.isoformat())
    body = {"level": 1, "reporter": "平罗县应急管理局", "reported_at": (unit + dt.timedelta(hours=2)).isoformat()}
    response = api("emergency_officer").post(f"/api/v1/accidents/{accident['id']}/reports/", body, format="json")
    assert response.status_code == 201, response.content
    steps = response.json()["timeliness"]["steps"]
    assert [(s["level"], s["late"]) for s in steps] == [(0, True), (1, False)]
    assert _when(steps[1]["deadline"]) == unit + dt.timedelta(hours=2)
    assert response.json()["reports"][0]["level"] == 1

    late = dict(body, level=2, reported_at=(unit + dt.timedelta(hours=4, minutes=5)).isoformat())
    steps = (
        api("emergency_officer")
        .post(f"/api/v1/accidents/{accident['id']}/reports/", late, format="json")
        .json()["timeliness"]["steps"]
    )
    assert (steps[2]["late"], steps[2]["minutes_late"]) == (True, 5)


def test_reporting_finding_concealed_瞒报_with_evidence_is_listed_应急管理部令第14号(world, api):
    accident = _accident(api)
    body = {"kind": "concealed", "evidence": "企业隐瞒事故2小时，经调查组查证属实"}
    response = api("emergency_officer").post(f"/api/v1/accidents/{accident['id']}/reporting-findings/", body, format="json")
    assert response.status_code == 201, response.content
    [finding] = response.json()["reporting_findings"]
    assert finding["kind"] == "concealed" and finding["evidence"] == body["evidence"]
    assert "瞒报" in finding["kind_display"]
    listed = api("emergency_officer").get(f"/api/v1/accidents/{accident['id']}/").json()["reporting_findings"]
    assert [f["kind"] for f in listed] == ["concealed"]


def test_reporting_finding_kind_label_is_chinese_瞒报(world, api):
    accident = _accident(api)
    body = {"kind": "concealed", "evidence": "经查证属实"}
    response = api("emergency_officer").post(f"/api/v1/accidents/{accident['id']}/reporting-findings/", body, format="json")
    assert response.json()["reporting_findings"][0]["kind_display"] == "瞒报"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "concealed"}, "evidence"),
        ({"kind": "concealed", "evidence": "  "}, "evidence"),
        ({"kind": "lost", "evidence": "x"}, "kind"),
    ],
    ids=["no-evidence", "blank-evidence", "unknown-kind"],
)
def test_reporting_finding_without_evidence_is_400_domain_facts_3_3(world, api, body, field):
    accident = _accident(api)
    response = api("emergency_officer").post(f"/api/v1/accidents/{accident['id']}/reporting-findings/", body, format="json")
    assert_error(response, 400, "invalid", fields=(field,))
    assert not ReportingFinding.objects.exists()


def test_reporting_finding_by_audit_is_403(world, api):
    accident = _accident(api)
    body = {"kind": "omitted", "evidence": "遗漏伤亡人数"}
    response = api("audit_officer").post(f"/api/v1/accidents/{accident['id']}/reporting-findings/", body, format="json")
    assert_error(response, 403, "not_permitted")
    assert not ReportingFinding.objects.exists()


def test_accident_grade_change_is_in_its_history_条例第三条(world, api):
    accident = _accident(api)
    assert accident["grade"] == "general"
    patched = api("emergency_officer").patch(f"/api/v1/accidents/{accident['id']}/", {"deaths": 3}, format="json")
    assert patched.status_code == 200, patched.content
    assert patched.json()["grade"] == "larger"
    history = api("emergency_officer").get(f"/api/v1/accidents/{accident['id']}/history/")
    assert history.status_code == 200, history.content
    changes = history.json()["changes"]
    assert [(c["grade"], c["deaths"]) for c in changes] == [("general", 1), ("larger", 3)]
    assert {c["user"] for c in changes} == {"emergency_officer"}
    assert "general → larger" in changes[1]["reason"]
