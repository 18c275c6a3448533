"""The pure side of rulebooks as files (issue 13 item 3): the diff as a table, the engine's check
of an effective content, the canonical meta the digest is taken over, writing and line numbers."""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from cases.rules import engine
from cases.rules import policy as engine_policy
from rulebooks import content as files

BUNDLED = {data["code"]: data for data in files.bundled()}


def _base() -> dict:
    return {
        "format": files.FORMAT,
        "code": "sample",
        "title": "示例细则",
        "issuer": "",
        "document_number": "",
        "jurisdiction": "sample-county",
        "valid_from": "2024-01-01",
        "parent": "national-2018",
        "verification": "unverified",
        "note": "",
        "content": {
            "articles": {"26.1": {"cite": "第十条第（一）项", "text": "履职不到位的"}},
            "measures": [
                {"circumstance": "26.1", "severity": "standard", "measures": ["notice"], "sanctions": [], "reasoning": "甲"},
                {"circumstance": "26.1", "severity": "lighter", "measures": ["notice"], "sanctions": [], "reasoning": "乙"},
            ],
            "veto": {"floor_months": None, "cite": "第十二条"},
        },
    }


def _edit(change):
    new = copy.deepcopy(_base())
    change(new)
    return new


def _set(path: list, value):
    def change(data):
        node = data
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = value

    return change


def _append_row(data):
    data["content"]["measures"].append(
        {"circumstance": "26.1", "severity": "reduced", "measures": [], "sanctions": [], "reasoning": "丙"}
    )


# (what changes, the section of the diff that says so, what it says)
DIFF_TABLE = [
    ("title", _set(["title"], "新标题"), "meta", [{"field": "title", "old": "示例细则", "new": "新标题"}]),
    ("valid_to", _set(["valid_to"], "2030-12-31"), "meta", [{"field": "valid_to", "old": None, "new": "2030-12-31"}]),
    (
        "verification",
        _set(["verification"], "partial"),
        "meta",
        [{"field": "verification", "old": "unverified", "new": "partial"}],
    ),
    (
        "an article's cite",
        _set(["content", "articles", "26.1", "cite"], "第十条第一项"),
        "articles",
        {
            "added": [],
            "removed": [],
            "changed": [
                {
                    "code": "26.1",
                    "fields": ["cite"],
                    "old": {"cite": "第十条第（一）项", "text": "履职不到位的"},
                    "new": {"cite": "第十条第一项", "text": "履职不到位的"},
                }
            ],
        },
    ),
    (
        "an article added",
        _set(["content", "articles", "26.3"], {"cite": "第十条第（三）项", "text": "说情的"}),
        "articles",
        {"added": [{"code": "26.3", "cite": "第十条第（三）项", "text": "说情的"}], "removed": [], "changed": []},
    ),
    (
        "an article removed",
        _set(["content", "articles"], {}),
        "articles",
        {"added": [], "removed": [{"code": "26.1", "cite": "第十条第（一）项", "text": "履职不到位的"}], "changed": []},
    ),
    (
        "the veto",
        _set(["content", "veto"], {"floor_months": 12, "cite": "第十二条"}),
        "veto",
        {
            "old": {"floor_months": None, "cite": "第十二条"},
            "new": {"floor_months": 12, "cite": "第十二条"},
        },
    ),
    ("a measures note", _set(["content", "measures_note"], "说明"), "measures_note", {"old": None, "new": "说明"}),
]


@pytest.mark.parametrize(("what", "change", "section", "expected"), DIFF_TABLE, ids=[row[0] for row in DIFF_TABLE])
def test_the_diff_names_what_changed(what, change, section, expected):
    new = _edit(change)
    out = files.diff(_base(), new)
    assert out[section] == expected
    assert out["unchanged"] is False
    # and nothing else is reported
    for other in ("meta", "veto", "measures_note", "obligations"):
        if other != section:
            assert not out[other], other
    if section != "articles":
        assert not any(out["articles"].values())


def test_a_measures_row_changed_added_removed_and_reordered():
    def change(data):
        rows = data["content"]["measures"]
        rows[0]["measures"] = ["notice", "admonishment"]
        rows[0]["sanctions"] = []
        rows[0]["reasoning"] = "改"
        del rows[1]
        _append_row(data)

    out = files.diff(_base(), _edit(change))["measures"]
    assert [r["key"] for r in out["added"]] == ["26.1/reduced"]
    assert [r["key"] for r in out["removed"]] == ["26.1/lighter"]
    [row] = out["changed"]
    assert (row["key"], row["measures_added"], row["measures_removed"], row["reasoning"]) == (
        "26.1/standard",
        ["admonishment"],
        [],
        True,
    )
    assert out["reordered"] is False

    reordered = files.diff(_base(), _edit(lambda d: d["content"]["measures"].reverse()))
    assert reordered["measures"]["reordered"] is True and reordered["unchanged"] is False


