"""In the browser (issue 16 items 1 and 4): the header's badge opens the notification centre, "mark
all read" empties it and the badge follows; a notification arriving while the list is open
offers to reload it; a missing page is Zeren's own 404 with its navigation.

Runs the real ASGI app in daphne (``asgi_server``, as ``test_browser_live``), so the badge is fed
by the WebSocket exactly as in production."""

from __future__ import annotations

import json
import urllib.request

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from playwright.sync_api import expect
from rest_framework.authtoken.models import Token

from cases.tests.scenarios import new_lead
from notifications.models import Notification
from web.tests.helpers import zh
from web.tests.test_browser_live import asgi_server  # noqa: F401  (the daphne fixture)

pytestmark = pytest.mark.django_db(transaction=True)
LEADER = "discipline_leader"


def _file_lead_through(server: str, world, title: str) -> None:
    token = Token.objects.get_or_create(user=world.users["audit_officer"])[0].key
    body = {"title": title, "facts": "事实", "source_kind": "audit", "subjects": [world.cadres["pl-touzha:township_head:0"].pk]}
    request = urllib.request.Request(
        f"{server}/api/v1/leads/",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
    )
    with urllib.request.urlopen(request, timeout=20) as response:
        assert response.status == 201


def test_badge_to_the_notification_centre_mark_all_read_and_a_404(browser, asgi_server, world):  # noqa: F811
    leader = world.users[LEADER]
    # The server process uses the default hashers, not the fast one the test settings use.
    leader.password = PBKDF2PasswordHasher().encode(settings.DEMO_PASSWORD, PBKDF2PasswordHasher().salt())
    leader.save(update_fields=["password"])
    new_lead(world)
    new_lead(world, cadres=("pl-yaofu:township_head:0",))
    unread = Notification.objects.filter(recipient=leader, read_at__isnull=True).count()
    assert unread >= 2  # the two leads were dispatched on commit

    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    violations: list[str] = []  # the pages run under the Content-Security-Policy
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto(f"{asgi_server}/login/")
    page.fill("input[name=username]", LEADER)
    page.fill("input[name=password]", settings.DEMO_PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{asgi_server}/")
    badge = page.locator("#unread-count")
    expect(badge).to_have_text(str(unread))  # from the server's count on connect

    badge.click()  # the badge is the link to the page
    page.wait_for_url(f"{asgi_server}/notifications/")
    rows = page.locator("#notifications tbody tr.zm-unread")
    expect(rows).to_have_count(unread)
    expect(page.locator("#notifications-stale")).to_be_hidden()

    # A lead filed elsewhere while the list is open: the badge counts it and the page offers to
    # reload, so the list and the count never silently disagree.
    _file_lead_through(asgi_server, world, "列表打开时到达")
    expect(badge).to_have_text(str(unread + 1))
    expect(page.locator("#notifications-stale")).to_be_visible()
    page.locator("#notifications-stale a").click()
    expect(page.locator("#notifications tbody tr.zm-unread")).to_have_count(unread + 1)
    expect(page.locator("#notifications tbody")).to_contain_text("列表打开时到达")

    page.click("#notifications-read-all")
    page.wait_for_url(f"{asgi_server}/notifications/")
    expect(page.locator("#notifications tbody tr.zm-unread")).to_have_count(0)
    expect(badge).to_have_attribute("data-count", "0")  # the socket's count after the reload
    expect(badge).to_be_hidden()
    expect(page.locator("#notifications-stale")).to_be_hidden()
    assert not Notification.objects.filter(recipient=leader, read_at__isnull=True).exists()

    page.goto(f"{asgi_server}/no-such-page/", referer=f"{asgi_server}/cases/")  # a stale link on the case list
    assert page.locator("[data-error-page='404']").is_visible()
    expect(page.locator("h1")).to_have_text(zh("Page not found"))
    assert "We're sorry" not in page.content()
    expect(page.locator("nav.mainnav a[href='/inbox/']")).to_be_visible()  # Zeren's navigation
    page.click("#error-back")  # the way back: where the officer came from
    page.wait_for_url(f"{asgi_server}/cases/")
    assert violations == []
    context.close()
