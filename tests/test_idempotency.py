"""``Idempotency-Key`` (issue 7, faults): a client that lost the answer to a creating request
retries with the same key and gets the first result back, never a second row."""

from __future__ import annotations

import pytest

from cases.models import Case, CaseEvent
from duties.models import DutyRecord, Obligation

pytestmark = pytest.mark.django_db


def test_a_retried_lead_with_the_same_key_creates_one_case(world, api):
    client = api("emergency_officer")
    body = {
        "title": "重试",
        "facts": "事实",
        "source_kind": "inspection",
        "subjects": [world.cadres["pl-baofeng:township_deputy:0"].pk],
    }
    first = client.post("/api/v1/leads/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/v1/leads/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert Case.objects.filter(title="重试").count() == 1
    assert CaseEvent.objects.filter(case_id=first.json()["id"], kind="lead").count() == 1
    # another key, or none, is another lead
    assert client.post("/api/v1/leads/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-2").status_code == 201
    assert client.post("/api/v1/leads/", body, format="json").status_code == 201
    assert Case.objects.filter(title="重试").count() == 3


def test_keys_belong_to_their_user_and_bad_input_uses_none(world, api):
    body = {
        "title": "重试",
        "facts": "事实",
        "source_kind": "inspection",
        "subjects": [world.cadres["pl-baofeng:township_deputy:0"].pk],
    }
    refused = api("emergency_officer").post(
        "/api/v1/leads/", {**body, "subjects": []}, format="json", HTTP_IDEMPOTENCY_KEY="same"
    )
    assert refused.status_code == 400
    # the refused attempt did not use the key up
    assert api("emergency_officer").post("/api/v1/leads/", body, format="json", HTTP_IDEMPOTENCY_KEY="same").status_code == 201
    # the same key from another user is theirs
    assert api("audit_officer").post("/api/v1/leads/", body, format="json", HTTP_IDEMPOTENCY_KEY="same").status_code == 201
    too_long = api("audit_officer").post("/api/v1/leads/", body, format="json", HTTP_IDEMPOTENCY_KEY="x" * 101)
    assert too_long.status_code == 400 and "Idempotency-Key" in too_long.json()["detail"]


def test_a_retried_duty_record_with_the_same_key_is_recorded_once(world, api):
    client = api("organization_officer")
    body = {
        "cadre": world.cadres["pl-baofeng:township_deputy:0"].pk,
        "obligation": Obligation.objects.get(code="9-4-township").pk,
        "date": "2026-10-09",
    }
    first = client.post("/api/v1/duty-records/", body, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    again = client.post("/api/v1/duty-records/", body, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert (first.status_code, again.status_code) == (201, 200) and first.json()["id"] == again.json()["id"]
    assert DutyRecord.objects.filter(date="2026-10-09").count() == 1
