"""The notification centre (issue 16 item 1): the user's notifications, unread first, filtered by
kind and case, paginated, each linking to where it is acted on; marking one or all read with a
POST form (CSRF), never another user's; the header's badge links here; constant query count."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from cases.tests.scenarios import new_lead
from notifications.kinds import KIND_LABELS
from notifications.models import Notification
from web.notifications.views import PAGE_SIZE
from web.tests.helpers import count_queries_warm

pytestmark = pytest.mark.django_db
OFFICER = "discipline_officer"


@pytest.fixture(scope="module")
def world(module_world):
    """conftest's ``world``, built once for this module (``module_world``)."""
    return module_world


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _notify(user, case=None, *, kind="lead_routed", text="提醒", read=False, **extra) -> Notification:
    return Notification.objects.create(
        recipient=user,
        kind=kind,
        text=text,
        case=case,
        link=f"/cases/{case.pk}/" if case else "",
        read_at=timezone.now() if read else None,
        **extra,
    )


def _listed_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-notification="(\d+)"', response.content.decode())]


def test_the_page_lists_unread_first_then_newest_with_links_to_the_case(login, world):
    officer = world.users[OFFICER]
    case = new_lead(world)
    Notification.objects.filter(recipient=officer).delete()  # the lead's own dispatch, if any ran
    old_unread = _notify(officer, case, text="旧的未读")
    read = _notify(officer, case, text="已读", read=True)
    new_unread = _notify(officer, case, text="新的未读")
    _notify(world.users["discipline_leader"], case, text="别人的")  # never on this user's page
    response = english(login(OFFICER)).get("/notifications/")
    assert response.status_code == 200
    assert _listed_ids(response) == [new_unread.pk, old_unread.pk, read.pk]
    html = response.content.decode()
    assert "别人的" not in html
    assert f'<a href="/cases/{case.pk}/">新的未读</a>' in html
    assert "2 unread" in html
    assert re.search(r'<td[^>]*>(<span class="zm-dot"[^>]*></span>)?New lead</td>', html)  # the kind's label, not its code


def test_referrals_and_appeals_link_to_where_they_are_acted_on(login, world):
    officer = world.users[OFFICER]
    case = new_lead(world)
    _notify(officer, case, kind="referral_received", text="请签收", referral_id=1)
    html = login(OFFICER).get("/notifications/").content.decode()
    assert '<a href="/referrals/">请签收</a>' in html


def test_filters_by_kind_and_by_case_and_pages(login, world):
    officer = world.users[OFFICER]
    first, second = new_lead(world), new_lead(world, cadres=("pl-touzha:township_head:0",))
    Notification.objects.filter(recipient=officer).delete()
    on_first = [_notify(officer, first, kind="task_waiting", text=f"一{n}") for n in range(3)]
    on_second = _notify(officer, second, kind="deadline_near", text="二")
    client = login(OFFICER)
    assert _listed_ids(client.get("/notifications/?kind=deadline_near")) == [on_second.pk]
    assert _listed_ids(client.get(f"/notifications/?case={first.pk}")) == [n.pk for n in reversed(on_first)]
    assert _listed_ids(client.get(f"/notifications/?case={first.pk}&kind=deadline_near")) == []
    # an unknown kind or a case id that is not a number is no filter, not an error
    assert len(_listed_ids(client.get("/notifications/?kind=nonsense&case=x"))) == 4
    html = client.get("/notifications/").content.decode()
    assert f'<option value="{first.pk}">{first.number}</option>' in html

    for n in range(PAGE_SIZE):
        _notify(officer, first, kind="task_waiting", text=f"多{n}")
    page1 = client.get("/notifications/?kind=task_waiting")
    page2 = client.get("/notifications/?kind=task_waiting&page=2")
    assert len(_listed_ids(page1)) == PAGE_SIZE and len(_listed_ids(page2)) == 3
    assert "?kind=task_waiting&amp;page=2" in page1.content.decode()  # the pager keeps the filter
    assert not set(_listed_ids(page1)) & set(_listed_ids(page2))


