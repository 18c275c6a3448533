"""Security headers (issue 7 item 5): a Content-Security-Policy on every page, inline scripts
only with the response's nonce, evidence downloads sandboxed; secure cookies in production."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))


def test_pages_forbid_inline_scripts_without_the_nonce(world, client):
    client.force_login(world.users["emergency_officer"])
    response = client.get("/leads/new/")
    policy = _policy(response)
    nonce = re.search(r"'nonce-([^']+)'", policy["script-src"]).group(1)
    assert "'unsafe-inline'" not in policy["script-src"] and policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'" and policy["form-action"] == "'self'"
    html = response.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline and all(f'nonce="{nonce}"' in attrs for attrs in inline)
    assert not re.search(r"\son(change|click|submit|load)=", html)  # no inline handlers to allow
    # a fresh nonce per response
    assert _policy(client.get("/leads/new/"))["script-src"] != policy["script-src"]


def test_the_login_page_and_the_api_carry_the_policy_too(world, client):
    assert "script-src 'self' 'nonce-" in client.get("/login/")["Content-Security-Policy"]
    assert "default-src 'self'" in client.get("/api/v1/auth/me/")["Content-Security-Policy"]


def test_swagger_and_the_admin_keep_their_own_inline_scripts(world, client):
    client.force_login(world.users["admin"])
    for url in ("/api/docs/", "/admin/"):
        assert "'unsafe-inline'" in _policy(client.get(url))["script-src"]


def test_evidence_downloads_keep_their_sandbox(world, client, settings, tmp_path):
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from duties.models import Obligation
    from duties.services.ledger import record_create

    settings.MEDIA_ROOT = str(tmp_path)
    record = record_create(
        acting_user=world.users["organization_officer"],
        cadre=world.cadres["pl-baofeng:township_deputy:0"],
        obligation=Obligation.objects.get(code="9-4-township"),
        date=dt.date(2026, 10, 9),
        files=[SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")],
    )
    client.force_login(world.users["organization_officer"])
    response = client.get(f"/duties/records/{record.pk}/evidence/{record.evidence.get().pk}/")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_production_settings_secure_the_cookies():
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "ZEREN_PRODUCTION": "1",
        "DJANGO_SECRET_KEY": "x" * 60,
        "ZEREN_AUDIT_KEYS": "k1:" + "y" * 40,
        "DJANGO_ALLOWED_HOSTS": "zeren.example",
    }
    code = (
        "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='config.settings';django.setup();"
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "True", "True", "True", "True"]


def test_production_needs_the_audit_keys_from_outside_the_database():
    """The audit chain's key is not generated in production: it must come from the environment
    (issue 15 item 8; docs/audit.md), or the signatures could be re-made by whoever holds the box."""
    import os
    import subprocess
    import sys

    code = "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='config.settings';django.setup()"
    env = {**os.environ, "ZEREN_PRODUCTION": "1", "DJANGO_SECRET_KEY": "x" * 60, "DJANGO_ALLOWED_HOSTS": "zeren.example"}
    env.pop("ZEREN_AUDIT_KEYS", None)
    missing = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert missing.returncode != 0 and "ZEREN_AUDIT_KEYS" in missing.stderr
    short = subprocess.run(
        [sys.executable, "-c", code], env={**env, "ZEREN_AUDIT_KEYS": "k1:short"}, capture_output=True, text=True
    )
    assert short.returncode != 0 and "at least 32" in short.stderr
