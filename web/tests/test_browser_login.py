"""The login page and the dashboard in headless Chromium, in Chinese by default."""

import pytest
from django.utils import translation

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_lands_on_the_dashboard_in_chinese(page_as):
    page = page_as("discipline_officer")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    with translation.override("zh-hans"):
        expected = translation.gettext("Dashboard")
    assert expected != "Dashboard", "the dashboard title has no Chinese translation"
    assert page.inner_text("h1").strip().startswith(expected)


def test_wrong_password_is_refused_with_a_message(browser, live_server, world):
    page = browser.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "discipline_officer")
    page.fill("input[name=password]", "wrong")
    page.click("button.primary")
    assert page.url.endswith("/login/")
    assert page.locator(".error").count() == 1
    page.close()
