"""Statistics under filters, their drill-down to the case list and their export (issue 16 item 9).

One data set for the module (``module_world``), seen by the Pingluo discipline office:

- A: executing, received last June; 26.5 claimed and found; admonishment for both its cadres
  (two decisions, one case);
- B: received this year, 26.1 and 26.3 claimed;
- C: referred by the audit office this year, 26.1 claimed;
- D: assessing, referred by the audit office, nothing claimed, 26.5 found (the audit office must
  never count or filter by it);
- E: decided this year, 26.5 claimed and found; admonishment for its one cadre;
- H: a Huinong case, which no Pingluo user sees.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from cases.codes import CaseState, Measure
from cases.models import Case
from cases.selectors import case_list
from cases.selectors.pages import case_statistics
from cases.services.leads import lead_create
from cases.tests.scenarios import case_in_state, new_lead
from core.persistence import local_today
from web.tests.helpers import TOUZHA_HEAD, chart_of

pytestmark = pytest.mark.django_db

THIS_YEAR = local_today().year
LAST_YEAR = THIS_YEAR - 1
YAOFU_HEAD = "pl-yaofu:township_head:0"
CHENGGUAN_HEAD = "pl-chengguan:township_head:0"


@pytest.fixture(scope="module")
def world(module_world):
    return module_world


@pytest.fixture(scope="module")
def cases(world, django_db_blocker):
    with django_db_blocker.unblock():
        a = case_in_state(world, CaseState.EXECUTING, cadres=(TOUZHA_HEAD, YAOFU_HEAD))
        june = timezone.make_aware(dt.datetime(LAST_YEAR, 6, 15, 10, 0), timezone.get_current_timezone())
        Case.objects.filter(pk=a.pk).update(created_at=june)
        b = new_lead(world, circumstances=("26.1", "26.3"), cadres=(CHENGGUAN_HEAD,))
        c = new_lead(world, source="audit_officer", circumstances=("26.1",))
        d = case_in_state(world, CaseState.ASSESSING, source="audit_officer", circumstances=(), cadres=(YAOFU_HEAD,))
        e = case_in_state(world, CaseState.DECIDED, cadres=(CHENGGUAN_HEAD,))
        h = lead_create(
            acting_user=world.users["huinong_emergency_officer"],
            title="惠农线索",
            facts="事实",
            source_kind="accident_investigation",
            subjects=[world.neighbour_cadres["hn-hongguozi:township_deputy"]],
            circumstances=["26.5"],
        )
    return {"A": a.pk, "B": b.pk, "C": c.pk, "D": d.pk, "E": e.pk, "H": h.pk}


def _names(cases, qs) -> set[str]:
    by_pk = {pk: name for name, pk in cases.items()}
    return {by_pk.get(pk, str(pk)) for pk in qs.values_list("pk", flat=True)}


ALL = tuple(Measure.values)
FILTERS = [
    ("discipline_officer", {}, "ABCDE"),
    ("discipline_officer", {"year": THIS_YEAR}, "BCDE"),
    ("discipline_officer", {"year": LAST_YEAR}, "A"),
    ("discipline_officer", {"year": 2001}, ""),
    ("discipline_officer", {"month": dt.date(LAST_YEAR, 6, 1)}, "A"),
    ("discipline_officer", {"month": dt.date(LAST_YEAR, 7, 1)}, ""),
    ("discipline_officer", {"circumstance": [("26.5",)]}, "ADE"),
    ("discipline_officer", {"claimed": [("26.5",)]}, "AE"),
    ("discipline_officer", {"found": [("26.5",)]}, "ADE"),
    ("discipline_officer", {"circumstance": [("26.1",), ("26.3",)]}, "B"),  # both
    ("discipline_officer", {"circumstance": [("26.1", "26.3")]}, "BC"),  # either
    ("discipline_officer", {"circumstance": [("26.7",)]}, ""),
    ("discipline_officer", {"measure": [("admonishment",)]}, "AE"),
    ("discipline_officer", {"measure": [("notice",)]}, ""),
    ("discipline_officer", {"measure": [ALL]}, "AE"),
    ("discipline_officer", {"year": THIS_YEAR, "measure": [("admonishment",)]}, "E"),
    ("discipline_officer", {"year": THIS_YEAR, "circumstance": [("26.5",)]}, "DE"),
    # The audit office sees its two referrals, and never their findings.
    ("audit_officer", {}, "CD"),
    ("audit_officer", {"circumstance": [("26.5",)]}, ""),
    ("audit_officer", {"found": [("26.5",)]}, ""),
    ("audit_officer", {"circumstance": [("26.1",)]}, "C"),
    ("huinong_discipline_officer", {}, "H"),
    ("huinong_discipline_officer", {"circumstance": [("26.5",)], "year": THIS_YEAR}, "H"),
    ("admin", {"claimed": [("26.5",)]}, "AEH"),
]


def test_filters_table(world, cases):
    """``case_list`` and ``case_statistics`` keep the same cases under each filter."""
    failures = []
    for persona, narrowing, expected in FILTERS:
        user = world.users[persona]
        listed = _names(cases, case_list(user=user, **narrowing))
        counted = sum(case_statistics(user, **narrowing).by_state.values())
        if listed != set(expected) or counted != len(expected):
            failures.append(f"{persona} {narrowing}: listed {sorted(listed)}, counted {counted}, expected {expected}")
    assert not failures, "\n".join(failures)
    # State and department combine with them.
    officer = world.users["discipline_officer"]
    department = world.departments["pl-discipline"].pk
    assert _names(cases, case_list(user=officer, state="received", department=department, circumstance=[("26.1",)])) == {"B", "C"}
    counts = case_statistics(officer, state=["received"], department=department, circumstance=[("26.1",)])
    assert counts.by_state == {"received": 2}


def test_the_figures_count_what_the_description_says(client_as, cases):
    response = client_as("discipline_officer").get("/stats/")
    assert response.status_code == 200
    kpis = {k["key"]: k["value"] for k in response.context["kpis"]}
    assert kpis == {"total": 5, "open": 5, "closed": 0, "with-measure": 2, "measures": 3}
    measure = {row["code"]: (row["value"], row["cells"][0]["value"]) for row in chart_of(response, "measure")["rows"]}
    assert measure["admonishment"] == (2, 3)  # two cases, three decisions (A's two cadres)
    circumstance = {
        row["code"]: (row["value"], [c["value"] for c in row["cells"]]) for row in chart_of(response, "circumstance")["rows"]
    }
    assert circumstance["26.5"] == (3, [2, 3])
    assert circumstance["26.1"] == (2, [2, 0])

    filtered = client_as("discipline_officer").get(f"/stats/?year={THIS_YEAR}&circumstance=26.5")
    assert filtered.status_code == 200
    assert {k["key"]: k["value"] for k in filtered.context["kpis"]}["total"] == 2  # D and E
    months = chart_of(filtered, "month")["rows"]
    assert months[0]["label"] == f"{THIS_YEAR}-01" and all(m["label"].startswith(str(THIS_YEAR)) for m in months)
    html = filtered.content.decode()
    assert 'id="active-filters"' in html and 'data-filter="year"' in html and 'data-filter="circumstance"' in html
    assert f'<option value="{THIS_YEAR}" selected>' in html


DRILL = re.compile(
    r'<a href="([^"]+)" class="zm-drill"[^>]*data-count="(\d+)"|<a class="zm-kpi-value zm-drill" id="[^"]+" href="([^"]+)" data-count="(\d+)"'
)


def _links(html: str) -> dict[str, int]:
    links: dict[str, int] = {}
    for match in DRILL.finditer(html):
        href = unescape(match[1] or match[3])
        count = int(match[2] or match[4])
        assert links.get(href, count) == count, href
        links[href] = count
    return links


@pytest.mark.parametrize(
    ("persona", "query"),
    [
        ("discipline_officer", ""),
        ("discipline_officer", f"year={THIS_YEAR}"),
        ("discipline_officer", "circumstance=26.1"),
        ("discipline_officer", "measure=admonishment"),
        ("discipline_officer", "state=received"),
        ("discipline_officer", "department={pl_discipline}&year={last}"),
        ("audit_officer", ""),
    ],
)
def test_every_figure_opens_a_list_of_as_many_cases(client_as, world, cases, persona, query):
    query = query.format(pl_discipline=world.departments["pl-discipline"].pk, last=LAST_YEAR)
    client = client_as(persona)
    response = client.get(f"/stats/?{query}")
    assert response.status_code == 200
    # Every non-zero number is a link, but the count of decisions (not cases).
    for chart in response.context["charts"]:
        for row in chart["rows"]:
            assert bool(row["href"]) == bool(row["value"]), (chart["key"], row)
            for cell in row.get("cells", []):
                assert bool(cell["href"]) == bool(cell["value"] and chart["key"] != "measure"), (chart["key"], row)
    for kpi in response.context["kpis"]:
        assert bool(kpi["href"]) == bool(kpi["value"] and kpi["key"] != "measures"), kpi
    links = _links(response.content.decode())
    kinds = {(urlsplit(h).path, tuple(sorted({k for k, _v in parse_qsl(urlsplit(h).query)}))) for h in links}
    assert len(links) >= 5 and all(path == "/cases/" for path, _keys in kinds)
    for href, count in links.items():
        listed = client.get(href)
        assert listed.status_code == 200, href
        assert listed.context["page"].paginator.count == count, (
            f"{href}: listed {listed.context['page'].paginator.count}, figure {count}"
        )
        for key, value in parse_qsl(urlsplit(href).query):  # the list shows each filter as a chip
            assert f'data-filter="{key}" data-value="{value}"' in unescape(listed.content.decode()), (href, key)


@pytest.mark.parametrize(
    "query",
    ["year=abc", "year=1800", "circumstance=26.9", "measure=bribe", "state=lost", "department=abc", "department={huinong}"],
)
def test_a_bad_filter_is_a_400_that_says_why(client_as, world, cases, query):
    query = query.format(huinong=world.departments["hn-discipline"].pk)
    client = client_as("discipline_officer")
    client.cookies["django_language"] = "en"
    response = client.get(f"/stats/?{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="filter-errors"' in html and "kpi-total" not in html
    value = query.split("=", 1)[1]
    assert value in html
    for export in ("/stats/export.xlsx", "/stats/export.csv"):
        refused = client.get(f"{export}?{query}")
        assert refused.status_code == 400 and value in refused.content.decode()


@pytest.mark.parametrize(
    "query", ["year=20x6", "month=2026-13", "circumstance=27.1", "claimed=x", "found=26.8", "measure=warning"]
)
def test_the_case_list_refuses_a_bad_statistics_filter(client_as, cases, query):
    client = client_as("discipline_officer")
    response = client.get(f"/cases/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="filter-errors"' in html and query.split("=", 1)[1] in html
    assert client.get(f"/cases/export.xlsx?{query}").status_code == 400


def test_case_list_chips_remove_one_filter_each(client_as, cases):
    response = client_as("discipline_officer").get(f"/cases/?year={THIS_YEAR}&measure=admonishment&circumstance=26.5&page=1")
    assert response.status_code == 200 and response.context["page"].paginator.count == 1  # E
    chips = {c["name"]: c for c in response.context["chips"]}
    assert set(chips) == {"year", "measure", "circumstance"}
    assert chips["year"]["remove"] == "/cases/?measure=admonishment&circumstance=26.5"
    assert chips["measure"]["remove"] == f"/cases/?year={THIS_YEAR}&circumstance=26.5"
    html = response.content.decode()
    assert html.count('class="zm-chip-remove"') == 3


def test_a_county_sees_only_its_county(client_as, world, cases):
    response = client_as("huinong_discipline_officer").get("/stats/")
    assert response.status_code == 200
    assert {k["key"]: k["value"] for k in response.context["kpis"]}["total"] == 1
    names = {d.name for d in response.context["departments"]}
    assert world.departments["hn-discipline"].name in names
    assert not any(name.startswith("平罗") for name in names), names
    rows = chart_of(response, "owner")["rows"]
    assert [r["label"] for r in rows] == [world.departments["hn-discipline"].name]
    # A Pingluo department is refused, not counted as empty.
    pl = world.departments["pl-discipline"].pk
    assert client_as("huinong_discipline_officer").get(f"/stats/?department={pl}").status_code == 400
    # The Pingluo office's statistics never include the Huinong case, even for Huinong's department.
    pingluo = client_as("discipline_officer").get("/stats/")
    assert world.departments["hn-discipline"].name not in [r["label"] for r in chart_of(pingluo, "owner")["rows"]]


def test_export_xlsx_and_csv_carry_the_filtered_figures(client_as, world, cases):
    client = client_as("discipline_officer")
    response = client.get(f"/stats/export.xlsx?year={THIS_YEAR}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    stats = client.get(f"/stats/?year={THIS_YEAR}")
    kpis = {str(k["label"]): k["value"] for k in stats.context["kpis"]}
    found = {r[0]: r[1] for r in rows if r and r[0] in kpis}
    assert found == kpis and kpis[next(iter(kpis))] == 4
    assert any(r[0] and str(THIS_YEAR) in str(r[1]) for r in rows[:3])  # the filters are written down
    measure_rows = {r[0]: r[1:3] for r in rows if r[0] == str(Measure.ADMONISHMENT.label)}
    assert measure_rows == {str(Measure.ADMONISHMENT.label): [1, 1]}  # E alone this year

    text = client.get(f"/stats/export.csv?year={THIS_YEAR}").content.decode("utf-8")
    assert text.startswith("\ufeff")
    csv_rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert {r[0]: int(r[1]) for r in csv_rows if r and r[0] in kpis} == kpis


def test_export_never_carries_a_live_formula(client_as, world, cases):
    department = world.departments["pl-discipline"]
    original = department.name
    type(department).objects.filter(pk=department.pk).update(name='=HYPERLINK("http://x","y")')
    try:
        client = client_as("discipline_officer")
        sheet = load_workbook(io.BytesIO(client.get("/stats/export.xlsx").content)).active
        cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
        assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
        text = client.get("/stats/export.csv").content.decode("utf-8")
        assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text
    finally:
        type(department).objects.filter(pk=department.pk).update(name=original)


def _queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_page_costs_the_same_whatever_the_filters_and_the_data(client_as, world, cases):
    client = client_as("discipline_officer")
    department = world.departments["pl-discipline"].pk
    plain = _queries(client, "/stats/")
    every = f"/stats/?year={THIS_YEAR}&department={department}&circumstance=26.5&measure=admonishment&state=decided"
    assert _queries(client, every) == plain
    for key in (TOUZHA_HEAD, CHENGGUAN_HEAD):
        case_in_state(world, CaseState.DECIDED, cadres=(key,))
        new_lead(world, cadres=(key,), circumstances=("26.1", "26.2"))
    assert _queries(client, "/stats/") == plain
    assert _queries(client, every) == plain
    assert plain <= 16, plain
