"""An accident's times over HTTP (issue 13): the unit's 1-hour clock runs from ``known_at``
(《生产安全事故报告和调查处理条例》第九条: "单位负责人接到报告后1小时内") when it is recorded, else from
the occurrence, and says which; ``known_at`` cannot precede the accident; no time may lie in the
future. Every refusal is a 400 naming the field and changes nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Accident, AccidentReport
from cases.tests._resources_helpers import unchanged
from cases.tests._transitions_helpers import assert_error

pytestmark = pytest.mark.django_db

CST = dt.timezone(dt.timedelta(hours=8))
OCCURRED = dt.datetime(2026, 4, 1, 8, 0, tzinfo=CST)
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture(scope="module")
def world(module_world):
    """conftest's ``world``, built once for this module (``module_world``)."""
    return module_world


@pytest.fixture
def officer(api):
    client = api("emergency_officer")
    client.credentials(HTTP_AUTHORIZATION=client._credentials["HTTP_AUTHORIZATION"], HTTP_ACCEPT_LANGUAGE="en")
    return client


def _body(**extra) -> dict:
    return {
        "title": "某企业机械伤害事故",
        "occurred_at": OCCURRED.isoformat(),
        "deaths": 1,
        "serious_injuries": 0,
        "direct_loss_yuan": "100000.00",
        **extra,
    }


def _create(officer, **extra) -> dict:
    response = officer.post("/api/v1/accidents/", _body(**extra), format="json")
    assert response.status_code == 201, response.content
    return response.json()


def _future() -> dt.datetime:
    return timezone.now() + dt.timedelta(hours=1)


# --- the unit's clock (第九条) ------------------------------------------------------------------------


def test_reported_80_minutes_after_the_accident_but_50_after_the_head_knew_is_on_time(officer):
    body = _create(officer, known_at=(OCCURRED + 30 * MINUTE).isoformat(), unit_reported_at=(OCCURRED + 80 * MINUTE).isoformat())
    assert dt.datetime.fromisoformat(body["known_at"]) == OCCURRED + 30 * MINUTE
    timeliness = body["timeliness"]
    assert timeliness["late"] is False and timeliness["unit_clock_from"] == "known_at"
    assert dt.datetime.fromisoformat(timeliness["unit_clock_start"]) == OCCURRED + 30 * MINUTE
    [step] = timeliness["steps"]
    assert dt.datetime.fromisoformat(step["deadline"]) == OCCURRED + 90 * MINUTE
    assert "第九条" in timeliness["explanation"][0] and "获知时间起算" in timeliness["explanation"][0]


def test_the_same_report_without_known_at_is_late_from_the_occurrence_and_says_why(officer):
    body = _create(officer, unit_reported_at=(OCCURRED + 80 * MINUTE).isoformat())
    timeliness = body["timeliness"]
    assert body["known_at"] is None
    assert timeliness["late"] is True and timeliness["unit_clock_from"] == "occurred_at"
    [step] = timeliness["steps"]
    assert (step["late"], step["minutes_late"]) == (True, 20)
    assert "未记录单位负责人获知时间，单位的时限自事故发生时间起算" in timeliness["explanation"][0]


