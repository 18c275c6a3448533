"""The catalog's second version (issue 13, migration 0007): the rows bound to organs, the rows of
the department Party group principal, the rows it closed, the catalog on a given day and the
rulebook every row belongs to. test_catalog.py checks every row against the seed's words."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings

from cases.tests._transitions_helpers import assert_error
from duties.models import Obligation
from duties.selectors.periods import block_of
from duties.tests.test_catalog import ARTICLES, CLOSED, EXPECTED, EXPECTED_ORGANS, items, squeeze

pytestmark = pytest.mark.django_db

DOCS = Path(settings.BASE_DIR) / "docs" / "duties.md"


@pytest.fixture(scope="module")
def world(module_world):
    """conftest's ``world``, built once for this module (``module_world``)."""
    return module_world


def codes(client, url: str) -> set[str]:
    """The rows with a frequency (the standing duties of Arts. 5–13 are test_catalog.py's), from
    every page of the paginated list."""
    rows: list[dict] = []
    while url is not None:
        response = client.get(url)
        assert response.status_code == 200, response.content
        page = response.json()
        rows += page["results"]
        url = page["next"]
    return {row["code"] for row in rows if row["period"] != "standing"}


def frequency(expected: set[str]) -> set[str]:
    standing = set(Obligation.objects.filter(period="standing").values_list("code", flat=True))
    return expected - standing


@pytest.mark.parametrize("organ", list(EXPECTED_ORGANS))
def test_obligations_of_an_organ(world, api, organ):
    rows = api("discipline_officer").get(f"/api/v1/obligations/?organ={organ}&page_size=200").json()["results"]
    assert {r["code"] for r in rows} == EXPECTED_ORGANS[organ]
    for r in rows:
        assert r["roles"] == [] and organ in r["organs"] and r["rulebook"] == "pingluo-2021"
        assert squeeze(r["text"]) in items(ARTICLES[r["article"]])[r["item"]], r["code"]
        assert "县安委会" in r["text"] or "县政府和园区管委会" in r["text"], r["code"]


def test_an_unknown_organ_is_a_400_naming_it(world, api):
    body = assert_error(api("discipline_officer").get("/api/v1/obligations/?organ=county_janitor"), 400, "invalid")
    assert list(body["detail"]) == ["organ"] and "county_janitor" in body["detail"]["organ"][0]


def test_the_department_party_group_rows_share_the_seeds_words_with_the_township_and_park_rows():
    assert row("5-2-department").text == row("5-2-township-park").text
    assert row("5-9-department").text == row("5-9").text
    for code in ("5-2-department", "5-9-department"):
        assert "党组" in row(code).text and row(code).roles == ["dept_party_secretary"]
    # The township and park rows were not touched: same roles, never closed.
    assert row("5-2-township-park").roles == ["township_party_secretary", "park_party_secretary"]
    assert row("5-2-township-park").valid_to is None and row("5-9").valid_to is None


def row(code: str) -> Obligation:
    return Obligation.objects.get(rulebook="pingluo-2021", code=code)


@pytest.mark.parametrize(("closed", "successor"), list(CLOSED.items()))
def test_a_closed_row_hands_over_to_its_successor_the_next_day_with_the_same_words(closed, successor):
    old, new = row(closed), row(successor)
    same = ("article", "item", "activity", "period", "min_count", "text", "rulebook")
    assert [getattr(old, f) for f in same] == [getattr(new, f) for f in same]
    assert old.roles and not old.organs and new.organs and not new.roles
    assert new.valid_from == old.valid_to + dt.timedelta(days=1)
    # On a boundary of the row's blocks (default anchor): no block is split between the readings.
    assert block_of(new.period, new.valid_from, two_year_anchor=2021)[0] == new.valid_from


@pytest.mark.parametrize(
    ("query", "day", "expected"),
    [
        ("role=county_safety_deputy", "2026-12-31", {"14"}),
        ("role=county_safety_deputy", "2027-01-01", set()),
        ("role=county_magistrate", "2026-12-31", EXPECTED["county_magistrate"]),
        ("role=county_magistrate", "2027-01-01", EXPECTED["county_magistrate"] - {"17-county-park"}),
        ("organ=county_safety_committee", "2026-06-01", {"16"}),
        ("organ=county_safety_committee", "2027-01-01", {"14-committee", "16"}),
        ("organ=county_government", "2026-06-01", set()),
        ("organ=park_committee", "2027-01-01", {"17-government-park"}),
        ("role=dept_party_secretary", "2021-06-11", {"5-2-department", "5-9-department"}),
        ("role=dept_party_secretary", "2021-06-10", set()),
    ],
)
def test_the_catalog_on_a_day(world, api, query, day, expected):
    assert codes(api("discipline_officer"), f"/api/v1/obligations/?{query}&on={day}&page_size=200") == frequency(expected)


def test_a_bad_day_is_a_400(world, api):
    assert list(assert_error(api("discipline_officer").get("/api/v1/obligations/?on=2026-13-01"), 400, "invalid")["detail"]) == [
        "on"
    ]


def test_every_row_is_pingluos_and_another_rulebook_has_no_catalog(world, api):
    client = api("discipline_officer")
    everything = codes(client, "/api/v1/obligations/?page_size=200")
    assert codes(client, "/api/v1/obligations/?rulebook=pingluo-2021&page_size=200") == everything
    assert codes(client, "/api/v1/obligations/?rulebook=national-2018&page_size=200") == set()
    assert codes(client, "/api/v1/obligations/?rulebook=huinong&page_size=200") == set()


def test_docs_list_every_row_of_the_catalog():
    """docs/duties.md's table is the catalog, row by row (PRODUCT-style docs, issue 13)."""
    table = DOCS.read_text(encoding="utf-8").split("## The obligations catalog", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([0-9a-z-]+)` \|", table, flags=re.M))
    assert documented == set(Obligation.objects.exclude(period="standing").values_list("code", flat=True))
