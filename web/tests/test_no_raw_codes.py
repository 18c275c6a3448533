"""No raw code ever shows (issue 16 item 5): every page a persona reaches by links, in Chinese and
in English, is read as a person reads it (the visible text: no tags, attributes, scripts or
styles), and no code of the public contract (``party_warning``, ``submit_findings``, a state …)
and no other ``snake_case`` identifier appears in it. Codes stay in URLs, form values and
``data-`` attributes, where clients read them.

The crawl follows links (GET) from every page without parameters, as the test client of each
persona, over cases in every stage (a lead, an investigation, a proposal, a decided case, one in
execution and one closed), so the timeline, the findings, the decision and the documents are read.
"""

from __future__ import annotations

import inspect
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.db import models
from django.urls import resolve
from django.urls.exceptions import Resolver404

from cases import codes
from cases.codes import CaseState
from cases.tests.scenarios import case_in_state, new_lead
from web.tests.test_browser_phone import NOT_PAGES, _web_names

pytestmark = pytest.mark.django_db

SNAKE = re.compile(r"(?<![\w./:@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/-])")
# Words of a person's text that look like a code but are not one.
ALLOWED = {"zh_hans"}


def _all_codes() -> set[str]:
    found: set[str] = set()
    for _name, member in inspect.getmembers(codes, inspect.isclass):
        if issubclass(member, models.TextChoices) and member is not models.TextChoices:
            found |= {str(value) for value in member.values}
    return found


class _Text(HTMLParser):
    """The text a person sees: data outside <script>, <style>, <template> and <code>."""

    SKIP = {"script", "style", "template", "code", "textarea"}

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def _links(html: str) -> list[str]:
    return re.findall(r'href="([^"#]+)', html)


def _kind(href: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if match.namespace != "web" or match.url_name in NOT_PAGES:
        return None
    slugs = [str(v) for v in match.kwargs.values() if not str(v).isdigit()]
    return ":".join([match.url_name, *slugs, *(["q"] if parts.query else [])])


def raw_codes(text: str, usernames: set[str]) -> set[str]:
    return {word for word in SNAKE.findall(text) if word not in ALLOWED and word not in usernames}


def _crawl(client, start: list[str], language: str) -> dict[str, set[str]]:
    client.cookies["django_language"] = language
    queue = list(start)
    seen = {_kind(path) for path in queue}
    found: dict[str, set[str]] = {}
    from django.contrib.auth import get_user_model

    usernames = set(get_user_model().objects.values_list("username", flat=True))
    while queue:
        path = queue.pop(0)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        bad = raw_codes(visible_text(html), usernames)
        if bad:
            found[path] = bad
        for href in _links(html):
            kind = _kind(href)
            if kind and kind not in seen:
                seen.add(kind)
                queue.append(href.replace("&amp;", "&"))
    return found


@pytest.fixture
def cases_in_every_stage(world):
    made = [new_lead(world)]
    for state, filed in (
        (CaseState.INVESTIGATING, False),
        (CaseState.PROPOSING, True),
        (CaseState.APPROVING, True),
        (CaseState.DECIDED, True),
        (CaseState.EXECUTING, True),
        (CaseState.NOT_PURSUED, False),
        (CaseState.DISMISSED, False),
    ):
        made.append(case_in_state(world, state, filed=filed))
    return [f"/cases/{case.pk}/" for case in made]


PERSONAS = ("discipline_officer", "discipline_leader", "organization_officer", "emergency_officer", "admin")


def test_no_page_shows_a_raw_code(client_as, cases_in_every_stage):
    """One world, every persona in both languages (the world costs more than the crawl)."""
    found: dict[str, dict[str, set[str]]] = {}
    for username in PERSONAS:
        for language in ("zh-hans", "en"):
            client = client_as(username)
            start = list(_web_names().values()) + cases_in_every_stage
            bad = _crawl(client, start, language)
            for path, words in bad.items():
                for word in words:
                    found.setdefault(word, {}).setdefault(f"{username}/{language}", set()).add(path)
    # word → where it shows (persona/language → paths), a short list for the failure message
    assert found == {}, {word: {who: sorted(paths)[:2] for who, paths in where.items()} for word, where in found.items()}


def test_the_check_finds_codes():
    """The check itself: a code in the text is found, the same code in an attribute or a URL is not."""
    html = '<p data-code="party_warning"><a href="/cases/?state=not_pursued">不予追究</a> 已 submit_findings</p>'
    assert raw_codes(visible_text(html), set()) == {"submit_findings"}
    assert "party_warning" in _all_codes() and "submit_findings" in _all_codes()
