"""The case list and its export over HTTP.

- discipline_officer: handles the county's cases (accept, findings, conclude, propose, deliver).
- discipline_leader: approves, rejects, dismisses, assigns tasks, decides appeals.
- organization_officer: executes organizational measures and files the personnel archive.
- emergency_officer: referred the leads; sees status and outcome only.
- city_discipline_officer: an outsider; sees nothing of the county's cases.

Every form goes through the services: a refused request re-renders the form with the service's
errors next to its fields and writes nothing.
"""

from __future__ import annotations

import io
import re

import pytest

from cases.codes import CaseState
from cases.tests.scenarios import case_in_state, new_lead
from web.tests.helpers import (
    OFFICER,
    count_queries_warm,
    zh,
)

pytestmark = pytest.mark.django_db


def test_case_list_filters_search_and_paginates_keeping_filters(login, world, monkeypatch):
    import web.cases.views.list

    monkeypatch.setattr(web.cases.views.list, "PAGE_SIZE", 2)
    leads = [new_lead(world) for _ in range(3)]
    other = new_lead(world, cadres=("pl-touzha:township_head:0",))
    investigating = case_in_state(world, CaseState.INVESTIGATING)
    client = login(OFFICER)

    html = client.get("/cases/", {"state": "received"}).content.decode()
    assert investigating.number not in html and leads[-1].number in html
    assert 'href="?state=received&amp;page=2"' in html  # the next page keeps the filter
    page2 = client.get("/cases/", {"state": "received", "page": 2}).content.decode()
    assert leads[0].number in page2 and investigating.number not in page2

    cadre = other.subjects.get().cadre.name
    html = client.get("/cases/", {"q": cadre}).content.decode()
    assert other.number in html and leads[0].number not in html
    html = client.get("/cases/", {"q": investigating.number}).content.decode()
    assert investigating.number in html and other.number not in html

    dept = investigating.owner_department_id
    assert investigating.number in client.get("/cases/", {"department": dept}).content.decode()
    assert "ZR-" not in client.get("/cases/", {"department": world.departments["pl-audit"].pk}).content.decode()


def test_case_list_offers_the_handling_departments_of_the_jurisdiction_and_above(login, world):

    def choices(client, **params):
        html = client.get("/cases/", params).content.decode()
        select = html.split('name="department"', 1)[1].split("</select>", 1)[0]
        return {int(pk) for pk in re.findall(r'<option value="(\d+)"', select)}

    d = world.departments
    officer = login(OFFICER)
    handling = {d[code].pk for code in ("pl-discipline", "pl-organization", "pl-emergency", "szs-discipline")}
    html = officer.get("/cases/").content.decode().split('name="department"', 1)[1]
    order = [int(pk) for pk in re.findall(r'<option value="(\d+)"', html.split("</select>", 1)[0])]
    # own department first, then the county's organs, then the city's
    assert order[0] == d["pl-discipline"].pk
    assert order.index(d["pl-organization"].pk) < order.index(d["szs-discipline"].pk)
    got = choices(officer)
    assert handling <= got
    # neither units that do not handle cases, nor another county's organs
    assert not got & {d[code].pk for code in ("pl-baofeng", "pl-finance", "hn-discipline", "hn-organization")}
    # a unit of the jurisdiction picked by hand stays shown as the filter; another county's does not
    assert d["pl-audit"].pk in choices(officer, department=d["pl-audit"].pk)
    assert d["hn-discipline"].pk not in choices(officer, department=d["hn-discipline"].pk)
    # the neighbour county's officer sees its own organs and the city's, none of Pingluo's
    neighbour = choices(login("huinong_discipline_officer"))
    assert {d["hn-discipline"].pk, d["szs-discipline"].pk} <= neighbour and not neighbour & handling - {d["szs-discipline"].pk}


def test_export_writes_the_filtered_list_with_chinese_headers(login, world):
    from openpyxl import load_workbook

    a = new_lead(world)
    b = case_in_state(world, CaseState.INVESTIGATING)
    response = login(OFFICER).get("/cases/export.xlsx", {"state": "investigating"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("编号", "标题", "状态", "承办部门")
    assert [r[0] for r in rows[1:]] == [b.number]
    assert rows[1][2] == zh("Verification and investigation (初步核实/调查)") and a.number not in str(rows)
    assert rows[1][6] == b.subjects.get().cadre.name


def test_case_list_costs_the_same_for_3_and_10_cases(login, world):
    client = login(OFFICER)
    for _ in range(3):
        new_lead(world)
    urls = ["/cases/", "/cases/?state=received&q=测试", "/"]
    small = [count_queries_warm(client, url) for url in urls]
    for _ in range(7):
        new_lead(world)
    assert [count_queries_warm(client, url) for url in urls] == small
