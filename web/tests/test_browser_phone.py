"""Phone and tablet in headless Chromium (issue 16 item 2).

At 390 px (a phone) no page is wider than the viewport: every page without parameters in the URL
conf, and every page one link away from them (a case, a cadre, an accident, the ledger, a
rulebook …), is measured by ``document.documentElement.scrollWidth`` as three personas. The
header folds into a menu at ≤ 768 px whose toggle reveals the whole navigation, 退出 and the
language switch; at 1024 px the full header shows without a toggle.

The crawl follows only links (GET); forms, downloads and the logout are not followed.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from cases.codes import CaseState
from cases.models import Case
from cases.tests.scenarios import case_in_state, new_lead
from web.tests.test_browser_leads_cadres_stats import off_loop, seeded_policies  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
PERSONAS = ("discipline_officer", "organization_officer", "admin")
# Not pages: files, the logout, and endpoints that only answer a POST.
NOT_PAGES = {
    "login",
    "logout",
    "case_export",
    "assessment_report",
    "duties_evidence",
    "notifications_read_all",
    "notification_read",
    "task_claim",
    "task_release",
    "task_assign",
    "task_bulk",
    "list_view_save",
    "referral_action",
}
LONG_TITLE = "关于" + "某某镇燃气管道安全隐患排查整治不到位" * 14 + "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" * 4

# The elements that stick out beyond the viewport, for the failure message.
OVERFLOW_JS = """(width) => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && r.width > 0) {
      let ancestorClips = false;
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const s = getComputedStyle(p);
        if (s.overflowX !== 'visible') { ancestorClips = true; break; }
      }
      if (!ancestorClips) out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
        ' right=' + Math.round(r.right));
    }
    if (out.length >= 6) break;
  }
  return out;
}"""


def _web_names() -> dict[str, str]:
    """``url_name → path`` for every page of the web namespace without parameters."""
    found: dict[str, str] = {}

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and entry.name and not entry.pattern.converters:
                route = prefix + str(entry.pattern)
                if "<" not in route and not route.endswith(".xlsx"):
                    found[entry.name] = "/" + route

    web = next(r for r in get_resolver().url_patterns if isinstance(r, URLResolver) and r.namespace == "web")
    walk(web.url_patterns, str(web.pattern))
    return {name: path for name, path in found.items() if name not in NOT_PAGES}


def _resolve(path: str):
    try:
        return resolve(urlsplit(path).path)
    except Resolver404:
        return None


def _page_kind(href: str, base: str) -> str | None:
    """What makes a page different from its siblings: its URL name and its non-numeric parameters
    (one case page stands for all, but every transition form and every rulebook is its own)."""
    parts = urlsplit(href)
    if parts.scheme and f"{parts.scheme}://{parts.netloc}" != base:
        return None
    match = _resolve(parts.path)
    if match is None or match.namespace != "web" or match.url_name in NOT_PAGES:
        return None
    slugs = [str(value) for value in match.kwargs.values() if not str(value).isdigit()]
    return ":".join([match.url_name, *slugs])


def _world_for_phones(world) -> list[str]:
    """Cases in several states (one with a long unbroken title), so the case list, the case page,
    the findings and the documents have content; their leads leave notifications. Returns the
    pages to measure besides those the crawl finds: each case page, and a page that is not found."""
    executing = off_loop(case_in_state, world, CaseState.EXECUTING, filed=True)
    investigating = off_loop(case_in_state, world, CaseState.INVESTIGATING)
    long = off_loop(new_lead, world, cadres=("pl-baofeng:township_deputy:0", "pl-yaofu:township_head:0"))
    Case.objects.filter(pk=long.pk).update(title=LONG_TITLE[:300])
    return [f"/cases/{case.pk}/" for case in (executing, investigating, long)] + ["/no-such-page/"]


def _sweep(page, width: int, extra: list[str]) -> dict[str, list[str] | dict[str, str]]:
    """Visit every page of the URL conf, ``extra``, and every page linked from them (one of each
    kind, see ``_page_kind``); returns the paths visited and, for those wider than ``width``, what
    sticks out."""
    base = page.base
    queue = list(_web_names().values()) + extra
    seen = set(_web_names()) | {_page_kind(path, base) for path in extra}
    visited: list[str] = []
    too_wide: dict[str, str] = {}
    while queue:
        path = queue.pop(0)
        response = page.goto(base + path)
        # A page the persona may not open is Zeren's 403 page, which must fit as well.
        assert response is not None and response.status in (200, 403, 404), (path, response and response.status)
        assert response.status != 404 or path in extra, path
        visited.append(path)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width + 1:
            too_wide[path] = f"{scroll}px: {page.evaluate(OVERFLOW_JS, width)}"
        for href in page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)"):
            kind = _page_kind(href, base)
            if kind and kind not in seen:
                seen.add(kind)
                parts = urlsplit(href)
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return {"visited": visited, "too_wide": too_wide}


def _open_as(browser, live_server, username: str, viewport: dict[str, int], language: str = "zh-hans"):
    from django.conf import settings

    context = browser.new_context(locale="zh-CN", viewport=viewport)
    if language != "zh-hans":  # the language a user chose, as the switch in the header sets it
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", settings.DEMO_PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{live_server.url}/")
    page.base = live_server.url
    return context, page


@pytest.mark.parametrize(("username", "language"), [(name, "zh-hans") for name in PERSONAS] + [("admin", "en")])
def test_no_page_is_wider_than_a_phone(browser, live_server, world, username, language):
    extra = _world_for_phones(world)
    context, page = _open_as(browser, live_server, username, PHONE, language)
    try:
        result = _sweep(page, PHONE["width"], extra)
        page.goto(f"{page.base}{extra[-2]}")  # the case with the pasted long title, for a person to look at
        page.screenshot(path=f"/tmp/zeren-phone-case-{username}-{language}.png", full_page=True)
    finally:
        context.close()
    visited = result["visited"]
    assert isinstance(visited, list)
    names = {match.url_name for match in (_resolve(p) for p in visited) if match}
    # The sweep reached the detail pages, not only the lists.
    expected = {"dashboard", "inbox", "queue", "case_list", "stats", "rulebooks", "rulebook_detail", "notifications"}
    if username != "organization_officer":
        expected |= {"case_detail"}
    if username != "discipline_officer":
        expected |= {"cadre_list", "cadre_record", "duties"}
    if username == "admin":
        expected |= {"accident_list", "accident_detail"}
    assert expected <= names, sorted(expected - names)
    assert result["too_wide"] == {}, result["too_wide"]


def _menu_state(page):
    toggle = page.locator("#menu-toggle-label")
    return (
        toggle,
        page.locator("nav.mainnav"),
        page.locator("header .who button.link"),
        page.locator("header select[name=language]"),
    )


def test_the_header_folds_into_a_menu_on_a_phone_and_a_tablet(browser, live_server, world):
    for width in (390, 768):
        context, page = _open_as(browser, live_server, "admin", {"width": width, "height": 900})
        try:
            toggle, nav, logout, language = _menu_state(page)
            assert toggle.is_visible(), width
            assert nav.is_hidden() and logout.is_hidden() and language.is_hidden(), width
            assert page.locator("#notifications-link").is_visible(), width  # the bell stays in sight
            assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
            toggle.click()
            assert nav.is_visible() and logout.is_visible() and language.is_visible(), width
            page.screenshot(path=f"/tmp/zeren-phone-menu-{width}.png", full_page=True)
            for link in ("/accidents/", "/stats/", "/notifications/"):
                item = page.locator(f"header a[href='{link}']")
                assert item.is_visible(), (width, link)
                box = item.bounding_box()
                assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (width, link, box)
            for item in (logout, language):
                box = item.bounding_box()
                assert box is not None and box["x"] + box["width"] <= width + 1, (width, box)
            # A nav link is a readable word on one line, not one character per line.
            box = page.locator("header a[href='/accidents/']").bounding_box()
            assert box is not None and box["height"] < 40, box
            assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
            toggle.click()  # and closes again
            assert nav.is_hidden()
            # The language switch in the open menu still works.
            toggle.click()
            with page.expect_navigation():
                page.select_option("header select[name=language]", "en")
            assert page.locator("html").get_attribute("lang") == "en"
        finally:
            context.close()

    context, page = _open_as(browser, live_server, "admin", {"width": 1024, "height": 900})
    try:
        toggle, nav, logout, language = _menu_state(page)
        assert toggle.is_hidden()
        assert nav.is_visible() and logout.is_visible() and language.is_visible()
        assert page.locator("header a[href='/accidents/']").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 1024 + 1
        header = page.locator("header.topbar").bounding_box()
        assert header is not None and header["height"] < 120, header  # the links wrap to two rows at most
        page.screenshot(path="/tmp/zeren-phone-1024.png")
    finally:
        context.close()
