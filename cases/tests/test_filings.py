"""立案 of a subject (《监察法》2024 第四十二条), the recorded event inside ``investigating`` from which
《公职人员政务处分法》第五十二条 bars moving, promoting and rewarding the cadre: the service with the
database (once per subject, dates, who may record it, in which states) and the endpoint over HTTP
(status codes, error bodies, idempotency, nothing written on 400/403/404/409, the schema).

Personas: discipline_leader / discipline_leader2 approve 立案 for the county's discipline organ;
discipline_officer investigates (may not); organization_leader leads another department (may not);
huinong_discipline_officer and city_discipline_officer do not see the county's cases.
"""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from cases.codes import CaseEventKind, CaseState
from cases.models import Case, CaseEvent, Filing
from cases.selectors.records import cadre_record
from cases.services.filings import ALREADY_FILED, LEADER_ONLY, subject_file
from cases.tests._transitions_helpers import assert_error, snapshot
from cases.tests.scenarios import case_in_state
from core.errors import InvalidInput, NotFound, NotPermitted, PreconditionFailed
from core.persistence import local_today

pytestmark = pytest.mark.django_db

LEADER, LEADER2, OFFICER = "discipline_leader", "discipline_leader2", "discipline_officer"
DEPUTY, OTHER = "pl-baofeng:township_deputy:0", "pl-baofeng:township_deputy:1"
GROUNDS = "初步核实认为涉嫌对事故负有领导责任，需要追究责任。"
TODAY = local_today


@pytest.fixture(scope="module")
def world(module_world):
    """conftest's ``world``, built once for this module (``module_world``)."""
    return module_world


def _file(world, case, *, persona=LEADER, subject=None, on=None, reason=GROUNDS):
    subject = subject or case.subjects.order_by("id").first()
    return subject_file(
        case_id=case.pk, subject_id=subject.pk, filed_on=on or TODAY(), reason=reason, acting_user=world.users[persona]
    )


def _url(case, subject=None) -> str:
    subject = subject or case.subjects.order_by("id").first()
    return f"/api/v1/cases/{case.pk}/subjects/{subject.pk}/filing/"


# --- the service ---------------------------------------------------------------------------------


