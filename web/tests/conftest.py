"""Browser tests: Debian's chromium driven by Playwright against pytest-django's live server.

Never ``playwright install``: the browser comes from the system package (STACK.md)."""

from __future__ import annotations

import os
import shutil

import pytest
from django.test import Client

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_as(browser, live_server, world):
    """``page_as("discipline_officer")`` → a Playwright page logged in through the login form."""
    from django.conf import settings

    pages = []

    def make(username: str):
        context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", settings.DEMO_PASSWORD)
        page.click("button.primary")
        page.wait_for_url(f"{live_server.url}/")
        pages.append(context)
        page.base = live_server.url
        return page

    yield make
    for context in pages:
        context.close()


# --- the test client as a persona (page tests) -------------------------------------------------


@pytest.fixture
def login(client, world):
    """``login("discipline_officer")`` → the test client, logged in as that persona."""

    def make(username: str):
        client.force_login(world.users[username])
        return client

    return make


@pytest.fixture
def client_as(world):
    def make(username: str | None) -> Client:
        client = Client()
        if username:
            client.force_login(world.users[username])
        return client

    return make


@pytest.fixture
def nav_registered(settings):
    """The navigation reads ``web.context_processors.zeren_nav``; settings must register it."""
    processors = settings.TEMPLATES[0]["OPTIONS"]["context_processors"]
    if "web.context_processors.zeren_nav" not in processors:
        templates = [dict(settings.TEMPLATES[0])]
        templates[0]["OPTIONS"] = {
            **templates[0]["OPTIONS"],
            "context_processors": [*processors, "web.context_processors.zeren_nav"],
        }
        settings.TEMPLATES = templates
