"""Zeren's own error pages (issue 16 item 4): 403, 404 and 429 inside Zeren's layout with its
navigation and a way back, in Chinese by default and English when chosen; 400 and 500 render
without the database or the request's context; the API keeps its JSON error shape. Before,
viewflow's templates answered ("We're sorry…", partly English, no navigation)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.utils import translation
from django.views import defaults

from web.tests.helpers import zh

pytestmark = pytest.mark.django_db
VIEWFLOW = ("We're sorry", "mdc-button", "lockscreen")


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_missing_page_is_zerens_404_in_chinese_with_the_navigation(login):
    client = login("discipline_officer")
    response = client.get("/no-such-page/", HTTP_REFERER="http://testserver/cases/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="zh-hans">' in html and 'data-error-page="404"' in html
    assert zh("Page not found") in html and zh("Back to the dashboard") in html
    assert 'href="/inbox/"' in html and 'href="/cases/"' in html  # Zeren's navigation
    assert 'id="notifications-link"' in html
    assert '<a class="button" href="http://testserver/cases/" id="error-back">' in html  # the way back
    assert not any(marker in html for marker in VIEWFLOW)


def test_the_404_page_in_english_and_a_foreign_referer_is_not_followed(login):
    client = english(login("discipline_officer"))
    response = client.get("/cases/999999/", HTTP_REFERER="https://evil.example/")
    html = response.content.decode()
    assert response.status_code == 404 and '<html lang="en">' in html
    assert "Page not found" in html and "Back to the dashboard" in html
    assert "evil.example" not in html and 'id="error-back"' not in html  # no way back to there
    assert not any(marker in html for marker in VIEWFLOW)


def test_an_anonymous_404_offers_the_login(client):
    english(client)
    html = client.get("/no-such-page/").content.decode()
    assert "Page not found" in html and 'href="/login/"' in html and not any(m in html for m in VIEWFLOW)


def test_a_refused_page_is_zerens_403_with_its_reason(login, client_as):
    client = english(login("audit_officer"))
    response = client.get("/cadres/")
    html = response.content.decode()
    assert response.status_code == 403 and 'data-error-page="403"' in html
    assert "Not permitted" in html and 'href="/inbox/"' in html
    assert not any(marker in html for marker in VIEWFLOW)
    zh_html = client_as("audit_officer").get("/cadres/").content.decode()
    assert '<html lang="zh-hans">' in zh_html and zh("Not permitted") in zh_html


def test_the_api_keeps_its_error_shape_for_a_missing_url(api):
    response = api("discipline_officer").get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_the_lockout_is_zerens_429(world, client):
    english(client)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "organization_officer", "password": "wrong"})
    response = client.post("/login/", {"username": "organization_officer", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 429 and 'data-error-page="429"' in html and "data-locked-out" in html
    assert "Too many failed logins" in html and 'href="/login/"' in html


@pytest.mark.parametrize(
    ("handler", "status", "title"),
    [(defaults.server_error, 500, "Server error"), (defaults.bad_request, 400, "Request refused")],
)
def test_400_and_500_render_without_the_database(handler, status, title, django_assert_num_queries):
    # Django calls them with the language the locale middleware activated for the request.
    for language, text in (("zh-hans", zh(title)), ("en", title)):
        request = RequestFactory().get("/somewhere/")
        with translation.override(language), django_assert_num_queries(0):
            response = handler(request) if status == 500 else handler(request, Exception("bad"))
        html = response.content.decode()
        assert response.status_code == status and f'data-error-page="{status}"' in html
        assert f'<html lang="{language}">' in html and text in html and 'href="/"' in html and "责任追究" in html
        assert not any(marker in html for marker in VIEWFLOW)


@pytest.mark.parametrize("persona", ["admin", "audit_officer", "emergency_officer"])
def test_the_navigation_offers_no_page_that_refuses(persona, client_as):
    """Issue 16: the administrator (no department) met a 403 from three entries of the menu."""
    client = client_as(persona)
    html = client.get("/").content.decode()
    nav = re.search(r'<nav class="mainnav">(.*?)</nav>', html, re.S).group(1)
    links = re.findall(r'href="([^"]+)"', nav)
    assert len(links) >= 5
    refused = {url: status for url in links if (status := client.get(url).status_code) != 200}
    assert not refused, refused
