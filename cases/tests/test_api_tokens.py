"""API tokens (issue 15 item 2): wrong credentials are a 401 with ``WWW-Authenticate: Token``;
a token expires after ``ZEREN_TOKEN_TTL_HOURS`` and is revoked on logout (API and web), password
change and deactivation; a user lists and revokes their own tokens; the WebSocket's ``?token=``
is checked the same way. Expiry is reached by moving the row's time, never by waiting."""

from __future__ import annotations

import datetime as dt

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.models import ApiToken

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
ME = "/api/v1/auth/me/"
OFFICER = "discipline_officer"


def _sign_in(username: str = OFFICER, password: str | None = None):
    return APIClient().post(TOKEN, {"username": username, "password": password or settings.DEMO_PASSWORD}, format="json")


def _key(username: str = OFFICER) -> str:
    response = _sign_in(username)
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _refused(response) -> None:
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["error"] in ("authentication_failed", "not_authenticated")


@pytest.mark.parametrize(
    ("username", "password"),
    [(OFFICER, "wrong"), ("nobody", "wrong"), ("nobody", "zeren-demo")],
)
def test_wrong_credentials_are_a_401_with_www_authenticate(world, username, password):
    response = _sign_in(username, password)
    _refused(response)
    assert response.json()["error"] == "authentication_failed"
    assert ApiToken.objects.count() == 0 and Token.objects.count() == 0


def test_an_inactive_user_gets_a_401_and_no_token(world):
    type(world.users[OFFICER]).objects.filter(pk=world.users[OFFICER].pk).update(is_active=False)
    _refused(_sign_in())
    assert ApiToken.objects.count() == 0


def test_a_token_says_when_it_expires_a_working_day_by_default(world):
    before = timezone.now()
    body = _sign_in().json()
    assert set(body) == {"token", "expires_at"}
    expires = parse_datetime(body["expires_at"])
    assert expires is not None
    assert before + dt.timedelta(hours=8) <= expires <= timezone.now() + dt.timedelta(hours=8)
    assert _with(body["token"]).get(ME).json()["username"] == OFFICER
    # only a digest is stored, never the key
    assert not ApiToken.objects.filter(digest=body["token"]).exists()


@override_settings(ZEREN_TOKEN_TTL_HOURS=1)
def test_the_lifetime_is_configurable(world):
    expires = parse_datetime(_sign_in().json()["expires_at"])
    assert expires is not None and expires <= timezone.now() + dt.timedelta(hours=1)


def test_an_expired_token_is_refused(world):
    key = _key()
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    _refused(_with(key).get(ME))
    _refused(_with(key).get("/api/v1/cases/"))


def test_a_legacy_authtoken_row_expires_by_its_creation_time(world):
    legacy = Token.objects.create(user=world.users[OFFICER])
    assert _with(legacy.key).get(ME).status_code == 200
    Token.objects.filter(pk=legacy.pk).update(created=timezone.now() - dt.timedelta(hours=settings.ZEREN_TOKEN_TTL_HOURS))
    _refused(_with(legacy.key).get(ME))


@pytest.mark.parametrize("key", ["0" * 40, "zrn_" + "A" * 43, "bad\x00key", "zrn_\xe9t\xe9"])
def test_an_unknown_or_malformed_token_is_a_401(world, key):
    _refused(_with(key).get(ME))


@pytest.mark.parametrize("how", ["delete_token", "api_logout"])
def test_signing_out_revokes_the_token_in_use_only(world, how):
    first, second = _key(), _key()
    client = _with(first)
    response = client.delete(TOKEN) if how == "delete_token" else client.post("/api/v1/auth/logout/")
    assert response.status_code == 204
    _refused(_with(first).get(ME))
    assert _with(second).get(ME).status_code == 200
    assert ApiToken.objects.count() == 1


def test_signing_out_without_credentials_is_a_401_and_revokes_nothing(world):
    _key()
    _refused(APIClient().delete(TOKEN))
    _refused(APIClient().post("/api/v1/auth/logout/"))
    assert ApiToken.objects.count() == 1


