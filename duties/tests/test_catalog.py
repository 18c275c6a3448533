"""The obligations catalog (PRODUCT §3, STYLE §3): every duty with a frequency in Articles 5, 6,
9, 10, 11, 14, 16 and 17 of the seed is a row, in the seed's own words, bound to the right roles
(or, issue 13, to the right organs), and ``GET /api/v1/obligations/?role=`` serves exactly those
rows; so is every duty without a frequency in Articles 5–13 (period ``standing``: Art. 31 asks
for every duty of Chapters 2–3). The organs' rows, the catalog's versions and its rulebook are also in test_catalog_organs.py.

The seed is read from ``../shared/seed`` (next to the repository), the text the catalog was
transcribed from; the frequency phrases are found in it, not in the catalog.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from cases.tests._transitions_helpers import assert_error
from duties.codes import Organ
from duties.models import Obligation
from org.codes import Role

pytestmark = pytest.mark.django_db

SHARED = Path(settings.BASE_DIR).parent / "shared"
SEED = SHARED / "seed" / "pingluo-safety-responsibility-rules.zh.txt"
PRODUCT = SHARED / "spec" / "PRODUCT.md"

CATALOG_ARTICLES = (5, 6, 9, 10, 11, 14, 16, 17)  # the articles with a frequency
STANDING_ARTICLES = tuple(range(5, 14))  # Chapters 2–3 (Arts. 5–12) and Art. 13
ALL_ARTICLES = tuple(sorted({*CATALOG_ARTICLES, *STANDING_ARTICLES}))
# 每两月 before 每月 and 每两年 before 每年: the alternation takes the first that matches.
FREQUENCY = re.compile(r"每(两月|月|季度|半年|两年|年)")
PERIOD_OF = {"月": "month", "两月": "two_months", "季度": "quarter", "半年": "half_year", "年": "year", "两年": "two_years"}
COUNT = re.compile(r"(\d+|[一两二三四五六七八九十])次")
NUMERALS = {c: n for n, c in enumerate("一二三四五六七八九", start=1)}


@pytest.fixture(scope="module")
def world(module_world):
    """conftest's ``world``, built once for this module (``module_world``)."""
    return module_world


# --- reading the seed ------------------------------------------------------------------------


def chinese_number(text: str) -> int:
    """一 … 九十九, as in 第三十五条."""
    if "十" not in text:
        return NUMERALS[text]
    tens, _ten, units = text.partition("十")
    return (NUMERALS[tens] if tens else 1) * 10 + (NUMERALS[units] if units else 0)


def squeeze(text: str) -> str:
    """The seed wraps lines and pads numbers with spaces; compare without any whitespace."""
    return re.sub(r"\s+", "", text)


def articles() -> dict[int, str]:
    """Article number → its raw text, split at the 第X条 headings, without the chapter headings
    (第三章 部门领导干部职责 stands between Articles 9 and 10)."""
    text = re.sub(r"(?m)^第[一二三四五六七八九十]+章.*$", "", SEED.read_text(encoding="utf-8"))
    heads = list(re.finditer(r"(?m)^第([一二三四五六七八九十]+)条", text))
    out = {}
    for head, following in zip(heads, [*heads[1:], None], strict=True):
        out[chinese_number(head.group(1))] = text[head.start() : following.start() if following else len(text)]
    return out


def items(article_text: str) -> dict[str, str]:
    """Item (一, 二, …; "" for the article's opening) → its text without whitespace. The seed
    numbers 第八条's last item "(六)", with ASCII parentheses."""
    parts = re.split(r"(?m)^\s*-?\s*[（(]([一二三四五六七八九十]+)[）)]", article_text)
    out = {"": squeeze(parts[0])}
    for label, body in zip(parts[1::2], parts[2::2], strict=True):
        out[label] = squeeze(body)
    return out


ARTICLES = articles()


def test_the_seed_has_35_articles_and_the_catalog_articles_have_their_items():
    assert sorted(ARTICLES) == list(range(1, 36))
    assert sorted(items(ARTICLES[5])) == sorted(["", "一", "二", "三", "四", "五", "六", "七", "八", "九"])
    assert sorted(items(ARTICLES[10])) == sorted(["", "一", "二", "三", "四"])
    assert list(items(ARTICLES[14])) == [""]
    assert sorted(items(ARTICLES[8])) == sorted(["", "一", "二", "三", "四", "五", "六"])
    assert list(items(ARTICLES[7])) == [""] and list(items(ARTICLES[13])) == [""]
    assert "第三章" not in ARTICLES[9] and "第四章" not in ARTICLES[12]


