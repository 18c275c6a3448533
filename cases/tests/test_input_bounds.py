"""Inputs bounded (issue 15, item 10, text lengths and dates) over HTTP.

Personas (``conftest.py``): emergency_officer refers leads; discipline_officer moves a case;
organization_officer records cadre moves; organization_leader overrides a veto. A refusal is a
400 naming the field and writes nothing.
"""

from __future__ import annotations

import re

import pytest

from cases.codes import CaseState
from cases.models import Case, VetoOverride
from cases.tests._resources_helpers import _lead_body, unchanged
from cases.tests._transitions_helpers import assert_error
from cases.tests.scenarios import case_in_state
from core.inputs import FACTS_MAX_LENGTH, TEXT_MAX_LENGTH
from org.models import Post

pytestmark = pytest.mark.django_db
BAOFENG_DEPUTY = "pl-baofeng:township_deputy:0"


def test_facts_beyond_the_limit_are_refused_and_the_limit_is_in_the_schema(world, api):
    client = api("emergency_officer")
    leads = Case.objects.count()
    response = unchanged(
        lambda: client.post("/api/v1/leads/", _lead_body(world, facts="事" * (FACTS_MAX_LENGTH + 1)), format="json")
    )
    assert_error(response, 400, "invalid", fields=("facts",))
    assert Case.objects.count() == leads
    response = client.post("/api/v1/leads/", _lead_body(world, facts="事" * FACTS_MAX_LENGTH), format="json")
    assert response.status_code == 201, response.content
    schema = api("discipline_officer").get("/api/schema/?format=json").json()
    lead = schema["components"]["schemas"]["LeadRequest"]["properties"]
    assert lead["facts"]["maxLength"] == FACTS_MAX_LENGTH


def test_the_lead_page_refuses_facts_beyond_the_limit(world, client):
    client.force_login(world.users["emergency_officer"])
    leads = Case.objects.count()
    response = client.post(
        "/leads/new/",
        {
            "title": "x",
            "facts": "事" * (FACTS_MAX_LENGTH + 1),
            "source_kind": "audit",
            "subjects": [world.cadres[BAOFENG_DEPUTY].pk],
        },
    )
    assert response.status_code in (200, 400)
    assert Case.objects.count() == leads


def test_a_transition_reason_beyond_the_limit_is_refused(world, api):
    case = case_in_state(world, CaseState.RECEIVED)
    body = {"name": "dismiss", "reason": "由" * (TEXT_MAX_LENGTH + 1)}
    response = unchanged(
        lambda: api("discipline_leader").post(f"/api/v1/cases/{case.pk}/transitions/", body, format="json"), case_id=case.pk
    )
    assert_error(response, 400, "invalid", fields=("reason",))
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED


@pytest.mark.parametrize("day", ["0001-01-01", "1948-12-31", "9999-12-31"])
def test_a_move_on_an_implausible_date_is_refused(world, api, day):
    cadre = world.cadres[BAOFENG_DEPUTY]
    posts = list(Post.objects.filter(cadre=cadre).values_list("pk", "start", "end"))
    response = unchanged(
        lambda: api("organization_officer").post(
            f"/api/v1/cadres/{cadre.pk}/moves/", {"kind": "retirement", "effective_date": day}, format="json"
        )
    )
    assert_error(response, 400, "invalid", fields=("effective_date",))
    assert list(Post.objects.filter(cadre=cadre).values_list("pk", "start", "end")) == posts
    cadre.refresh_from_db()
    assert cadre.status == "in_office"


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_veto_override_on_an_implausible_date_is_refused(world, api, day):
    case = case_in_state(world, CaseState.RECEIVED)
    subject = case.subjects.get()
    response = unchanged(
        lambda: api("organization_leader").post(
            f"/api/v1/cases/{case.pk}/subjects/{subject.pk}/veto-override/", {"until": day, "reason": "理由"}, format="json"
        ),
        case_id=case.pk,
    )
    assert_error(response, 400, "invalid", fields=("until",))
    assert not VetoOverride.objects.exists()


# --- every free text bounded, every past date plausible (issue 15, item 10) ----------------------


