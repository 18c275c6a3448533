"""The rulebook pages (issue 13 item 3) with the test client: the list, a rulebook with what it
inherits, its measures table in Chinese, its verification shown plainly, its versions, and the diff
between two versions. Every signed-in user reads them; nobody signed out does."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rulebooks import content as files
from rulebooks import selectors
from rulebooks.services import load_rulebook
from web.tests.helpers import zh

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(module_world):
    """conftest's ``world``, built once for this module (``module_world``)."""
    return module_world


def _html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _section(html: str, element_id: str) -> str:
    match = re.search(rf'<(\w+)[^>]*id="{re.escape(element_id)}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, element_id
    return match.group(2)


def _load_huinong() -> None:
    load_rulebook(
        files.parse((files.DATA_DIR / "huinong.yaml").read_text(encoding="utf-8")), acting_user=None, reason="载入惠农区"
    )


def _pingluo_v2(user) -> None:
    data = files.parse(files.dump(selectors.rulebook_file(selectors.rulebook_by_code("pingluo-2021"))))
    data["content"]["articles"]["26.1"]["text"] = "履行本细则第二章所规定职责不到位的"
    data["content"]["articles"]["26.1"]["cite"] = "第二十六条第一项"
    row = next(
        r
        for r in data["content"]["measures"]
        if (r["circumstance"], r["severity"], r.get("grade", "")) == ("26.1", "standard", "")
    )
    row["measures"].remove("suspension")
    row["sanctions"].append("party_removal_from_post")
    del data["content"]["articles"]["29.4"]
    data["content"]["measures"].append(
        {"circumstance": "26.2", "severity": "heavier", "measures": ["dismissal"], "sanctions": [], "reasoning": "测试新增"}
    )
    load_rulebook(data, acting_user=user, reason="县委办修订")


def test_signed_out_goes_to_the_login(client_as):
    for url in ("/rulebooks/", "/rulebooks/pingluo-2021/", "/rulebooks/pingluo-2021/diff/"):
        response = client_as(None).get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


def test_the_list_in_chinese_with_the_nav_entry(client_as, nav_registered):
    _load_huinong()
    html = _html(client_as("huinong_organization_officer"), "/rulebooks/")
    nav = re.search(r'<a href="/rulebooks/" class="active">([^<]*)</a>', html)
    assert nav and "规则集" in nav.group(1)
    table = _section(html, "rulebooks")
    assert "地方党政领导干部安全生产责任制规定" in table and "全国" in table
    pingluo = _section(html, "rulebook-pingluo-2021")
    assert "平罗县" in pingluo and "已核对原文" in pingluo and "v1" in pingluo
    assert "部分核对" in _section(html, "rulebook-national-2018")
    assert "未经核对" in _section(html, "rulebook-huinong")


def test_the_nav_offers_the_rulebooks_to_every_signed_in_user(client_as, nav_registered):
    for persona in ("discipline_officer", "audit_officer", "city_discipline_officer"):
        assert 'href="/rulebooks/"' in _html(client_as(persona), "/"), persona


def test_a_county_rulebook_shows_its_own_articles_and_the_inherited_ones(client_as):
    html = _html(client_as("discipline_officer"), "/rulebooks/pingluo-2021/")
    assert "平罗县党政领导干部安全生产责任制实施细则" in html
    assert "已核对原文" in html and 'id="verification-warning"' not in html
    own = _section(html, "article-26.3")
    assert "第二十六条第（三）项" in own and "为违法违规企业说情、打招呼以及插手具体案件的" in own and zh("this rulebook") in own
    measures = _section(html, "measures")
    assert "问责方式和处分档次" in html
    first = _section(html, "circumstance-26.1")
    assert "第二十六条第（一）项" in first and "履行第二章、第三章规定职责不到位" in first
    # measures and sanction grades in Chinese, by grade and severity
    accident = _section(html, "circumstance-26.5")
    assert "特别重大" in accident and "从重" in accident and "减轻" in accident and "不分等级" in accident
    assert (
        "通报" in measures
        and "诫勉" in measures
        and "责令辞职" in measures
        and "党内警告" in measures
        and "撤销党内职务" in measures
    )
    assert "notice" not in measures and "party_warning" not in measures
    versions = _section(html, "versions")
    assert 'href="/rulebooks/pingluo-2021/versions/1/"' in versions and zh("current") in versions


def test_a_rulebook_with_nothing_of_its_own_names_where_everything_comes_from(client_as):
    _load_huinong()
    html = _html(client_as("huinong_discipline_officer"), "/rulebooks/huinong/")
    assert "未经核对" in html
    assert "未经核对" in _section(html, "verification-warning")
    article = _section(html, "article-26.5")
    assert "第十八条第（四）项" in article and 'href="/rulebooks/national-2018/"' in article
    assert 'data-inherited="national-2018"' in html
    assert zh("Inherited from") in _section(html, "circumstance-26.1")
    assert zh("Inherited from") in _section(html, "veto")


def test_partly_checked_articles_are_marked(client_as):
    html = _html(client_as("discipline_officer"), "/rulebooks/national-2018/")
    assert "部分核对" in _section(html, "verification-warning")
    assert 'class="zm-unverified-row"' in html
    assert "部分核对" in _section(html, "article-26.1")
    assert "第二十条只规定" in _section(html, "veto")


def test_the_diff_page_between_two_versions(client_as, world):
    _pingluo_v2(world.users["discipline_leader"])
    client = client_as("organization_officer")
    detail = _html(client, "/rulebooks/pingluo-2021/")
    assert "县委办修订" in _section(detail, "versions")
    assert 'href="/rulebooks/pingluo-2021/diff/?from=1&amp;to=2"' in detail
    old = _html(client, "/rulebooks/pingluo-2021/versions/1/")
    assert zh("Not the version in force: v%(n)s is current") % {"n": 2} in old
    assert "履行本细则第二章、第三章所规定职责不到位的" in old

    html = _html(client, "/rulebooks/pingluo-2021/diff/?from=1&to=2")
    changed = _section(html, "article-changed-26.1")
    assert "<del>第二十六条第（一）项</del>" in changed and "<ins>第二十六条第一项</ins>" in changed
    assert "<ins>履行本细则第二章所规定职责不到位的</ins>" in changed
    assert "29.4" in _section(html, "article-removed-29.4")
    rows = _section(html, "diff-measures")
    assert "<del>停职检查</del>" in rows and "<ins>+撤销党内职务</ins>" in rows
    assert "阻挠" in rows and "从重" in rows and "<ins>免职</ins>" in rows
    assert "问责方式和处分档次" in html
    # the default is the current version against the one before; the same version is no change
    assert _section(_html(client, "/rulebooks/pingluo-2021/diff/"), "article-changed-26.1") == changed
    assert 'id="unchanged"' in _html(client, "/rulebooks/pingluo-2021/diff/?from=2&to=2")


@pytest.mark.parametrize(
    "url",
    [
        "/rulebooks/ningxia/",
        "/rulebooks/pingluo-2021/versions/9/",
        "/rulebooks/pingluo-2021/diff/?from=1&to=9",
        "/rulebooks/pingluo-2021/diff/?from=x",
    ],
)
def test_unknown_rulebooks_and_versions_are_404(client_as, url):
    assert client_as("discipline_officer").get(url).status_code == 404


def test_the_list_page_reads_in_a_constant_number_of_queries(client_as):
    client = client_as("discipline_officer")
    client.get("/rulebooks/")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            client.get("/rulebooks/")
        return len(ctx.captured_queries)

    before = count()
    _load_huinong()
    assert count() == before


def test_a_rulebooks_time_limits_and_influence_periods_and_their_diff(client_as, world):
    """A county version that states its own limit and period (test figures, not law): the page
    lists them with their basis and marks them unchecked; the diff shows the limit that changed."""
    data = files.parse(files.dump(selectors.rulebook_file(selectors.rulebook_by_code("pingluo-2021"))))
    data["content"]["deadlines"] = [
        {"code": "appeal_window", "amount": 20, "unit": "days", "citation": "第三条（测试）", "verified": False}
    ]
    data["content"]["influence_periods"] = [
        {"measure": "sanction", "sanction_kind": "party_warning", "months": 12, "citation": "第五条（测试）", "verified": True}
    ]
    load_rulebook(data, acting_user=world.users["discipline_leader"], reason="载入期限")
    client = client_as("discipline_officer")
    figures = _section(_html(client, "/rulebooks/pingluo-2021/"), "figures")
    assert zh("Appealing against the decision") in figures and "20 天" in figures and "第三条（测试）" in figures
    assert "处分（党内警告）" in figures and "12 个月" in figures and "第五条（测试）" in figures
    assert figures.count(zh("not checked against the text")) == 1
    # The national rulebook states none: it says the national tables apply.
    national = _section(_html(client, "/rulebooks/national-2018/"), "figures-national")
    assert "本规则集未规定自己的期限和影响期" in national
    diff = _section(_html(client, "/rulebooks/pingluo-2021/diff/?from=1&to=2"), "diff-deadlines")
    assert "<del>—</del>" in diff and "appeal_window 20 days（第三条（测试））" in diff
