"""Login lockout behind the proxy (issue 15 item 4): with ZEREN_PROXY_COUNT=1 django-axes counts
failures per client address from X-Forwarded-For (right-most entry, the one nginx appended), so 5
wrong passwords from one address do not lock the account from another; without a proxy count a
client-sent X-Forwarded-For is ignored. ``manage.py unlock`` lifts a lockout."""

from __future__ import annotations

import io

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
TOKEN = "/api/v1/auth/token/"


def _token(client, password, forwarded=None):
    headers = {"REMOTE_ADDR": PROXY}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(
        TOKEN, {"username": "discipline_officer", "password": password}, content_type="application/json", **headers
    )


def _lock_out(client, forwarded=None):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _token(client, "wrong", forwarded)
    assert _token(client, settings.DEMO_PASSWORD, forwarded).status_code == 429


@override_settings(ZEREN_PROXY_COUNT=1)
def test_behind_the_proxy_a_lockout_is_per_client_address(world, client):
    _lock_out(client, "203.0.113.7")
    # the same account from another client through the same proxy signs in
    assert _token(client, settings.DEMO_PASSWORD, "198.51.100.9").status_code == 200
    # a spoofed left-hand entry does not escape the lockout: nginx appends the real address
    assert _token(client, settings.DEMO_PASSWORD, "198.51.100.9, 203.0.113.7").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}


@override_settings(ZEREN_PROXY_COUNT=1)
def test_the_login_page_behind_the_proxy_is_per_client_address(world, client):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/login/",
            {"username": "discipline_leader", "password": "wrong"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
    other = client.post(
        "/login/",
        {"username": "discipline_leader", "password": settings.DEMO_PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )
    assert other.status_code == 302


@override_settings(ZEREN_PROXY_COUNT=0)
def test_without_a_proxy_count_x_forwarded_for_is_ignored(world, client):
    _lock_out(client, "203.0.113.7")
    # a client cannot pick another address by sending the header itself
    assert _token(client, settings.DEMO_PASSWORD, "198.51.100.9").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {PROXY}


@override_settings(ZEREN_PROXY_COUNT=1)
def test_a_request_that_bypassed_the_proxy_counts_under_its_own_address(world, client):
    _lock_out(client)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {PROXY}


@override_settings(ZEREN_PROXY_COUNT=1)
def test_an_administrator_unlocks_an_account(world, client):
    _lock_out(client, "203.0.113.7")
    out = io.StringIO()
    call_command("unlock", "discipline_officer", stdout=out)
    assert "discipline_officer" in out.getvalue()
    assert not AccessAttempt.objects.filter(username="discipline_officer").exists()
    assert _token(client, settings.DEMO_PASSWORD, "203.0.113.7").status_code == 200
