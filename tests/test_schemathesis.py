"""Schemathesis over /api/schema/ (issue 7 item 5, issue 15 item 1): the schema tells the truth.

Every operation of API v1 is fed with data generated from the schema, valid (positive) and
invalid (negative), as four personas: an officer, a leader, an organization officer and a
referring agency. Each answer must pass schemathesis' checks

- not_a_server_error, status_code_conformance (every status is documented),
  content_type_conformance, response_schema_conformance (bodies match, nullable fields are
  nullable, lists have their real shape, enums are complete);
- negative_data_rejection: what violates the schema is refused;
- positive_data_acceptance: what fits the schema is accepted — or refused with 409 (the state
  refuses it), 403/404 (no right, not visible), or with a 400 whose every field is marked in the
  schema with ``x-server-rule`` (a rule on data the schema cannot know, such as an id that must
  exist; see core.api.schema and schemathesis.toml). A 400 naming an unmarked field, or a 400
  without field errors, to a schema-valid request fails the run;

and every error keeps the one shape ``{"error", "detail"}`` without a stack trace or SQL.

Bounded in time: a fixed number of examples per operation, mode and persona, derandomized so a
CI run is repeatable. The requests go through Django's WSGI handler in process, inside the
test's transaction, against the demo county.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup

pytestmark = pytest.mark.django_db

EXAMPLES = 3
# An officer, a leader, an organization officer, a referring agency (巡察/审计).
PERSONAS = ["discipline_officer", "discipline_leader", "organization_officer", "audit_officer"]
SIGN_OUT = {"DELETE /api/v1/auth/token/", "POST /api/v1/auth/logout/", "DELETE /api/v1/auth/tokens/{id}/"}
LEAKS = ("Traceback", 'File "/', "psycopg", "sqlite3", "SELECT ", "IntegrityError", "django.db")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    positive_data_acceptance,
]
RULE = "x-server-rule"


@pytest.fixture
def wsgi_app():
    # Django's test client does the same: a request must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def ruled_fields(document: dict[str, Any]) -> dict[str, set[str]]:
    """For each operation label, the body properties and query parameters marked ``x-server-rule``."""

    def deref(node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node:
            target: Any = document
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            node = target
        return node

    def marked(prop: Any) -> bool:
        prop = deref(prop)
        if not isinstance(prop, dict):
            return False
        if RULE in prop:
            return True
        if prop.get("type") == "array":
            return marked(prop.get("items"))
        return any(marked(option) for option in prop.get("allOf", []) + prop.get("oneOf", []))

    out: dict[str, set[str]] = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            fields = {p["name"] for p in operation.get("parameters", []) if RULE in p or RULE in p.get("schema", {})}
            for media in operation.get("requestBody", {}).get("content", {}).values():
                body = deref(media.get("schema", {}))
                for name, prop in body.get("properties", {}).items():
                    if marked(prop):
                        fields.add(name)
            out[f"{method.upper()} {path}"] = fields
    return out


def test_the_schema_tells_the_truth(world, wsgi_app):
    tokens = {name: Token.objects.get_or_create(user=world.users[name])[0].key for name in PERSONAS}
    config = SchemathesisConfig.from_path(Path(settings.BASE_DIR) / "schemathesis.toml")
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, config=config)
    document = schema.raw_schema
    ruled = ruled_fields(document)
    operations = [result.ok() for result in schema.get_all_operations()]
    # Signing out revokes the persona's token: fuzz those last, so they do not cut the run short.
    operations.sort(key=lambda operation: operation.label in SIGN_OUT)
    assert len(operations) > 80  # the whole API, not a corner of it
    problems: list[str] = []
    calls = {"positive": 0, "negative": 0}
    refused: set[tuple[str, object]] = set()

    def fuzz(operation, persona: str, mode: GenerationMode) -> None:
        headers = {"Authorization": f"Token {tokens[persona]}", "Accept-Language": "en"}
        allowed = ruled.get(operation.label, set())

        @hypothesis_settings(
            max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def check(case):
            calls[mode.value] += 1
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS)
            if response.status_code < 400:
                return
            text = response.text
            body = response.json()
            where = f"{case.method} {case.formatted_path} as {persona}"
            if not (isinstance(body, dict) and "error" in body and "detail" in body):
                problems.append(f"{where}: error without the shape: {text[:200]}")
                return
            leaked = [word for word in LEAKS if word in text]
            if leaked:
                problems.append(f"{where}: error leaks {leaked}: {text[:200]}")
            if mode is GenerationMode.POSITIVE and response.status_code == 400:
                # refusal_stated_in_schema: a schema-valid request meets a 400 only on a marked rule.
                detail = body["detail"]
                unmarked = sorted(set(detail) - allowed) if isinstance(detail, dict) else [repr(detail)]
                key = (operation.label, tuple(unmarked))
                if unmarked and key not in refused:  # each refusal once, not once per example and persona
                    refused.add(key)
                    sent = json.dumps(case.body, ensure_ascii=False, default=str)[:200] if case.body is not None else ""
                    problems.append(f"{where}: schema-valid request refused on {unmarked}: {text[:240]} (sent {sent})")

        try:
            check()
        except Unsatisfiable:
            # An operation without parameters or body has nothing a negative case could break.
            assert mode is GenerationMode.NEGATIVE, operation.label
        except FailureGroup as exc:  # a BaseExceptionGroup: collect every operation's failures, report them together
            problems.append(f"{operation.label} as {persona} ({mode.value}): {exc}"[:700])

    for operation in operations:
        for persona in PERSONAS:
            fuzz(operation, persona, GenerationMode.POSITIVE)
        # What the schema refuses is refused whoever asks: one persona is enough for negative data.
        fuzz(operation, PERSONAS[0], GenerationMode.NEGATIVE)

    assert calls["positive"] > len(operations) * len(PERSONAS)
    assert calls["negative"] > len(operations)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:80])


def test_every_operation_documents_its_errors_in_the_one_shape(client):
    document = client.get("/api/schema/?format=json").json()
    assert set(document["components"]["schemas"]["Error"]["required"]) == {"error", "detail"}
    assert not {"DocumentError", "RulebookError"} & set(document["components"]["schemas"])
    missing = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            wanted = {"400", "401", "403", "404", "406"} | ({"409", "413", "415"} if method != "get" else set())
            if not wanted <= codes:
                missing.append(f"{method.upper()} {path}: {sorted(wanted - codes)}")
            for code in wanted:
                content = operation["responses"][code].get("content", {})
                ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
                if not ref.endswith("Error"):  # the one shape, or one with extra fields (UnderInvestigationError)
                    missing.append(f"{method.upper()} {path} {code}: not the Error shape")
    assert not missing, missing[:20]
