"""The list pages' controls over HTTP (issue 16 item 6): sortable columns, page sizes remembered per
user, saved views private to their owner, the live search's partial answer with highlighted
matches, and bulk claim/assign in the queue.

- discipline_officer / discipline_officer2: members of the county's discipline department; claim
  queue tasks for themselves.
- discipline_leader: may also assign tasks to members (``workflows.services.task_assign``).
- organization_officer: reads the cadre list.
- emergency_officer: records accidents; sends leads.
"""

from __future__ import annotations

import re

import pytest

from cases.codes import SourceKind
from cases.models import CaseEvent
from cases.services.leads import lead_create
from core.listviews import clean_query
from core.models import ListPreference, SavedListView
from web.common.listing import CASES
from web.templatetags.list_tags import highlight
from web.tests.helpers import LEADER, OFFICER, OFFICER2, count_queries_warm
from workflows.selectors import queue

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(module_world):
    """conftest's ``world``, built once for this module (``module_world``)."""
    return module_world


def lead(world, title: str, cadre: str = "pl-baofeng:township_deputy:0"):
    return lead_create(
        acting_user=world.users["emergency_officer"],
        title=title,
        facts="测试事实",
        source_kind=SourceKind.ACCIDENT_INVESTIGATION,
        subjects=[world.cadres[cadre]],
        circumstances=["26.5"],
    )


def numbers_in(html: str) -> list[str]:
    return re.findall(r'<tr data-case="([^"]+)">', html)


# --- sorting ------------------------------------------------------------------------------------


def test_case_list_sorts_by_whitelisted_columns_with_aria_sort(login, world):
    b, a, c = lead(world, "乙 燃气"), lead(world, "甲 燃气"), lead(world, "丙 燃气")
    client = login(OFFICER)
    default = numbers_in(client.get("/cases/", {"q": "燃气"}).content.decode())
    assert default == [c.number, a.number, b.number]  # newest first, as before

    html = client.get("/cases/", {"q": "燃气", "sort": "number"}).content.decode()
    assert numbers_in(html) == sorted([a.number, b.number, c.number])
    assert re.search(r'<th aria-sort="ascending" data-sort-key="number">', html)
    assert 'aria-sort="none" data-sort-key="title"' in html
    # the header of the current sort reverses it and keeps the search; the others sort ascending
    assert 'href="?q=%E7%87%83%E6%B0%94&amp;sort=-number"' in html
    assert 'href="?q=%E7%87%83%E6%B0%94&amp;sort=title"' in html

    html = client.get("/cases/", {"q": "燃气", "sort": "-number"}).content.decode()
    assert numbers_in(html) == sorted([a.number, b.number, c.number], reverse=True)
    assert 'aria-sort="descending" data-sort-key="number"' in html and "▼" in html

    titles = numbers_in(client.get("/cases/", {"q": "燃气", "sort": "title"}).content.decode())
    assert titles == [n.number for n in sorted([a, b, c], key=lambda x: (x.title, x.pk))]


