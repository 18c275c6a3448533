"""Schemathesis over /api/schema/ (issue 7 item 5): every operation of API v1, fed with data
generated from the schema — valid and invalid — by several personas, never answers a server
error, and every error keeps the one shape ``{"error", "detail"}`` with no stack trace or SQL.

Bounded in time: a fixed number of examples per operation and persona, derandomized so a CI
run is repeatable. The requests go through Django's WSGI handler in process, inside the test's
transaction, against the demo county.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup

pytestmark = pytest.mark.django_db

EXAMPLES = 6
PERSONAS = ["discipline_officer", "organization_leader", "audit_officer", "city_discipline_officer"]
SIGN_OUT = {"DELETE /api/v1/auth/token/", "POST /api/v1/auth/logout/"}
LEAKS = ("Traceback", 'File "/', "psycopg", "sqlite3", "SELECT ", "IntegrityError", "django.db")


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


def test_no_operation_answers_a_server_error(world, wsgi_app):
    tokens = {name: Token.objects.get_or_create(user=world.users[name])[0].key for name in PERSONAS}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    # Signing out revokes the persona's token: fuzz it last, so it does not cut the run short.
    operations.sort(key=lambda operation: operation.label in SIGN_OUT)
    assert len(operations) > 40  # the whole API, not a corner of it
    problems: list[str] = []
    calls = 0

    def fuzz(operation, persona: str) -> None:
        headers = {"Authorization": f"Token {tokens[persona]}", "Accept-Language": "en"}

        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case):
            nonlocal calls
            calls += 1
            response = case.call(headers=headers)
            case.validate_response(response, checks=[not_a_server_error])
            if response.status_code < 400 or "json" not in response.headers.get("Content-Type", [""])[0]:
                return
            text = response.text
            body = response.json()
            if not (isinstance(body, dict) and "error" in body and "detail" in body):
                problems.append(f"{case.method} {case.formatted_path}: error without the shape: {text[:200]}")
            leaked = [word for word in LEAKS if word in text]
            if leaked:
                problems.append(f"{case.method} {case.formatted_path}: error leaks {leaked}: {text[:200]}")

        try:
            check()
        except FailureGroup as exc:  # a BaseExceptionGroup: collect every operation's failures, report them together
            problems.append(f"{operation.label} as {persona}: {exc}"[:600])

    for operation in operations:
        for persona in PERSONAS:
            fuzz(operation, persona)

    assert calls > len(operations) * len(PERSONAS)
    assert not problems, "\n".join(problems[:30])
