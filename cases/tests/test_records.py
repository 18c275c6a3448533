"""Cadre records and eligibility (PRODUCT §4; 细则第十九、二十五、二十八、三十二条): influence periods
(domain-facts §2), the Art. 28 veto and an open investigation (政务处分法第五十二条). The record over the
API, the Art. 32 referral on a move and the accident report chain are in test_records_api.py; the
helpers both use in _records_helpers.py.

Measures are decided today by the workflow; tests that need a fixed calendar move the decision
date back with a queryset update (``backdate``), so every boundary below is a literal date.
"""

from __future__ import annotations

import datetime as dt

import pytest

from cases.codes import CaseState
from cases.models import Case, CaseEvent, Filing, VetoOverride
from cases.tests._records_helpers import (
    ACCIDENT,
    DAY,
    DUTIES_ONLY,
    INVESTIGATION_BASIS,
    LEADER,
    D,
    _override_url,
    assert_well_formed,
    backdate,
    close,
    decided,
    items_of,
    record,
    veto_items,
)
from cases.tests._transitions_helpers import assert_error
from cases.tests.scenarios import case_in_state
from core.persistence import local_today

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(module_world):
    """conftest's ``world``, built once for this module (``module_world``)."""
    return module_world


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


def test_art28_veto_lasts_as_long_as_the_influence_periods_without_an_invented_floor(world):
    """26.5 → veto; neither the county rules (第二十八条 "在相关规定时限内") nor the national ones
    (第二十条) state a duration, so the veto ends with the 6 months of 诫勉 (issue 13: the former
    12-month local floor was invented and is gone)."""
    case = backdate(decided(world, [("admonishment", "")], finding=ACCIDENT), D)
    assert _conclusion_veto(case) is True
    veto_end = dt.date(2025, 9, 10)

    for on in (D, veto_end - DAY):
        rec = record(world, on)
        assert not rec["eligible_for_promotion"], on
        [item] = veto_items(rec)
        assert_well_formed(item)
        assert item["until"] == veto_end and item["applies_to"] == ["promotion", "awards"] and item["case"] == case.pk
        assert "至少" not in item["basis"]

    free = record(world, veto_end)
    assert veto_items(free) == [] and free["eligible_for_promotion"]
    assert not free["eligible_for_awards"], "诫勉 still bars 评优 for the rest of the year"


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


# --- open investigation (《公职人员政务处分法》第五十二条): the bar runs from the subject's 立案 ----------


@pytest.mark.parametrize("state", [CaseState.INVESTIGATING, CaseState.ASSESSING, CaseState.PROPOSING, CaseState.APPROVING])
def test_filed_investigation_blocks_promotion_and_awards_政务处分法第五十二条(world, state):
    case = case_in_state(world, state, filed=True)
    rec = record(world, local_today())
    assert not rec["eligible_for_promotion"] and not rec["eligible_for_awards"]
    [item] = [b for b in rec["blocking"] if INVESTIGATION_BASIS in b["basis"]]
    assert_well_formed(item)
    assert item["until"] is None and item["applies_to"] == ["promotion", "awards"] and item["verified"] is True
    assert item["case"] == case.pk and case.number in item["reason"] and item["since"] == local_today()
    assert [c["id"] for c in rec["cases"]] == [case.pk] and rec["cases"][0]["state"] == state
    assert rec["cases"][0]["filed_on"] == local_today() and rec["notes"] == []


@pytest.mark.parametrize("state", [CaseState.INVESTIGATING, CaseState.ASSESSING, CaseState.PROPOSING, CaseState.APPROVING])
def test_open_case_without_a_filing_bars_nothing_and_says_so_政务处分法第五十二条(world, state):
    case = case_in_state(world, state)
    rec = record(world, local_today())
    assert rec["eligible_for_promotion"] and rec["eligible_for_awards"] and rec["blocking"] == []
    [note] = rec["notes"]
    assert note["case"] == case.pk and case.number in note["reason"] and "第五十二条" in note["reason"]
    assert INVESTIGATION_BASIS in note["basis"]
    assert rec["cases"][0]["filed_on"] is None


@pytest.mark.parametrize(
    "state", [CaseState.RECEIVED, CaseState.INQUIRING, CaseState.HELD, CaseState.DISMISSED, CaseState.NOT_PURSUED]
)
def test_no_investigation_block_at_intake_or_after_closing_without_measures_政务处分法第五十二条(world, state):
    case = case_in_state(world, state, filed=True)
    rec = record(world, local_today())
    assert rec["eligible_for_promotion"] and rec["eligible_for_awards"] and rec["blocking"] == []
    assert [c["id"] for c in rec["cases"]] == [case.pk] and rec["measures"] == []


def test_no_investigation_block_after_closing_政务处分法第五十二条(world):
    case = close(world, decided(world, [("notice", "")], deliver=True))
    assert case.state == CaseState.CLOSED
    rec = record(world, local_today())
    assert rec["eligible_for_promotion"] and rec["eligible_for_awards"] and rec["blocking"] == [] and rec["notes"] == []


def test_the_bar_starts_on_the_filing_date_not_when_the_case_was_opened_政务处分法第五十二条(world):
    case = case_in_state(world, CaseState.INVESTIGATING, filed=True)
    Case.objects.filter(pk=case.pk).update(created_at=dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC))
    Filing.objects.filter(subject__case=case).update(filed_on=dt.date(2026, 3, 16))
    before = record(world, dt.date(2026, 3, 15))
    assert before["blocking"] == [] and before["eligible_for_promotion"] and before["eligible_for_awards"]
    assert [n["case"] for n in before["notes"]] == [case.pk]  # open, not yet filed on that day
    [item] = record(world, dt.date(2026, 3, 16))["blocking"]
    assert item["since"] == dt.date(2026, 3, 16) and item["case"] == case.pk


def test_the_bar_ends_with_the_decision_政务处分法第五十二条(world):
    """Read for a past day, a filed and since decided case barred from the filing to the decision."""
    case = decided(world, [("notice", "")])
    Filing.objects.create(
        subject=case.subjects.get(), filed_on=dt.date(2025, 1, 10), approved_by=world.users[LEADER], reason="立案"
    )
    backdate(case, D)
    [item] = [b for b in record(world, D - DAY)["blocking"] if INVESTIGATION_BASIS in b["basis"]]
    assert item["since"] == dt.date(2025, 1, 10) and item["until"] == D
    assert not [b for b in record(world, D)["blocking"] if INVESTIGATION_BASIS in b["basis"]]
    assert not [b for b in record(world, dt.date(2025, 1, 9))["blocking"] if INVESTIGATION_BASIS in b["basis"]]