def test_recording_known_at_later_moves_the_clock_and_is_in_the_history(officer):
    accident = _create(officer, unit_reported_at=(OCCURRED + 80 * MINUTE).isoformat())
    assert accident["timeliness"]["late"] is True
    patched = officer.patch(
        f"/api/v1/accidents/{accident['id']}/", {"known_at": (OCCURRED + 45 * MINUTE).isoformat()}, format="json"
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["timeliness"]["late"] is False
    latest = Accident.history.filter(id=accident["id"]).latest("history_date", "history_id")
    assert latest.known_at == OCCURRED + 45 * MINUTE and "known_at" in latest.history_change_reason
    assert latest.history_user.username == "emergency_officer"


# --- refusals -----------------------------------------------------------------------------------------


def test_known_at_before_the_accident_is_a_400_naming_known_at(officer):
    response = unchanged(
        lambda: officer.post("/api/v1/accidents/", _body(known_at=(OCCURRED - MINUTE).isoformat()), format="json")
    )
    body = assert_error(response, 400, "invalid", fields=("known_at",))
    assert body["detail"]["known_at"] == ["The unit head cannot have learned of the accident before it occurred."]


def test_known_at_before_the_accident_on_an_update_is_refused_and_changes_nothing(officer):
    accident = _create(officer)
    response = unchanged(
        lambda: officer.patch(
            f"/api/v1/accidents/{accident['id']}/", {"known_at": (OCCURRED - MINUTE).isoformat()}, format="json"
        )
    )
    assert_error(response, 400, "invalid", fields=("known_at",))
    assert Accident.objects.get(pk=accident["id"]).known_at is None


def test_a_unit_report_before_the_head_knew_is_a_400(officer):
    extra = {"known_at": (OCCURRED + 30 * MINUTE).isoformat(), "unit_reported_at": (OCCURRED + 10 * MINUTE).isoformat()}
    response = unchanged(lambda: officer.post("/api/v1/accidents/", _body(**extra), format="json"))
    assert_error(response, 400, "invalid", fields=("unit_reported_at",))


@pytest.mark.parametrize("field", ["occurred_at", "known_at", "unit_reported_at"])
def test_a_time_in_the_future_is_a_400_naming_the_field(officer, field):
    extra = {field: _future().isoformat()}
    response = unchanged(lambda: officer.post("/api/v1/accidents/", _body(**extra), format="json"))
    body = assert_error(response, 400, "invalid", fields=(field,))
    assert set(body["detail"]) == {field}
    assert "in the future" in body["detail"][field][0]


def test_moving_the_occurrence_into_the_future_is_refused(officer):
    accident = _create(officer)
    response = unchanged(
        lambda: officer.patch(f"/api/v1/accidents/{accident['id']}/", {"occurred_at": _future().isoformat()}, format="json")
    )
    assert_error(response, 400, "invalid", fields=("occurred_at",))
    assert Accident.objects.get(pk=accident["id"]).occurred_at == OCCURRED


def test_a_report_step_in_the_future_is_a_400_naming_reported_at(officer):
    accident = _create(officer)
    body = {"level": 0, "reporter": "某企业", "reported_at": _future().isoformat()}
    response = unchanged(lambda: officer.post(f"/api/v1/accidents/{accident['id']}/reports/", body, format="json"))
    error = assert_error(response, 400, "invalid", fields=("reported_at",))
    assert "in the future" in error["detail"]["reported_at"][0]
    assert not AccidentReport.objects.filter(accident_id=accident["id"]).exists()


def test_a_units_report_step_before_the_head_knew_is_a_400(officer):
    accident = _create(officer, known_at=(OCCURRED + 30 * MINUTE).isoformat())
    body = {"level": 0, "reporter": "某企业", "reported_at": (OCCURRED + 20 * MINUTE).isoformat()}
    response = unchanged(lambda: officer.post(f"/api/v1/accidents/{accident['id']}/reports/", body, format="json"))
    assert_error(response, 400, "invalid", fields=("reported_at",))


def test_a_time_a_minute_ahead_of_the_servers_clock_is_still_now(officer):
    """A device clock running a little fast is not "the future" (services.accidents.CLOCK_SKEW)."""
    body = _create(officer, occurred_at=(timezone.now() + MINUTE).isoformat())
    assert body["timeliness"]["unit_clock_from"] == "occurred_at"


def test_the_schema_describes_known_at_and_the_timeliness_object(officer):
    schema = officer.get("/api/schema/?format=json").json()
    accident = schema["components"]["schemas"]["Accident"]["properties"]
    assert accident["known_at"]["format"] == "date-time" and accident["known_at"].get("nullable") is True
    assert "条例第九条" in accident["known_at"]["description"]
    timeliness = schema["components"]["schemas"]["AccidentTimeliness"]["properties"]
    assert {"late", "steps", "basis", "no_limit_on", "unit_clock_from", "unit_clock_start", "explanation"} <= set(timeliness)