def test_a_grade_row_is_keyed_by_its_grade():
    def change(data):
        data["content"]["measures"].append(
            {
                "circumstance": "26.5",
                "severity": "heavier",
                "grade": "major",
                "measures": ["dismissal"],
                "sanctions": [],
                "reasoning": "重",
            }
        )

    out = files.diff(_base(), _edit(change))
    assert [r["key"] for r in out["measures"]["added"]] == ["26.5/heavier/major"]


@pytest.mark.parametrize(
    "change",
    [
        _set(["note"], "a note is not part of a version"),
        _set(["format"], files.FORMAT),
        _set(["version"], 7),
        _set(["issuer"], None),  # "" and null are the same empty issuer
        _set(["valid_to"], ""),
    ],
    ids=["note", "format", "version", "issuer null", "valid_to empty"],
)
def test_what_is_not_part_of_a_version_is_unchanged(change):
    new = _edit(change)
    assert files.diff(_base(), new)["unchanged"] is True
    assert files.file_digest(new) == files.file_digest(_base())


def test_unchanged_is_the_same_digest_over_the_table():
    for _what, change, _section, _expected in DIFF_TABLE:
        new = _edit(change)
        assert files.diff(_base(), new)["unchanged"] == (files.file_digest(new) == files.file_digest(_base()))


def test_a_new_code_is_all_added():
    out = files.diff(None, _base())
    assert {m["field"] for m in out["meta"]} >= {"code", "title", "valid_from", "verification"}
    assert "issuer" not in {m["field"] for m in out["meta"]}  # empty before, empty now
    assert [a["code"] for a in out["articles"]["added"]] == ["26.1"]
    assert len(out["measures"]["added"]) == 2


def test_the_bundled_files_keep_the_digests_they_were_seeded_with():
    """The seed migration took each digest over the raw file; the normalized meta gives the same
    (so importing a bundled file again is unchanged)."""
    for data in BUNDLED.values():
        raw = {key: data.get(key) for key in files.META_FIELDS}
        assert files.file_digest(data) == files.digest(raw, data["content"]), data["code"]


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_a_dumped_file_parses_back_to_the_same_version(fmt):
    for data in BUNDLED.values():
        text = files.dump(files.export(files.normalized_meta(data), data["content"], version=1), fmt)
        again = files.parse(text)
        assert files.file_digest(again) == files.file_digest(data)
        assert files.diff(data, again)["unchanged"]
    assert json.loads(files.dump(BUNDLED["huinong"], "json"))["code"] == "huinong"
    with pytest.raises(ValueError):
        files.dump(BUNDLED["huinong"], "xml")


def test_the_yaml_keeps_chinese_and_quotes_the_article_codes():
    text = files.dump(BUNDLED["pingluo-2021"])
    assert "平罗县党政领导干部安全生产责任制实施细则" in text
    assert "'26.1':" in text  # a bare 26.1 would read back as a number
    assert yaml.safe_load(text)["content"]["articles"]["26.1"]["cite"] == "第二十六条第（一）项"


def test_line_of_finds_paths_with_dots_in_keys():
    text = files.dump(_base())
    lines = text.splitlines()
    assert lines[files.line_of(text, "$.parent") - 1].startswith("parent:")
    assert lines[files.line_of(text, "$.content.articles.26.1.cite") - 1].strip().startswith("cite: 第十条")
    assert lines[files.line_of(text, "$.content.measures[1]") - 1].strip() == "- circumstance: '26.1'"
    assert files.line_of(text, "$.content.nothing") == files.line_of(text, "$.content")
    assert files.line_of("{not: [closed", "$.a") is None


# --- what the engine needs ----------------------------------------------------------------------


def test_the_check_and_the_engine_agree_on_accident_circumstances():
    assert files.ACCIDENT_CIRCUMSTANCES == engine.ACCIDENT_RESPONSIBILITY
    broken = {"articles": {"26.5": {"cite": "x", "text": "y"}}, "measures": []}
    assert (
        engine_policy.missing_rows(broken)
        == files.missing_rows(broken)
        == ["26.5/standard", "26.5/heavier", "26.5/lighter", "26.5/reduced"]
    )


MISSING_TABLE = [
    # (articles, rows as circumstance/severity[/grade], missing)
    ({"26.1": 1}, ["26.1/standard", "26.1/lighter", "26.1/reduced"], []),
    ({"26.1": 1}, ["26.1/standard", "26.1/lighter"], ["26.1/reduced"]),
    ({"26.1": 1}, ["26.1/standard", "26.1/lighter", "26.1/reduced", "26.1/heavier"], []),  # an extra row is no harm
    ({"26.5": 1}, ["26.5/standard", "26.5/lighter", "26.5/reduced"], ["26.5/heavier"]),  # 从重 only for accidents
    (
        {"26.5": 1},
        ["26.5/standard", "26.5/lighter", "26.5/reduced", "26.5/heavier/major"],
        ["26.5/heavier"],
    ),  # a grade row is no fallback
    ({"26.6": 1}, [], ["26.6/standard", "26.6/heavier", "26.6/lighter", "26.6/reduced"]),
    ({"27": 1}, [], []),  # not a circumstance
    ({}, ["26.1/standard"], []),  # no article, nothing asked
]