def test_a_leader_files_a_subject_with_the_event_and_history_监察法第四十二条(world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    filing = _file(world, case)
    assert filing.filed_on == TODAY() and filing.approved_by == world.users[LEADER] and filing.reason == GROUNDS
    [event] = CaseEvent.objects.filter(case=case, kind=CaseEventKind.FILED)
    assert event.actor == world.users[LEADER] and event.reason == GROUNDS
    assert event.from_state == event.to_state == CaseState.INVESTIGATING
    assert event.payload["subject"] == filing.subject_id and event.payload["filed_on"] == TODAY().isoformat()
    assert event.payload["approved_by"] == LEADER and "第四十二条" in event.payload["basis"]
    [row] = filing.history.all()
    assert row.history_user == world.users[LEADER] and row.history_change_reason == "立案"
    case.refresh_from_db()
    assert case.state == CaseState.INVESTIGATING  # no new state: the transitions stay as they were


def test_a_subject_is_filed_once(world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    _file(world, case)
    before = snapshot(case.pk)
    with pytest.raises(PreconditionFailed) as refused:
        _file(world, case, persona=LEADER2)
    assert str(refused.value.detail) == ALREADY_FILED % {"name": world.cadres[DEPUTY].name, "d": TODAY().isoformat()}
    assert snapshot(case.pk) == before


def test_filing_is_per_subject_and_bars_only_the_filed_one(world):
    case = case_in_state(world, CaseState.INVESTIGATING, cadres=(DEPUTY, OTHER))
    filed = case.subjects.get(cadre=world.cadres[DEPUTY])
    _file(world, case, subject=filed)
    assert not cadre_record(world.cadres[DEPUTY], TODAY())["eligible_for_promotion"]
    other = cadre_record(world.cadres[OTHER], TODAY())
    assert other["eligible_for_promotion"] and other["eligible_for_awards"] and other["blocking"] == []
    assert [n["case"] for n in other["notes"]] == [case.pk]
    # the second subject is filed on its own, later
    _file(world, case, subject=case.subjects.get(cadre=world.cadres[OTHER]), persona=LEADER2)
    assert not cadre_record(world.cadres[OTHER], TODAY())["eligible_for_promotion"]
    assert Filing.objects.filter(subject__case=case).count() == 2


def test_the_filing_date_is_not_in_the_future(world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    before = snapshot(case.pk)
    with pytest.raises(InvalidInput) as refused:
        _file(world, case, on=TODAY() + dt.timedelta(days=1))
    assert set(refused.value.detail) == {"filed_on"}
    assert snapshot(case.pk) == before


def test_the_filing_date_is_not_before_the_case_by_the_local_date(world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    # 00:30 in Ningxia is the previous day in UTC: the case was opened on the local day.
    opened = dt.datetime(2026, 3, 16, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    Case.objects.filter(pk=case.pk).update(created_at=opened)
    with pytest.raises(InvalidInput) as refused:
        _file(world, case, on=dt.date(2026, 3, 15))
    assert set(refused.value.detail) == {"filed_on"} and "2026-03-16" in str(refused.value.detail["filed_on"][0])
    assert _file(world, case, on=dt.date(2026, 3, 16)).filed_on == dt.date(2026, 3, 16)


def test_the_grounds_are_required(world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    with pytest.raises(InvalidInput) as refused:
        _file(world, case, reason="   ")
    assert set(refused.value.detail) == {"reason"}
    assert not Filing.objects.filter(subject__case=case).exists()


@pytest.mark.parametrize("persona", [OFFICER, "organization_leader", "emergency_officer"])
def test_only_a_leader_of_the_handling_discipline_organ_records_a_filing(world, persona):
    case = case_in_state(world, CaseState.INVESTIGATING)
    before = snapshot(case.pk)
    with pytest.raises(NotPermitted) as refused:
        _file(world, case, persona=persona)
    assert str(refused.value.detail) == str(LEADER_ONLY)
    assert snapshot(case.pk) == before


def test_a_case_not_handled_by_a_discipline_organ_cannot_be_filed(world):
    """立案 is the supervision organ's act (监察法第四十二条): a case the organization department
    handles (after an accepted transfer) has no 立案, whoever its leaders are."""
    case = case_in_state(world, CaseState.INVESTIGATING)
    Case.objects.filter(pk=case.pk).update(owner_department=world.departments["pl-organization"])
    with pytest.raises(NotPermitted):
        _file(world, case, persona="organization_leader")
    assert not Filing.objects.filter(subject__case=case).exists()


@pytest.mark.parametrize(
    "state",
    [CaseState.RECEIVED, CaseState.INQUIRING, CaseState.HELD, CaseState.DECIDED, CaseState.DISMISSED, CaseState.NOT_PURSUED],
)
def test_a_filing_is_refused_outside_the_investigation(world, state):
    case = case_in_state(world, state)
    before = snapshot(case.pk)
    with pytest.raises(PreconditionFailed) as refused:
        _file(world, case)
    assert refused.value.extra == {"state": state}
    assert snapshot(case.pk) == before


@pytest.mark.parametrize("state", [CaseState.ASSESSING, CaseState.PROPOSING, CaseState.APPROVING])
def test_a_late_filing_is_dated_no_later_than_the_submitted_findings(world, state):
    """A 立案 decided during the investigation may be recorded until the decision, dated by the day
    the findings were submitted (the investigation it opened ended then)."""
    case = case_in_state(world, state)
    submitted = timezone.localdate(CaseEvent.objects.get(case=case, kind=CaseEventKind.SUBMIT_FINDINGS).created_at)
    with mock.patch("cases.services.filings.local_today", return_value=submitted + dt.timedelta(days=3)):
        with pytest.raises(InvalidInput) as refused:
            _file(world, case, on=submitted + dt.timedelta(days=1))
    assert set(refused.value.detail) == {"filed_on"}
    assert _file(world, case, on=submitted).filed_on == submitted


def test_an_unknown_subject_is_not_found(world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    elsewhere = case_in_state(world, CaseState.INVESTIGATING, cadres=(OTHER,)).subjects.get()
    with pytest.raises(NotFound):
        _file(world, case, subject=elsewhere)
    assert not Filing.objects.filter(subject=elsewhere).exists()


# --- over HTTP -----------------------------------------------------------------------------------


def test_api_records_a_filing_201_and_the_case_shows_it(world, api):
    case = case_in_state(world, CaseState.INVESTIGATING)
    subject = case.subjects.get()
    response = api(LEADER).post(_url(case), {"filed_on": TODAY().isoformat(), "reason": GROUNDS}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["subject"] == subject.pk and body["filed_on"] == TODAY().isoformat()
    assert body["approved_by"] == LEADER and body["reason"] == GROUNDS
    detail = api(OFFICER).get(f"/api/v1/cases/{case.pk}/").json()
    assert detail["state"] == CaseState.INVESTIGATING
    assert detail["subjects"][0]["filing"]["filed_on"] == TODAY().isoformat()
    history = api(OFFICER).get(f"/api/v1/cases/{case.pk}/history/").json()
    [event] = [e for e in history["events"] if e["kind"] == "filed"]
    assert event["actor"] == LEADER and event["reason"] == GROUNDS
    assert any(c["model"] == "filing" for c in history["changes"])


def test_api_retry_with_the_same_idempotency_key_returns_the_first_filing(world, api):
    case = case_in_state(world, CaseState.INVESTIGATING)
    client = api(LEADER)
    body = {"filed_on": TODAY().isoformat(), "reason": GROUNDS}
    first = client.post(_url(case), body, format="json", HTTP_IDEMPOTENCY_KEY="filing-1")
    again = client.post(_url(case), body, format="json", HTTP_IDEMPOTENCY_KEY="filing-1")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json() == first.json()
    assert Filing.objects.filter(subject__case=case).count() == 1
    assert CaseEvent.objects.filter(case=case, kind="filed").count() == 1
    # without the key, a second filing of the subject is a conflict
    assert_error(client.post(_url(case), body, format="json"), 409, "precondition_failed")


@pytest.mark.parametrize(
    "body, fields",
    [
        ({"reason": GROUNDS}, ("filed_on",)),
        ({"filed_on": "2026/03/01", "reason": GROUNDS}, ("filed_on",)),
        ({"filed_on": "2999-01-01", "reason": GROUNDS}, ("filed_on",)),
        ({"filed_on": "2000-01-01", "reason": GROUNDS}, ("filed_on",)),
        ({"filed_on": "today"}, ("filed_on", "reason")),
        ({"filed_on": "@today", "reason": ""}, ("reason",)),
    ],
)
def test_api_bad_input_is_400_naming_the_field_and_writes_nothing(world, api, body, fields):
    case = case_in_state(world, CaseState.INVESTIGATING)
    body = {k: (TODAY().isoformat() if v == "@today" else v) for k, v in body.items()}
    before = snapshot(case.pk)
    assert_error(api(LEADER).post(_url(case), body, format="json"), 400, "invalid", fields=fields)
    assert snapshot(case.pk) == before


def test_api_officer_is_403_and_writes_nothing(world, api):
    case = case_in_state(world, CaseState.INVESTIGATING)
    before = snapshot(case.pk)
    body = assert_error(
        api(OFFICER).post(_url(case), {"filed_on": TODAY().isoformat(), "reason": GROUNDS}, format="json"),
        403,
        "not_permitted",
    )
    assert "第四十二条" in body["detail"]
    assert snapshot(case.pk) == before


@pytest.mark.parametrize("persona", ["huinong_discipline_officer", "city_discipline_officer", "audit_officer"])
def test_api_users_who_do_not_see_the_case_get_404(world, api, persona):
    case = case_in_state(world, CaseState.INVESTIGATING)
    before = snapshot(case.pk)
    response = api(persona).post(_url(case), {"filed_on": TODAY().isoformat(), "reason": GROUNDS}, format="json")
    assert_error(response, 404, "not_found")
    assert snapshot(case.pk) == before


def test_api_subject_of_another_case_is_404(world, api):
    case = case_in_state(world, CaseState.INVESTIGATING)
    other = case_in_state(world, CaseState.INVESTIGATING, cadres=(OTHER,))
    url = f"/api/v1/cases/{case.pk}/subjects/{other.subjects.get().pk}/filing/"
    assert_error(api(LEADER).post(url, {"filed_on": TODAY().isoformat(), "reason": GROUNDS}, format="json"), 404, "not_found")
    assert not Filing.objects.filter(subject__case__in=[case, other]).exists()


def test_api_wrong_state_is_409_with_the_state_and_writes_nothing(world, api):
    case = case_in_state(world, CaseState.RECEIVED)
    before = snapshot(case.pk)
    response = api(LEADER).post(_url(case), {"filed_on": TODAY().isoformat(), "reason": GROUNDS}, format="json")
    body = assert_error(response, 409, "precondition_failed")
    assert body["state"] == CaseState.RECEIVED
    assert snapshot(case.pk) == before


def test_api_schema_documents_the_endpoint_and_its_errors(world, api):
    schema = api(OFFICER).get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/cases/{case_pk}/subjects/{subject_pk}/filing/"]["post"]
    assert {"200", "201", "400", "403", "404", "409"} <= set(operation["responses"])
    assert "Idempotency-Key" in {p["name"] for p in operation.get("parameters", [])}
    request = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert {"filed_on", "reason"} <= set(schema["components"]["schemas"][request]["properties"])
    moves = schema["paths"]["/api/v1/cadres/{id}/moves/"]["post"]
    assert "409" in moves["responses"]
    move_request = moves["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert {"confirm_under_investigation", "reason"} <= set(schema["components"]["schemas"][move_request]["properties"])