def _unbounded_strings(schema: dict) -> set[str]:
    """Writable string fields of every request body with no ``maxLength`` (enums, dates, files
    and decimals, bounded by their format, aside)."""
    components = schema["components"]["schemas"]
    found: set[str] = set()

    def walk(node: dict, path: str, seen: frozenset[str]) -> None:
        if "$ref" in node:
            ref = node["$ref"].rsplit("/", 1)[-1]
            if ref not in seen:
                walk(components[ref], ref, seen | {ref})
            return
        for key in ("allOf", "oneOf", "anyOf"):
            for sub in node.get(key, []):
                walk(sub, path, seen)
        kind = node.get("type")
        if kind == "object":
            for name, sub in node.get("properties", {}).items():
                if not sub.get("readOnly"):
                    walk(sub, f"{path}.{name}", seen)
            if isinstance(node.get("additionalProperties"), dict):
                walk(node["additionalProperties"], f"{path}.*", seen)
        elif kind == "array":
            walk(node.get("items", {}), f"{path}[]", seen)
        elif kind == "string" and "maxLength" not in node and "enum" not in node:
            if node.get("format") not in ("date", "date-time", "binary", "decimal", "uri"):
                found.add(path)

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for content_type, media in (operation.get("requestBody") or {}).get("content", {}).items():
                walk(media.get("schema", {}), f"{method.upper()} {path} ({content_type})", frozenset())
    return found


def test_every_writable_text_in_the_schema_states_its_maximum_length(api):
    schema = api("discipline_officer").get("/api/schema/?format=json").json()
    assert _unbounded_strings(schema) == set()


def test_free_text_copied_into_history_is_bounded_in_the_model():
    """Every TextField of a model with a history has a max_length (rules data seeded from the
    articles aside: they are read, not typed)."""
    from django.apps import apps
    from django.db import models

    seeded = {
        "cases.DeadlinePolicy",
        "cases.MeasurePolicy",
        "cases.MeasurePolicyRule",
        "cases.InfluencePeriod",
        "duties.Obligation",
    }
    unbounded = [
        f"{model._meta.label}.{field.name}"
        for label in ("cases", "duties", "appraisal", "rulebooks")
        for model in apps.get_app_config(label).get_models()
        if hasattr(model, "history") and model._meta.label not in seeded
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField) and field.max_length is None
    ]
    assert unbounded == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("post_duties", "职" * (TEXT_MAX_LENGTH + 1)),
        ("performance", "履" * (FACTS_MAX_LENGTH + 1)),
        ("evidence", "证" * (FACTS_MAX_LENGTH + 1)),
    ],
)
def test_findings_beyond_the_limits_are_refused_and_nothing_is_written(world, api, field, value):
    case = case_in_state(world, CaseState.INVESTIGATING)
    subject = case.subjects.get()
    body = {"circumstances": ["26.5"], "conduct_date": "2026-03-15", "performance": "未按期检查", field: value}
    response = unchanged(
        lambda: api("discipline_officer").put(f"/api/v1/cases/{case.pk}/subjects/{subject.pk}/findings/", body, format="json"),
        case_id=case.pk,
    )
    assert_error(response, 400, "invalid", fields=(field,))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("occurred_at", "0001-01-01T08:00:00+08:00"),
        ("description", "述" * (FACTS_MAX_LENGTH + 1)),
    ],
)
def test_an_accident_beyond_the_limits_is_refused(world, api, field, value):
    body = {"title": "某企业机械伤害事故", "occurred_at": "2026-03-01T08:00:00+08:00", "deaths": 1, "serious_injuries": 0}
    response = unchanged(lambda: api("emergency_officer").post("/api/v1/accidents/", {**body, field: value}, format="json"))
    assert_error(response, 400, "invalid", fields=(field,))


@pytest.mark.parametrize("day", ["0001-01-01", "1948-12-31"])
def test_an_interview_on_an_implausible_day_is_refused(world, api, day):
    from appraisal.models import Interview

    body = {
        "held_on": day,
        "department": world.departments["pl-baofeng"].pk,
        "cadre": world.cadres["pl-baofeng:township_head:0"].pk,
        "ground": "hazard_rectification",
        "notes": "就重大隐患整改不到位约谈。",
    }
    response = api("organization_officer").post("/api/v1/interviews/", body, format="json")
    assert_error(response, 400, "invalid", fields=("held_on",))
    assert not Interview.objects.exists()


def test_the_transition_form_refuses_a_reason_beyond_the_api_limit_with_an_error(world, client):
    case = case_in_state(world, CaseState.RECEIVED)
    client.force_login(world.users["discipline_leader"])
    page = client.get(f"/cases/{case.pk}/transitions/dismiss/")
    assert page.status_code == 200, page.status_code
    # No maxlength: a browser would cut a pasted reason there without a word.
    assert not re.search(r'\smaxlength="', page.content.decode())
    response = unchanged(
        lambda: client.post(f"/cases/{case.pk}/transitions/dismiss/", {"reason": "由" * (TEXT_MAX_LENGTH + 1)}),
        case_id=case.pk,
    )
    assert response.status_code == 400
    [error] = response.context["form"].errors["reason"]
    assert str(TEXT_MAX_LENGTH) in error
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED
