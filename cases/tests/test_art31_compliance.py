"""Claiming the Art. 31 exemption against the duty ledger (PRODUCT §3, docs/duties.md "In the
case"): "经查实已经全面履行了本细则第二章、第三章所规定职责" needs the ledger to show every duty met
over the twelve months up to the conduct, or a written ``exemption_justification`` the case keeps;
the findings event records what the ledger showed (``art31_compliance``).

The subject is a township deputy of 宝丰镇: 第九条（四） asks for an inspection every month. The
conduct is on 15 March 2026, so the blocks judged are March 2025 … February 2026 (March 2026 is
still running that day).

Who does what here:
- discipline_officer: investigates the case and records the findings.
- organization_officer: keeps the duty ledger.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cases.codes import CaseState
from cases.models import CaseEvent, Finding
from cases.tests._transitions_helpers import assert_error, snapshot
from cases.tests.scenarios import case_in_state
from duties.models import Obligation
from duties.services.ledger import record_create, record_void

pytestmark = pytest.mark.django_db

D = dt.date
OFFICER = "discipline_officer"
DEPUTY = "pl-baofeng:township_deputy:0"
CONDUCT = "2026-03-15"
CLAIM = {"circumstances": ["26.5"], "conduct_date": CONDUCT, "duties_fully_performed": True, "performance": "称已按月带队检查"}
# The 20th of every month from March 2025 to February 2026: one inspection in each judged block.
FULL_YEAR = [D(2025 + (m > 12), (m - 1) % 12 + 1, 20) for m in range(3, 15)]


@pytest.fixture(scope="module")
def world(module_world):
    """conftest's ``world``, built once for this module (``module_world``)."""
    return module_world


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 29, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)


@pytest.fixture
def case(world):
    return case_in_state(world, CaseState.INVESTIGATING, cadres=(DEPUTY,))


def inspections(world, *days: dt.date) -> list:
    obligation = Obligation.objects.get(code="9-4-township")
    return [
        record_create(
            acting_user=world.users["organization_officer"], cadre=world.cadres[DEPUTY], obligation=obligation, date=day
        )
        for day in days
    ]


def put_findings(api, case, data: dict):
    subject = case.subjects.get()
    return api(OFFICER).put(f"/api/v1/cases/{case.pk}/subjects/{subject.pk}/findings/", data, format="json")


def findings_events(case) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case, kind="findings").order_by("seq"))


def test_the_full_year_covers_every_month_from_march_to_february():
    assert FULL_YEAR[0] == D(2025, 3, 20) and FULL_YEAR[-1] == D(2026, 2, 20)
    assert len({(d.year, d.month) for d in FULL_YEAR}) == 12


def test_claiming_the_exemption_with_gaps_in_the_ledger_is_refused_and_writes_nothing(world, api, case):
    inspections(world, *[d for d in FULL_YEAR if d.month != 2])  # February 2026 missing
    before = snapshot(case.pk)
    response = put_findings(api, case, CLAIM)
    detail = assert_error(response, 400, "invalid")["detail"]
    assert list(detail) == ["exemption_justification"]
    assert "第9条（四）" in detail["exemption_justification"][0] and "2026-02-01" in detail["exemption_justification"][0]
    assert snapshot(case.pk) == before
    assert not Finding.objects.filter(subject__case=case).exists()


def test_a_blank_justification_is_no_justification(world, api, case):
    before = snapshot(case.pk)
    response = put_findings(api, case, {**CLAIM, "exemption_justification": "   "})
    assert list(assert_error(response, 400, "invalid")["detail"]) == ["exemption_justification"]
    assert snapshot(case.pk) == before


def test_the_twelve_months_before_the_conduct_count_not_only_its_calendar_year(world, api, case):
    inspections(world, *[d for d in FULL_YEAR if d != D(2025, 6, 20)])  # June 2025 missing
    response = put_findings(api, case, CLAIM)
    assert "2025-06-01" in assert_error(response, 400, "invalid")["detail"]["exemption_justification"][0]


def test_a_withdrawn_record_does_not_support_the_claim(world, api, case):
    records = inspections(world, *FULL_YEAR)
    record_void(acting_user=world.users["organization_officer"], record_id=records[5].pk, reason="录入有误")
    response = put_findings(api, case, CLAIM)
    assert "2025-08-01" in assert_error(response, 400, "invalid")["detail"]["exemption_justification"][0]


def test_a_full_ledger_supports_the_claim(world, api, case):
    inspections(world, *FULL_YEAR)
    response = put_findings(api, case, CLAIM)
    assert response.status_code == 200, response.content
    finding = Finding.objects.get(subject__case=case)
    assert finding.duties_fully_performed is True and finding.exemption_justification == ""
    [event] = findings_events(case)
    evidence = event.payload["art31_compliance"]
    assert (evidence["fully_met"], evidence["justification_given"], evidence["missed"]) == (True, False, [])
    assert evidence["as_of"] == CONDUCT


def test_with_gaps_a_written_justification_is_kept_with_what_the_ledger_showed(world, api, case):
    inspections(world, *[d for d in FULL_YEAR if d.month not in (1, 2)])
    why = "2026年1—2月该同志带队检查的纸质记录已调取附卷，系未录入台账。"
    response = put_findings(api, case, {**CLAIM, "exemption_justification": why})
    assert response.status_code == 200, response.content
    assert Finding.objects.get(subject__case=case).exemption_justification == why

    history = api(OFFICER).get(f"/api/v1/cases/{case.pk}/history/")
    assert history.status_code == 200
    [event] = [e for e in history.json()["events"] if e["kind"] == "findings"]
    evidence = event["payload"]["art31_compliance"]
    assert evidence["justification_given"] is True and evidence["fully_met"] is False
    assert [(m["citation"], m["period"], m["done"], m["required"]) for m in evidence["missed"]] == [
        ("第9条（四）", "2026-01-01", 0, 1),
        ("第9条（四）", "2026-02-01", 0, 1),
    ]
    subject = api(OFFICER).get(f"/api/v1/cases/{case.pk}/").json()["subjects"][0]
    assert subject["finding"]["exemption_justification"] == why


def test_findings_without_the_claim_need_no_ledger(world, api, case):
    response = put_findings(api, case, {**CLAIM, "duties_fully_performed": False})
    assert response.status_code == 200, response.content
    [event] = findings_events(case)
    assert "art31_compliance" not in event.payload