@pytest.mark.parametrize(("articles", "rows", "missing"), MISSING_TABLE)
def test_missing_rows(articles, rows, missing):
    def row(spec):
        circumstance, severity, *grade = spec.split("/")
        return {
            "circumstance": circumstance,
            "severity": severity,
            "grade": grade[0] if grade else "",
            "measures": [],
            "sanctions": [],
        }

    content = {"articles": {code: {"cite": "x", "text": "y"} for code in articles}, "measures": [row(r) for r in rows]}
    assert files.missing_rows(content) == missing


def test_sources_name_the_nearest_rulebook():
    chain = [BUNDLED["national-2018"], BUNDLED["pingluo-2021"]]
    found = files.sources(chain)
    assert found["articles"]["26.1"] == "pingluo-2021"
    assert found["measures"]["26.5/heavier/major"] == "pingluo-2021"
    assert found["veto"] == "pingluo-2021"
    only_national = files.sources([BUNDLED["national-2018"], BUNDLED["huinong"]])
    assert set(only_national["articles"].values()) == {"national-2018"}
    assert only_national["veto"] == "national-2018"


# --- time limits and influence periods a rulebook states (issue 13 item 1) ---------------------

LIMIT = {"code": "appeal_window", "amount": 20, "unit": "days", "citation": "第三条", "verified": False}
PERIOD = {"measure": "admonishment", "months": 12, "citation": "第五条", "verified": False}


def _with_figures(deadlines=(LIMIT,), periods=(PERIOD,)):
    def change(data):
        data["content"]["deadlines"] = [dict(r) for r in deadlines]
        data["content"]["influence_periods"] = [dict(r) for r in periods]

    return _edit(change)


def _parsed(data) -> dict:
    return files.parse(files.dump(data))


def test_limits_and_periods_parse_and_round_trip():
    data = _with_figures()
    assert _parsed(data)["content"]["deadlines"] == [LIMIT]
    assert files.file_digest(_parsed(data)) == files.file_digest(_parsed(_parsed(data)))


BAD_FIGURES = [
    ((LIMIT, LIMIT), (PERIOD,), "$.content.deadlines[1]", "期限重复"),
    ((LIMIT,), (PERIOD, PERIOD), "$.content.influence_periods[1]", "影响期重复"),
    ((LIMIT,), ({**PERIOD, "sanction_kind": "party_warning"},), "$.content.influence_periods[0]", "只有“处分”"),
    ((LIMIT,), ({**PERIOD, "permanent": True},), "$.content.influence_periods[0]", "同时写了月数"),
    (({**LIMIT, "unit": "weeks"},), (PERIOD,), "$.content.deadlines[0].unit", "JSON Schema"),
    (({**LIMIT, "amount": 0},), (PERIOD,), "$.content.deadlines[0].amount", "JSON Schema"),
    ((LIMIT,), ({**PERIOD, "sanction_kind": "party_scolding"},), "$.content.influence_periods[0].sanction_kind", "JSON Schema"),
]


@pytest.mark.parametrize(("deadlines", "periods", "path", "chinese"), BAD_FIGURES)
def test_bad_limits_and_periods_name_the_path_and_line(deadlines, periods, path, chinese):
    text = files.dump(_with_figures(deadlines, periods))
    with pytest.raises(files.RulebookFileError) as caught:
        files.parse(text)
    assert caught.value.path == path and chinese in str(caught.value)
    assert caught.value.line == files.line_of(text, path)


def test_a_child_restates_one_limit_and_inherits_the_rest():
    parent = {
        "title": "上位",
        "content": {"deadlines": [LIMIT, {**LIMIT, "code": "archive_filing"}], "influence_periods": [PERIOD]},
    }
    child = {"title": "本级", "content": {"deadlines": [{**LIMIT, "amount": 30}]}}
    merged = files.merge([parent, child])
    by_code = {r["code"]: r for r in merged["deadlines"]}
    assert by_code["appeal_window"]["amount"] == 30 and by_code["appeal_window"]["source_title"] == "本级"
    assert by_code["archive_filing"]["source_title"] == "上位"
    assert merged["influence_periods"][0]["source_title"] == "上位"
    sources = files.sources([{"code": "up", **parent}, {"code": "own", **child}])
    assert sources["deadlines"] == {"appeal_window": "own", "archive_filing": "up"}
    assert sources["influence_periods"] == {"admonishment": "up"}


def test_a_content_without_figures_merges_as_before():
    # Stored assessments name the digest of the merged content: no new keys when none are stated.
    merged = files.merge([{"title": "上位", "content": _base()["content"]}])
    assert "deadlines" not in merged and "influence_periods" not in merged


def test_the_diff_shows_a_changed_limit():
    old, new = _with_figures(), _with_figures(deadlines=({**LIMIT, "amount": 30},))
    out = files.diff(old, new)
    assert out["deadlines"] == {"old": [LIMIT], "new": [{**LIMIT, "amount": 30}]}
    assert out["influence_periods"] is None and not out["unchanged"]