def test_web_logout_revokes_every_token_of_the_user(world, client):
    mine, others = _key(), _key("discipline_leader")
    legacy = Token.objects.create(user=world.users[OFFICER]).key
    client.force_login(world.users[OFFICER])
    assert client.post("/logout/").status_code == 302
    _refused(_with(mine).get(ME))
    _refused(_with(legacy).get(ME))
    assert _with(others).get(ME).status_code == 200


def test_a_password_change_revokes_every_token(world):
    key = _key()
    user = world.users[OFFICER]
    user.set_password("a-new-password-123")
    user.save()
    _refused(_with(key).get(ME))
    assert not ApiToken.objects.filter(user=user).exists()


def test_deactivation_revokes_every_token_even_after_reactivation(world):
    key = _key()
    user = world.users[OFFICER]
    user.is_active = False
    user.save()
    assert not ApiToken.objects.filter(user=user).exists()
    user.is_active = True
    user.save()
    _refused(_with(key).get(ME))


def test_a_user_lists_and_revokes_their_own_tokens(world):
    first, second = _key(), _key()
    theirs = _key("discipline_leader")
    client = _with(first)
    response = client.get("/api/v1/auth/tokens/")
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 2
    assert all(set(row) == {"id", "prefix", "created", "expires_at", "last_used", "current"} for row in rows)
    assert [row["current"] for row in rows] == [False, True]  # newest first; this request used the first
    assert first not in response.content.decode() and second not in response.content.decode()
    second_id = rows[0]["id"]
    # another user's token is not found and stays
    their_id = ApiToken.objects.get(user=world.users["discipline_leader"]).pk
    assert client.delete(f"/api/v1/auth/tokens/{their_id}/").status_code == 404
    assert _with(theirs).get(ME).status_code == 200
    assert client.delete(f"/api/v1/auth/tokens/{second_id}/").status_code == 204
    _refused(_with(second).get(ME))
    assert [row["current"] for row in client.get("/api/v1/auth/tokens/").json()] == [True]
    _refused(APIClient().get("/api/v1/auth/tokens/"))


def test_last_used_is_written_at_most_once_in_a_while(world):
    key = _key()
    client = _with(key)
    client.get(ME)
    stamp = ApiToken.objects.get().last_used
    assert stamp is not None
    with CaptureQueriesContext(connection) as queries:
        client.get(ME)
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert ApiToken.objects.get().last_used == stamp


def test_the_schema_describes_the_token_endpoints_and_their_401s(world):
    schema = _with(_key()).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert {"post", "delete"} <= set(paths["/api/v1/auth/token/"])
    assert "401" in paths["/api/v1/auth/token/"]["post"]["responses"]
    assert set(schema["components"]["schemas"]["Token"]["required"]) == {"token", "expires_at"}
    assert paths["/api/v1/auth/token/"]["post"].get("security", [{}]) in ([{}], [])  # signing in needs no token
    assert "401" in paths["/api/v1/auth/tokens/"]["get"]["responses"]
    assert {"204", "404"} <= set(paths["/api/v1/auth/tokens/{id}/"]["delete"]["responses"])
    assert "204" in paths["/api/v1/auth/logout/"]["post"]["responses"]


async def _ws_code(key: str) -> int | None:
    from config.asgi import application

    communicator = WebsocketCommunicator(
        application, f"/ws/notifications/?token={key}", headers=[(b"origin", b"http://127.0.0.1")]
    )
    connected, _code = await communicator.connect()
    assert connected
    message = await communicator.receive_json_from(timeout=5)
    await communicator.disconnect()
    return message.get("code") if message["type"] == "error" else None


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_the_websocket_checks_tokens_the_same_way(world):
    from notifications.consumers import CLOSE_UNAUTHENTICATED

    key = await sync_to_async(_key)()
    assert await _ws_code(key) is None
    await sync_to_async(ApiToken.objects.update)(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert await _ws_code(key) == CLOSE_UNAUTHENTICATED
    revoked = await sync_to_async(_key)()
    await sync_to_async(lambda: _with(revoked).delete(TOKEN))()
    assert await _ws_code(revoked) == CLOSE_UNAUTHENTICATED