# --- (a) the catalog against the seed --------------------------------------------------------


def occurrences() -> list[tuple[int, str, int, str]]:
    """Every frequency phrase in the catalog's articles: (article, item, offset, phrase)."""
    found = []
    for number in CATALOG_ARTICLES:
        for label, body in items(ARTICLES[number]).items():
            found += [(number, label, m.start(), m.group(0)) for m in FREQUENCY.finditer(body)]
    return found


def test_the_seed_has_the_22_frequency_phrases_the_catalog_transcribes():
    """A fixed count, so that a reading of the seed that drops phrases cannot pass the next test."""
    phrases = occurrences()
    assert len(phrases) == 22
    assert {a for a, *_rest in phrases} == set(CATALOG_ARTICLES)
    assert [p for a, _i, _o, p in phrases if a == 14] == ["每两年"]
    assert [p for a, _i, _o, p in phrases if a == 16] == ["每年"]
    assert [p for a, _i, _o, p in phrases if a == 17] == ["每年"]


def test_every_frequency_phrase_of_the_seed_is_covered_by_a_catalog_row():
    rows = list(Obligation.objects.all())
    uncovered = []
    for article, label, offset, phrase in occurrences():
        body = items(ARTICLES[article])[label]
        spans = [
            (m.start(), m.start() + len(squeeze(row.text)))
            for row in rows
            if row.article == article and row.item == label
            for m in re.finditer(re.escape(squeeze(row.text)), body)
        ]
        if not any(lo <= offset < hi for lo, hi in spans):
            uncovered.append(f"第{article}条（{label}）{phrase}: …{body[max(0, offset - 12) : offset + 16]}…")
    assert uncovered == []


def test_every_row_is_the_seeds_exact_words_under_its_own_article_and_item():
    rows = list(Obligation.objects.order_by("position"))
    # 22 rows of the first version, 5 of the second (migration 0007: two for the department Party
    # group principal, the committee's evaluation, and the organs' rows of Arts. 14 and 17), and 47
    # standing duties (migration 0005).
    assert len(rows) == 22 + 5 + 47
    assert sum(1 for row in rows if row.period == "standing") == 47
    for row in rows:
        assert row.article in (ALL_ARTICLES if row.period == "standing" else CATALOG_ARTICLES), row.code
        assert row.text.strip(), row.code
        assert squeeze(row.text) in squeeze(ARTICLES[row.article]), row.code
        assert squeeze(row.text) in items(ARTICLES[row.article])[row.item], row.code


def test_every_rows_period_and_count_are_those_of_its_words():
    """The period comes from the row's own phrase, or — for 第十七条's second clause, which has
    none — from the phrase that governs it ("每年…述责一次；各部门、乡镇分别…述责一次")."""
    for row in Obligation.objects.exclude(period="standing"):
        words = squeeze(row.text)
        phrase = FREQUENCY.search(words)
        if phrase is None:
            body = items(ARTICLES[row.article])[row.item]
            governing = list(FREQUENCY.finditer(body[: body.index(words)]))
            assert governing, row.code
            phrase = governing[-1]
        assert row.period == PERIOD_OF[phrase.group(1)], row.code
        # No count ("每半年对清单落实情况组织检查考核") is once.
        count = COUNT.search(words)
        value = count.group(1) if count else "一"
        assert row.min_count == (int(value) if value.isdigit() else {"两": 2, **NUMERALS}[value]), row.code


def test_a_standing_row_has_no_frequency_and_is_met_by_one_record():
    standing = list(Obligation.objects.filter(period="standing"))
    assert {row.article for row in standing} == set(STANDING_ARTICLES)
    for row in standing:
        assert FREQUENCY.search(squeeze(row.text)) is None, row.code
        assert (row.activity, row.min_count) == ("standing", 1), row.code
    assert not Obligation.objects.filter(activity="standing").exclude(period="standing").exists()


