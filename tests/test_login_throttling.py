"""Login throttling (django-axes; issue 7 item 5): repeated wrong passwords lock the username
for that address, on the login page and on the API token endpoint alike, with a clear 429."""

from __future__ import annotations

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_the_token_endpoint_locks_after_the_failure_limit(world, client):
    url = "/api/v1/auth/token/"
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(url, {"username": "discipline_officer", "password": "wrong"}, content_type="application/json")
        assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
        assert response.json()["error"] == "authentication_failed"
    # the failure that reaches the limit locks the account for this address
    response = client.post(url, {"username": "discipline_officer", "password": "wrong"}, content_type="application/json")
    assert response.status_code == 429
    # now even the right password is refused, with the API's error shape and a Retry-After
    response = client.post(
        url, {"username": "discipline_officer", "password": settings.DEMO_PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 429
    assert response.json()["error"] == "locked_out"
    assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    # another user from the same address is not affected
    response = client.post(
        url, {"username": "audit_officer", "password": settings.DEMO_PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["token"]


def test_the_login_page_locks_and_says_so(world, client):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/login/", {"username": "organization_officer", "password": "wrong"})
        assert response.status_code == 200 and "data-locked-out" not in response.content.decode()
    assert client.post("/login/", {"username": "organization_officer", "password": "wrong"}).status_code == 429
    response = client.post("/login/", {"username": "organization_officer", "password": settings.DEMO_PASSWORD})
    assert response.status_code == 429
    assert "data-locked-out" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_success_before_the_limit_resets_the_count(world, client):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/login/", {"username": "emergency_officer", "password": "wrong"})
    assert client.post("/login/", {"username": "emergency_officer", "password": settings.DEMO_PASSWORD}).status_code == 302
    client.logout()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/login/", {"username": "emergency_officer", "password": "wrong"})
    assert client.post("/login/", {"username": "emergency_officer", "password": settings.DEMO_PASSWORD}).status_code == 302
