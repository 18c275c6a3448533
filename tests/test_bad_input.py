"""Bad input is the client's fault, never a 500 (issue 15, item 7).

Personas (``conftest.py``): discipline_officer, signed in (session and token), sends NUL
characters, lone surrogates and oversized bodies to every URL the resolver knows.
"""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authtoken.models import Token

from cases.codes import CaseState
from cases.models import Case, CaseEvent
from cases.tests.scenarios import case_in_state

OFFICER = "discipline_officer"
NUL_QUERY = "q=%00x&state=%00&kind=a%00b"
SURROGATE_QUERY = "q=%ED%A0%80&state=%ED%A0%80&kind=%ED%A0%80"
NUL_JSON = '{"name": "inquire", "reason": "a\\u0000b", "team": ["\\u0000"], "q": "\\u0000"}'
SURROGATE_JSON = '{"name": "inquire", "reason": "\\ud800", "team": ["\\udfff"], "title": "x\\ud800"}'


def _paths(values: dict[str, str]) -> list[str]:
    """Every URL of the resolver, its parameters filled with ``values`` (a demo id by default)."""
    out: list[str] = []

    def fill(pattern: str) -> str | None:
        pattern = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m.group(1), values["*"]), pattern)
        pattern = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values.get(m.group(1), values["*"]), pattern)
        pattern = pattern.replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "/")
        return None if re.search(r"[\\()\[\]*+?|]", pattern) else "/" + pattern

    def walk(patterns, prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and (path := fill(prefix + str(p.pattern))) is not None:
                out.append(path)

    walk(get_resolver().url_patterns, "")
    return sorted(set(out))


@pytest.fixture
def officer(world) -> Client:
    client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=world.users[OFFICER])[0].key}")
    client.force_login(world.users[OFFICER])
    return client


def _assert_refused(response, path: str, expected: int = 400) -> None:
    assert response.status_code == expected, (path, response.status_code, response.content[:300])
    if path.startswith("/api/"):
        body = response.json()
        assert set(body) >= {"error", "detail"} and body["error"], (path, body)


@pytest.mark.django_db
def test_every_url_answers_nul_and_lone_surrogates_with_400(world, officer):
    case = case_in_state(world, CaseState.INVESTIGATING)
    paths = _paths({"*": str(case.pk), "format": "json", "code": "pingluo", "number": case.number})
    assert len(paths) > 300  # the walk reached the whole site, the API and the admin
    events, cases = CaseEvent.objects.count(), Case.objects.count()
    for path in paths:
        for query in (NUL_QUERY, SURROGATE_QUERY):
            _assert_refused(officer.get(f"{path}?{query}"), path)
        for body in (NUL_JSON, SURROGATE_JSON):
            _assert_refused(officer.post(f"{path}?x=1", body, content_type="application/json"), path)
        _assert_refused(officer.post(path, {"reason": "a\x00b", "title": "x"}), path)
        _assert_refused(officer.post(path, "reason=%ED%A0%80", content_type="application/x-www-form-urlencoded"), path)
    assert (CaseEvent.objects.count(), Case.objects.count()) == (events, cases)


@pytest.mark.django_db
def test_a_transition_with_a_lone_surrogate_or_nul_in_its_reason_writes_nothing(world, api):
    case = case_in_state(world, CaseState.RECEIVED)
    client = api("discipline_leader")  # who may dismiss: the refusal is about the text, not the right
    before = list(CaseEvent.objects.filter(case=case).values_list("pk", flat=True)), case.history.count()
    for reason in ("\ud800", "不属于\x00本机关"):
        body = json.dumps({"name": "dismiss", "reason": reason})  # ensure_ascii: "\ud800" as JSON escapes it
        response = client.post(f"/api/v1/cases/{case.pk}/transitions/", body, content_type="application/json")
        _assert_refused(response, "/api/")
        assert response.json()["error"] == "invalid"
    for q in ("%00", "%ED%A0%80"):
        _assert_refused(client.get(f"/api/v1/cases/?q={q}&state={q}"), "/api/")
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED
    assert (list(CaseEvent.objects.filter(case=case).values_list("pk", flat=True)), case.history.count()) == before


@pytest.mark.django_db
def test_a_page_form_with_a_nul_answers_the_400_page(world, officer):
    case = case_in_state(world, CaseState.RECEIVED)
    response = officer.post(f"/cases/{case.pk}/", {"name": "dismiss", "reason": "x\x00y"})
    assert response.status_code == 400
    assert "NUL" in response.content.decode() or "请求" in response.content.decode()
    response = officer.get("/cases/?q=%00")
    assert response.status_code == 400


@pytest.mark.django_db
def test_a_13_mb_body_answers_413_with_the_error_shape(world, officer):
    big = b"x" * (13 * 1024 * 1024)
    cases = Case.objects.count()
    response = officer.post("/api/v1/leads/", big, content_type="application/json")
    _assert_refused(response, "/api/", 413)
    assert response.json()["error"] == "request_too_large"
    response = officer.post("/cases/", {"q": "x" * (13 * 1024 * 1024)})  # a page form
    assert response.status_code == 413
    assert Case.objects.count() == cases


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_websocket_token_with_nul_or_lone_surrogate_is_refused(world):
    from channels.testing import WebsocketCommunicator

    from config.asgi import application
    from notifications.consumers import CLOSE_BAD_REQUEST

    for query in (b"token=%00abc", b"token=%ED%A0%80", b"token=\xed\xa0\x80"):
        communicator = WebsocketCommunicator(application, "/ws/notifications/", headers=[(b"origin", b"http://127.0.0.1")])
        communicator.scope["query_string"] = query
        connected, _ = await communicator.connect()
        assert connected
        message = await communicator.receive_json_from(timeout=5)
        assert message["type"] == "error" and message["code"] == CLOSE_BAD_REQUEST
        closing = await communicator.receive_output(timeout=5)
        assert closing == {"type": "websocket.close", "code": CLOSE_BAD_REQUEST}