def test_an_unknown_sort_is_ignored_with_a_message(login, world):
    lead(world, "甲")
    client = login(OFFICER)
    response = client.get("/cases/", {"sort": "facts", "language": "en"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert "facts" in html and 'aria-sort="ascending"' not in html and 'aria-sort="descending"' not in html
    assert not re.search(r'href="\?[^"]*sort=facts', html)  # not carried into the list's links
    assert client.get("/cases/", {"sort": "-id;drop"}).status_code == 200


def test_equal_values_keep_a_stable_order_on_id(world):
    controls_order = CASES.sorts["state"]
    assert controls_order == ("state",)
    from web.common.listing import ListControls

    asc = ListControls(spec=CASES, sort="state", page_size=20)
    desc = ListControls(spec=CASES, sort="-state", page_size=20)
    assert asc.order_by == ("state", "id") and desc.order_by == ("-state", "-id")
    assert ListControls(spec=CASES, sort="", page_size=20).order_by is None  # the selector's indexed order
    assert ListControls(spec=CASES, sort="-number", page_size=20).order_by == ("-number",)  # unique already


def test_cadre_accident_and_referral_lists_sort(login, world):
    org = login("organization_officer")
    html = org.get("/cadres/", {"sort": "name"}).content.decode()
    assert 'aria-sort="ascending" data-sort-key="name"' in html
    names = re.findall(r'<td class="zm-nowrap"><a href="/cadres/\d+/"><strong>(.*?)</strong>', html)
    assert names == sorted(names) and len(names) > 3
    html = org.get("/cadres/", {"sort": "-department"}).content.decode()
    assert 'aria-sort="descending" data-sort-key="department"' in html

    emer = login("emergency_officer")
    for key in ("grade", "-occurred_at", "deaths", "title"):
        html = emer.get("/accidents/", {"sort": key}).content.decode()
        assert f'data-sort-key="{key.lstrip("-")}"' in html and 'aria-sort="none"' in html

    disc = login(OFFICER)
    html = disc.get("/referrals/", {"sort": "-created"}).content.decode()
    assert 'aria-sort="descending" data-sort-key="created"' in html or "zm-empty" in html


# --- page sizes ---------------------------------------------------------------------------------


def test_page_size_is_whitelisted_and_remembered_per_user_and_list(login, world, client_as):
    for i in range(27):
        lead(world, f"页{i:02d}")
    client = login(OFFICER)
    assert len(numbers_in(client.get("/cases/").content.decode())) == CASES.default_page_size
    assert len(numbers_in(client.get("/cases/", {"page_size": "20"}).content.decode())) == 20
    assert ListPreference.objects.get(user=world.users[OFFICER], list_key="cases").page_size == 20
    assert len(numbers_in(client.get("/cases/").content.decode())) == 20  # remembered
    assert len(numbers_in(client.get("/cases/", {"page_size": "7"}).content.decode())) == 20  # not offered: ignored
    assert len(numbers_in(client.get("/cases/", {"page_size": "100"}).content.decode())) == 27
    # another user, and another list, keep their own sizes
    other = client_as(OFFICER2)
    assert len(numbers_in(other.get("/cases/").content.decode())) == CASES.default_page_size
    assert not ListPreference.objects.filter(user=world.users[OFFICER], list_key="cadres").exists()


# --- saved views --------------------------------------------------------------------------------


def test_saved_views_are_saved_applied_and_private(login, world, client_as):
    lead(world, "甲 燃气")
    owner = login(OFFICER)
    response = owner.post(
        "/views/save/", {"list": "cases", "name": "  我的 燃气 ", "query": "q=燃气&sort=-number&page=3&page_size=50"}
    )
    view = SavedListView.objects.get(user=world.users[OFFICER])
    assert view.name == "我的 燃气" and view.query == "q=%E7%87%83%E6%B0%94&sort=-number&page_size=50"  # no page
    assert response.status_code == 302 and response["Location"] == "/cases/?" + view.query
    html = owner.get("/cases/").content.decode()
    assert f'href="/cases/?{view.query.replace("&", "&amp;")}"' in html and 'data-saved-view="我的 燃气"' in html

    # saving under the same name replaces it
    owner.post("/views/save/", {"list": "cases", "name": "我的 燃气", "query": "state=received"})
    assert SavedListView.objects.get(user=world.users[OFFICER]).query == "state=received"

    other = client_as(OFFICER2)
    assert "我的 燃气" not in other.get("/cases/").content.decode()
    assert other.post(f"/views/{view.pk}/delete/", {"list": "cases"}).status_code == 404
    assert SavedListView.objects.filter(pk=view.pk).exists()
    assert 'data-saved-view="我的 燃气"' not in owner.get("/cadres/").content.decode()  # per list

    assert owner.post(f"/views/{view.pk}/delete/", {"list": "cases"}).status_code == 302
    assert not SavedListView.objects.filter(pk=view.pk).exists()


def test_a_saved_view_holds_only_the_lists_own_parameters(login, world):
    client = login(OFFICER)
    client.post("/views/save/", {"list": "cases", "name": "x", "query": "next=//evil.example&q=a"})
    client.post("/views/save/", {"list": "cases", "name": "", "query": "q=a"})
    client.post("/views/save/", {"list": "cases", "name": "长" * 61, "query": "q=a"})
    client.post("/views/save/", {"list": "cases", "name": "long", "query": "q=" + "a" * 600})
    assert not SavedListView.objects.exists()
    assert client.post("/views/save/", {"list": "nope", "name": "x", "query": ""}).status_code == 404
    assert clean_query("?q=a&page=2&partial=1&q=b", {"q"}) == "q=a&q=b"


# --- live search --------------------------------------------------------------------------------


def test_partial_answer_is_the_results_with_marked_matches(login, world):
    case = lead(world, "关于<b>燃气</b>管道隐患")
    client = login(OFFICER)
    html = client.get("/cases/", {"q": "燃气", "partial": "1"}).content.decode()
    assert "<html" not in html and 'data-list-tools="cases"' in html
    assert f'data-case="{case.number}"' in html
    assert "关于&lt;b&gt;<mark>燃气</mark>&lt;/b&gt;管道隐患" in html
    assert f'href="/cases/{case.pk}/"' in html  # the link itself untouched
    full = client.get("/cases/", {"q": "燃气"}).content.decode()
    assert "<html" in full and "data-live-search" in full and "<mark>燃气</mark>" in full


def test_highlight_escapes_and_ignores_case():
    assert highlight("Gas <script>GAS</script>", "gas") == "<mark>Gas</mark> &lt;script&gt;<mark>GAS</mark>&lt;/script&gt;"
    assert highlight("a&b", "&") == "a<mark>&amp;</mark>b"
    assert highlight("a&amp;b", "amp") == "a&amp;<mark>amp</mark>;b"  # the text's own "&amp;", not an entity
    assert highlight("<i>", "") == "&lt;i&gt;"
    assert highlight(None, "x") == ""


def test_cadre_accident_and_referral_lists_answer_partially(login, world):
    cadre = world.cadres["pl-baofeng:township_deputy:0"]
    org = login("organization_officer")
    html = org.get("/cadres/", {"q": cadre.name[:2], "partial": "1"}).content.decode()
    assert "<html" not in html and f"<mark>{cadre.name[:2]}</mark>" in html
    emer = login("emergency_officer")
    html = emer.get("/accidents/", {"q": "事故", "partial": "1"}).content.decode()
    assert "<html" not in html and 'data-list-tools="accidents"' in html
    disc = login(OFFICER)
    html = disc.get("/referrals/", {"q": "ZR", "partial": "1"}).content.decode()
    assert "<html" not in html and 'data-list-tools="referrals"' in html


def test_list_queries_do_not_grow_with_rows_or_controls(login, world):
    client = login(OFFICER)
    for i in range(3):
        lead(world, f"计{i}")
    urls = ["/cases/?sort=number&page_size=20", "/cases/?q=计&partial=1", "/cases/?sort=-department"]
    small = [count_queries_warm(client, url) for url in urls]
    for i in range(6):
        lead(world, f"计{i + 3}")
    assert [count_queries_warm(client, url) for url in urls] == small
    # the controls cost the two reads of the user's preferences, no more
    assert count_queries_warm(client, "/cases/?sort=number") == count_queries_warm(client, "/cases/")


# --- bulk claim / assign ------------------------------------------------------------------------


def last_message(response) -> str:
    from django.contrib.messages import get_messages

    return str(list(get_messages(response.wsgi_request))[-1])


def _queue_task_ids(world, cases) -> list[int]:
    wanted = {c.pk for c in cases}
    return [t.pk for t in queue(world.users[OFFICER]) if t.data.get("case") in wanted]


def test_bulk_claim_claims_each_and_says_what_was_taken(login, world, client_as):
    cases = [lead(world, f"批{i}") for i in range(3)]
    ids = _queue_task_ids(world, cases)
    assert len(ids) == 3
    rival = client_as(OFFICER2)
    rival.post(f"/tasks/{ids[0]}/claim/", {"next": "/queue/"})  # taken a moment earlier

    client = login(OFFICER)
    html = client.get("/queue/").content.decode()
    assert 'id="bulk-tasks"' in html and f'data-task="{ids[1]}"' in html
    response = client.post("/tasks/bulk/", {"action": "claim", "tasks": ids, "next": "/queue/"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response["Location"] == "/queue/"
    page = client.get("/inbox/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for task_id in ids[1:]:
        assert f'id="task-{task_id}"' in page
    claimed = CaseEvent.objects.filter(kind="task_claimed", case__in=cases)
    assert sorted(e.actor.username for e in claimed) == [OFFICER, OFFICER, OFFICER2]  # each claim on the timeline


def test_bulk_summary_counts_wins_and_losses(login, world, settings):

    settings.LANGUAGE_CODE = "en"
    cases = [lead(world, f"批{i}") for i in range(2)]
    ids = _queue_task_ids(world, cases)
    first = login(OFFICER)
    response = first.post("/tasks/bulk/", {"action": "claim", "tasks": ids, "next": "/queue/"}, HTTP_ACCEPT_LANGUAGE="en")
    assert last_message(response) == "Claimed 2 tasks."
    first.logout()
    second = login(OFFICER2)
    response = second.post("/tasks/bulk/", {"action": "claim", "tasks": [*ids, 999999]}, HTTP_ACCEPT_LANGUAGE="en")
    assert last_message(response) == "Claimed 0 tasks; 2 were already taken by someone else; 1 no longer exists."
    assert CaseEvent.objects.filter(kind="task_claimed", actor=world.users[OFFICER2]).count() == 0


def test_bulk_assign_is_a_leaders_and_only_to_members(login, world, settings):

    settings.LANGUAGE_CODE = "en"
    cases = [lead(world, f"派{i}") for i in range(2)]
    ids = _queue_task_ids(world, cases)
    officer = login(OFFICER)
    response = officer.post("/tasks/bulk/", {"action": "assign", "tasks": ids, "to": OFFICER2})
    assert "2 you may not take or give" in last_message(response)
    officer.logout()

    leader = login(LEADER)
    html = leader.get("/queue/").content.decode()
    bulk = re.search(r'id="bulk-tasks".*?</form>', html, re.S).group(0)
    assert 'value="discipline_officer2"' in bulk and "organization_officer" not in bulk
    response = leader.post("/tasks/bulk/", {"action": "assign", "tasks": ids, "to": "organization_officer"})
    assert "2 you may not take or give" in last_message(response)
    response = leader.post("/tasks/bulk/", {"action": "assign", "tasks": ids, "to": OFFICER2})
    assert last_message(response) == "Assigned 2 tasks."
    assigned = CaseEvent.objects.filter(kind="task_assigned", case__in=cases)
    assert {e.payload["to"] for e in assigned} == {OFFICER2} and assigned.count() == 2
    assert leader.post("/tasks/bulk/", {"action": "delete", "tasks": ids}).status_code == 404