# What is left of Articles 5–13 once every row's words are taken out (and the punctuation between
# them): the opening that names whose duties follow, never a duty. Every item is used up whole.
OPENINGS = {
    5: "第五条各级党委（党组）主要负责人安全生产职责主要包括",
    6: "第六条各级政府主要负责人安全生产职责主要包括",
    7: "第七条县委常委会其他成员按照职责分工",
    8: "第八条县政府原则上由担任县委常委的政府领导干部分管安全生产工作其安全生产职责主要包括",
    9: "第九条县政府其他领导干部按照“一岗双责”要求对分管行业（领域）部门（单位）安全生产工作负责其安全生产职责主要包括",
    10: "第十条负有安全生产监管职责的部门领导干部安全生产职责主要包括",
    11: "第十一条各相关行业（领域）主管部门的领导干部安全生产职责主要包括",
    12: "第十二条县委、政府其他工作部门的领导干部安全生产职责主要包括",
    13: "第十三条",
}
PUNCTUATION = re.compile(r"[，。；：、]")


def uncovered(body: str, texts: list[str]) -> str:
    """``body`` without the characters of each text's first occurrence, and without punctuation."""
    covered = [False] * len(body)
    for text in texts:
        at = body.find(text)
        assert at >= 0, text
        covered[at : at + len(text)] = [True] * len(text)
    return PUNCTUATION.sub("", "".join(c for c, hit in zip(body, covered, strict=True) if not hit))


@pytest.mark.parametrize("article", STANDING_ARTICLES)
def test_every_duty_of_articles_5_to_13_is_in_a_row(article):
    rows = list(Obligation.objects.filter(article=article))
    left = {}
    for label, body in items(ARTICLES[article]).items():
        texts = [squeeze(row.text) for row in rows if row.item == label]
        rest = uncovered(body, texts)
        if rest:
            left[label] = rest
    # The opening keeps its "、" where it lists (县委、政府): compare it without punctuation too.
    assert left == {"": PUNCTUATION.sub("", OPENINGS[article])}
    # …and no row of the article is left without an item to stand in.
    assert {row.item for row in rows} <= set(items(ARTICLES[article]))


# Issue 13: the rows of the first version the organs' rows took over from, closed at the end of
# 2026; their successors, in force from 2027 (migration 0007 says why those days).
CLOSED = {"14": "14-committee", "17-county-park": "17-government-park"}


def test_every_row_binds_known_roles_or_organs_and_is_in_force_from_the_day_the_rules_were_issued():
    import datetime as dt

    for row in Obligation.objects.all():
        assert bool(row.roles) != bool(row.organs), row.code
        assert set(row.roles) <= set(Role.values) and set(row.organs) <= set(Organ.values), row.code
        assert row.rulebook == "pingluo-2021", row.code
        if row.code in CLOSED:
            assert (row.valid_from, row.valid_to) == (dt.date(2021, 6, 11), dt.date(2026, 12, 31)), row.code
        elif row.code in CLOSED.values():
            assert (row.valid_from, row.valid_to) == (dt.date(2027, 1, 1), None), row.code
        else:
            assert row.valid_from == dt.date(2021, 6, 11) and row.valid_to is None, row.code


# --- (b) which rows each role owes -----------------------------------------------------------