def test_mark_one_read_then_all_read(login, world):
    officer = world.users[OFFICER]
    case = new_lead(world)
    Notification.objects.filter(recipient=officer).delete()
    a, b, c = (_notify(officer, case, text=t) for t in "abc")
    client = english(login(OFFICER))
    response = client.post(f"/notifications/{b.pk}/read/", {"next": "/notifications/?kind=lead_routed"})
    assert response.status_code == 302 and response["Location"] == "/notifications/?kind=lead_routed"
    assert set(Notification.objects.filter(recipient=officer, read_at__isnull=True).values_list("pk", flat=True)) == {a.pk, c.pk}
    assert _listed_ids(client.get("/notifications/")) == [c.pk, a.pk, b.pk]  # the read one sinks

    response = client.post("/notifications/read-all/", {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/notifications/"  # no open redirect
    assert not Notification.objects.filter(recipient=officer, read_at__isnull=True).exists()
    html = client.get("/notifications/").content.decode()
    assert "Marked 2 notifications read." in html and "0 unread" in html
    assert 'id="notifications-read-all"' not in html  # nothing left to mark


def test_nobody_marks_another_users_notification_and_get_changes_nothing(login, world):
    theirs = _notify(world.users["discipline_leader"], new_lead(world))
    client = login(OFFICER)
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    assert client.get(f"/notifications/{theirs.pk}/read/").status_code == 405
    assert client.get("/notifications/read-all/").status_code == 405
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_needs_the_csrf_token(world):
    mine = _notify(world.users[OFFICER], new_lead(world))
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users[OFFICER])
    assert client.post(f"/notifications/{mine.pk}/read/").status_code == 403
    assert client.post("/notifications/read-all/").status_code == 403
    mine.refresh_from_db()
    assert mine.read_at is None
    page = client.get("/notifications/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post(f"/notifications/{mine.pk}/read/", {"csrfmiddlewaretoken": token}).status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_the_header_badge_links_to_the_page(login, world):
    html = login(OFFICER).get("/").content.decode()
    link = re.search(r'<a href="/notifications/" id="notifications-link"[^>]*>(.*?)</a>', html, re.S)
    assert link and 'id="unread-count"' in link.group(1)


def test_the_page_costs_the_same_queries_with_many_notifications(login, world):
    officer = world.users[OFFICER]
    cases = [new_lead(world), new_lead(world, cadres=("pl-touzha:township_head:0",))]
    _notify(officer, cases[0])
    client = login(OFFICER)
    few = count_queries_warm(client, "/notifications/")
    for n in range(40):
        _notify(officer, cases[n % 2], kind=list(KIND_LABELS)[n % len(KIND_LABELS)], read=n % 3 == 0)
    assert count_queries_warm(client, "/notifications/") == few
    assert count_queries_warm(client, f"/notifications/?case={cases[1].pk}&page=2") <= few


def test_every_kind_the_rules_create_has_a_label():
    rules = (Path(__file__).resolve().parents[2] / "notifications" / "rules.py").read_text(encoding="utf-8")
    emitted = set(re.findall(r'(?:_to_department\(\s*event,\s*[^,]+,\s*|Recipient\(\w+,\s*[^,]+,\s*)"([a-z_]+)"', rules))
    assert len(emitted) >= 10  # the pattern still finds them
    assert emitted <= set(KIND_LABELS), sorted(emitted - set(KIND_LABELS))


def test_the_api_filters_as_the_page_does(api, login, world):
    officer = world.users[OFFICER]
    first, second = new_lead(world), new_lead(world, cadres=("pl-touzha:township_head:0",))
    Notification.objects.filter(recipient=officer).delete()
    _notify(officer, first, kind="task_waiting")
    wanted = _notify(officer, second, kind="deadline_near")
    client = api(OFFICER)
    for query in ("kind=deadline_near", f"case={second.pk}", f"case={second.pk}&kind=deadline_near"):
        ids = [row["id"] for row in client.get(f"/api/v1/notifications/?{query}").json()["results"]]
        assert ids == [wanted.pk] == _listed_ids(login(OFFICER).get(f"/notifications/?{query}")), query
    refused = client.get("/api/v1/notifications/?case=abc")
    assert refused.status_code == 400 and refused.json()["error"] == "invalid" and "case" in refused.json()["detail"]