# Written from the seed, role by role (PRODUCT §1.2 gives each role's article). docs/duties.md
# explains the readings; the ones that needed a decision are marked.
EXPECTED: dict[str, set[str]] = {
    # 第五条: 县委常委会每半年研究 (the secretary puts it on the agenda), 县委主要负责人每季度调研,
    # 理论学习中心组每年2次.
    "county_party_secretary": {"5-2-county", "5-3-county-park", "5-9"},
    # 第七条 has no frequency.
    "county_standing_member": set(),
    # 第六条（二）（三）（五）, and 第十七条: 县政府每年向市政府述责.
    "county_magistrate": {"6-2-report", "6-2-committee", "6-3-county-park", "6-5", "17-county-park"},
    # 第八条 has no frequency; 第十四条's patrol every two years is the committee's, led by this post
    # (第八条（三）"负责领导安全生产委员会日常工作，组织实施…巡查"). A reading.
    "county_safety_deputy": {"14"},
    # 第九条（四）: 县政府…其他成员每季度带队检查, 每半年形势分析.
    "county_deputy": {"9-4-inspection", "9-4-analysis"},
    # 第五条（二）园区党工委每季度研究, （三）园区党工委主要负责人每季度调研, （九）.
    "park_party_secretary": {"5-2-township-park", "5-3-county-park", "5-9"},
    # 第六条 for the park (第二条: 参照执行) and 第十七条: 园区管委会每年向市政府述责.
    "park_director": {"6-2-report", "6-2-committee", "6-3-county-park", "6-5", "17-county-park"},
    "park_deputy": {"9-4-inspection", "9-4-analysis"},
    # 第五条（二）乡镇党委每季度研究, （三）乡镇党委主要负责人每季度带队检查, （九）.
    "township_party_secretary": {"5-2-township-park", "5-3-township", "5-9"},
    # 第六条（三）: 乡镇…主要负责人每两月带队检查; 第十七条: 乡镇向政府分管领导述责 (a reading: the
    # township head answers for the township government).
    "township_head": {"6-2-report", "6-2-committee", "6-3-township", "6-5", "17-departments"},
    # 第九条（四）: 乡镇政府（街道）其他领导干部每月带队检查 — and not the county's half-yearly analysis.
    "township_deputy": {"9-4-township"},
    # 第十条（二）, 第十七条: 各部门…述责.
    "regulator_head": {"10-2-inspection", "10-2-meeting", "17-departments"},
    # 第十条（三）: 每月带队检查, 每两月研究.
    "regulator_safety_deputy": {"10-3-inspection", "10-3-research"},
    # 第十条（四）.
    "regulator_deputy": {"10-4"},
    # 第十一条（三）, 第十七条.
    "industry_head": {"11-3", "17-departments"},
    # 第十二条 has no frequency; 第十七条 各部门…述责 (a reading: the role has no separate principal).
    "department_head": {"17-departments"},
    # Issue 13, a role added to PRODUCT §1.2's: 第五条（二）"部门党委（党组）…每季度至少研究 1 次" and
    # （九）"各级党（工）委（党组）理论学习中心组每年至少安排2次". Not 第十条（二）'s or 第十一条（三）'s
    # "主要负责人" (the department's principal, ``regulator_head``/``industry_head``), nor 第十七条.
    "dept_party_secretary": {"5-2-department", "5-9-department"},
}
# The rows bound to organs, not to roles (issue 13; test_catalog_organs.py tests them).
EXPECTED_ORGANS: dict[str, set[str]] = {
    "county_safety_committee": {"14-committee", "16"},
    "county_government": {"17-government-park"},
    "park_committee": {"17-government-park"},
}
# Roles Zeren added to PRODUCT §1.2's table (docs/duties.md lists them).
ADDED_ROLES = {"dept_party_secretary"}

ART5 = {"5-1", "5-2-agenda", "5-2-resolve", "5-4", "5-5", "5-6-teams", "5-6-remit", "5-7", "5-8", "5-9-publicity"}
ART6 = {"6-1", "6-2-plan", "6-2-resolve", "6-4", "6-5-list", "6-6", "6-7", "6-8", "6-9", "6-10"}
ART9 = {"9-1", "9-2", "9-3", "9-4-promote", "9-4-resolve", "9-5"}
# The standing duties (no frequency) each role owes, written from the seed role by role; the
# readings are in docs/duties.md.
EXPECTED_STANDING: dict[str, set[str]] = {
    # 第五条 "各级党委（党组）主要负责人" — every item, at every level; 第十三条 "县委、政府负责…监督检查".
    "county_party_secretary": ART5 | {"13"},
    # 第七条, one row for each of its three duties.
    "county_standing_member": {"7-coordinate", "7-mobilize", "7-own"},
    # 第六条 "各级政府主要负责人"; 第十三条.
    "county_magistrate": ART6 | {"13"},
    # 第八条（一）—（六）.
    "county_safety_deputy": {"8-1", "8-2", "8-3", "8-4", "8-5", "8-6"},
    # 第九条 for the other county, park and township leaders (PRODUCT §1.2), as 9-4-* do.
    "county_deputy": ART9,
    "park_party_secretary": ART5,
    "park_director": ART6,
    "park_deputy": ART9,
    "township_party_secretary": ART5,
    "township_head": ART6,
    "township_deputy": ART9,
    # 第十条（一） binds every leader of the department; （二） its principal, （三） the deputy in charge
    # of work safety, （四） the other members.
    "regulator_head": {"10-1", "10-2-lead", "10-2-enforce"},
    "regulator_safety_deputy": {"10-1", "10-3-lead", "10-3-control"},
    "regulator_deputy": {"10-1", "10-4-support"},
    # 第十一条（一）（二） and what 第十一条（三） asks besides the quarterly report.
    "industry_head": {"11-1", "11-2", "11-3-resolve"},
    # 第十二条（一）（二）.
    "department_head": {"12-1", "12-2"},
}
for _role, _codes in EXPECTED_STANDING.items():
    EXPECTED[_role] = EXPECTED[_role] | _codes


def product_role_codes() -> list[str]:
    section = PRODUCT.read_text(encoding="utf-8").split("### 1.2", 1)[1].split("### 1.3", 1)[0]
    return re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.M)


def test_the_table_covers_every_role_of_product_1_2():
    assert len(product_role_codes()) == 16
    assert set(EXPECTED) == set(product_role_codes()) | ADDED_ROLES == set(Role.values)
    assert not ADDED_ROLES & set(product_role_codes())
    # The standing rows (migration 0005) bind the roles of PRODUCT §1.2; the added role has none yet.
    assert set(EXPECTED_STANDING) == set(product_role_codes())


def test_every_role_owes_a_standing_duty_of_its_own_article():
    """PRODUCT §1.2 names each role's article; every role has standing rows there."""
    section = PRODUCT.read_text(encoding="utf-8").split("### 1.2", 1)[1].split("### 1.3", 1)[0]
    for role, article in re.findall(r"^\| `([a-z_]+)` \|[^|]*\| Art\. (\d+)", section, flags=re.M):
        owed = Obligation.objects.filter(code__in=EXPECTED_STANDING[role], period="standing")
        assert int(article) in {o.article for o in owed}, role


@pytest.mark.parametrize("role", list(EXPECTED))
def test_obligations_of_a_role(world, api, role):
    response = api("discipline_officer").get(f"/api/v1/obligations/?role={role}&page_size=200")
    assert response.status_code == 200, response.content
    page = response.json()  # a paginated list, as PRODUCT §9 says lists are
    rows = page["results"]
    assert page["count"] == len(rows) and page["next"] is None
    assert {r["code"] for r in rows} == EXPECTED[role]
    assert len(rows) == len(EXPECTED[role])
    for row in rows:
        assert {"id", "roles", "article", "item", "activity", "min_count", "period", "text"} <= set(row)
        assert role in row["roles"]
        assert row["article"] in ALL_ARTICLES
        # Items are cited wherever the article has them (第七条、第十三条、第十四条、第十七条 have none).
        has_items = len(items(ARTICLES[row["article"]])) > 1
        assert bool(row["item"]) is has_items, row["code"]
        assert row["citation"] == f"第{row['article']}条" + (f"（{row['item']}）" if row["item"] else "")
        assert squeeze(row["text"]) in items(ARTICLES[row["article"]])[row["item"]]


def test_without_a_role_the_whole_catalog_is_listed_in_the_seeds_order(world, api):
    page = api("emergency_officer").get("/api/v1/obligations/?page_size=200").json()
    rows = page["results"]
    assert page["count"] == len(rows)
    assert [r["code"] for r in rows] == list(Obligation.objects.order_by("position").values_list("code", flat=True))
    bound = {code for table in (EXPECTED, EXPECTED_ORGANS, EXPECTED_STANDING) for codes in table.values() for code in codes}
    assert bound == {r["code"] for r in rows}
    articles_in_order = [r["article"] for r in rows]
    assert articles_in_order == sorted(articles_in_order)


# --- (c) errors ------------------------------------------------------------------------------


def test_an_unknown_role_is_a_400_naming_it(world, api):
    response = api("discipline_officer").get("/api/v1/obligations/?role=county_janitor")
    body = assert_error(response, 400, "invalid")
    assert list(body["detail"]) == ["role"]
    assert "county_janitor" in body["detail"]["role"][0]


def test_the_catalog_needs_a_signed_in_user(world, api):
    assert_error(api().get("/api/v1/obligations/?role=township_deputy"), 401, "not_authenticated")
