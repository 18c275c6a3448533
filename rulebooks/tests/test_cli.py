"""``manage.py rulebook`` (issue 13 item 3): list, export, import with its checks, dry run and
versions. The seed migration has loaded national-2018 and pingluo-2021 (v1 each)."""

from __future__ import annotations

import io
import json

import pytest
import yaml
from django.core.management import call_command

from rulebooks import content as files
from rulebooks import services
from rulebooks.models import Rulebook

pytestmark = pytest.mark.django_db


def run(*args, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    """The command's exit status, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    try:
        call_command("rulebook", *args, stdout=out, stderr=err)
        status = 0
    except SystemExit as exc:
        status = int(exc.code)
    return status, out.getvalue(), err.getvalue()


def export(code: str, *more: str) -> str:
    status, out, _err = run("export", code, *more)
    assert status == 0
    return out


def written() -> tuple[int, int]:
    return Rulebook.objects.count(), Rulebook.history.count()


def test_list_names_the_current_versions():
    status, out, _ = run("list")
    assert status == 0
    lines = out.splitlines()
    assert any(line.startswith("* national-2018 v1") and "全国" in line for line in lines)
    assert any("pingluo-2021 v1" in line and "parent=national-2018" in line for line in lines)


@pytest.mark.parametrize("code", ["national-2018", "pingluo-2021"])
def test_export_then_import_is_unchanged(tmp_path, code):
    path = tmp_path / f"{code}.yaml"
    assert run("export", code, "-o", str(path))[0] == 0
    before = written()
    status, out, _ = run("import", str(path))
    assert status == 0
    assert f"{code}: unchanged, v1 is current; nothing written" in out
    assert written() == before


def test_export_as_json_round_trips_too(tmp_path):
    text = export("pingluo-2021", "--format", "json")
    assert json.loads(text)["code"] == "pingluo-2021"
    path = tmp_path / "pl.json"
    path.write_text(text, encoding="utf-8")
    assert "unchanged" in run("import", str(path))[1]


def test_export_of_an_unknown_code_or_version_exits_2():
    assert run("export", "nowhere")[0] == 2
    status, _out, err = run("export", "national-2018", "--version", "5")
    assert status == 2 and err.startswith("error: $.code") and "v5" in err


def test_the_bundled_files_import_unchanged():
    before = written()
    for code in ("national-2018", "pingluo-2021"):
        assert "unchanged" in run("import", str(files.DATA_DIR / f"{code}.yaml"))[1]
    assert written() == before


def _edited(code: str = "national-2018") -> str:
    data = yaml.safe_load(export(code))
    data["title"] += "（修订）"
    data["content"]["articles"]["26.1"]["cite"] = "第十八条第一项"
    data["content"]["articles"]["26.7"]["text"] = "有其他应当问责情形的（修订）"
    del data["content"]["articles"]["29.1"]
    data["content"]["articles"]["23"] = {"cite": "第三十条", "text": "容错"}
    row = next(
        r for r in data["content"]["measures"] if (r["circumstance"], r["severity"], r.get("grade")) == ("26.1", "standard", None)
    )
    row["measures"] = [m for m in row["measures"] if m != "suspension"]
    row["sanctions"].append("party_removal_from_post")
    data["content"]["measures"].append(
        {"circumstance": "26.2", "severity": "heavier", "measures": ["dismissal"], "sanctions": [], "reasoning": "新增"}
    )
    data["content"]["veto"] = {"floor_months": 12, "cite": "第二十条"}
    data["content"]["deadlines"] = [
        {"code": "appeal_window", "amount": 15, "unit": "days", "citation": "第三条", "verified": False}
    ]
    return files.dump(data)


def test_dry_run_prints_the_diff_and_writes_nothing(tmp_path):
    path = tmp_path / "n.yaml"
    path.write_text(_edited(), encoding="utf-8")
    before = written()
    status, out, _ = run("import", str(path), "--dry-run")
    assert status == 0
    assert written() == before
    assert "national-2018: v1 (current) → v2" in out
    assert "~ title: 地方党政领导干部安全生产责任制规定 → 地方党政领导干部安全生产责任制规定（修订）" in out
    assert "+ 23 第三十条: 容错" in out
    assert "- 29.1 第二十一条:" in out
    assert "~ 26.1 cite: 第十八条第（一）项 → 第十八条第一项" in out
    assert "~ 26.7 text: 有其他应当问责情形的 → 有其他应当问责情形的（修订）" in out
    assert "~ 26.1/standard: measures -suspension; sanctions +party_removal_from_post" in out
    assert "+ 26.2/heavier: measures [dismissal]; sanctions [—]" in out
    assert "veto 一票否决:" in out and '"floor_months":12' in out
    assert "deadlines 期限: null → " in out and '"code":"appeal_window"' in out
    assert "dry run: nothing written (would load as v2)" in out


def test_an_edited_file_loads_as_version_2_with_its_reason(tmp_path, django_user_model):
    keeper = django_user_model.objects.create(username="rulebook_keeper")
    path = tmp_path / "n.yaml"
    path.write_text(_edited(), encoding="utf-8")
    status, out, _ = run("import", str(path), "--reason", "2026 年修订", "--user", "rulebook_keeper")
    assert status == 0 and "loaded national-2018 v2" in out
    v1, v2 = Rulebook.objects.get(code="national-2018", version=1), Rulebook.objects.get(code="national-2018", version=2)
    assert (v1.current, v2.current) == (False, True)
    assert v1.content["articles"]["26.1"]["cite"] == "第十八条第（一）项"  # the previous version is kept as it was
    assert v2.content["veto"]["floor_months"] == 12 and v2.loaded_by == keeper
    created = v2.history.get(history_type="+")
    assert (created.history_change_reason, created.history_user) == ("2026 年修订", keeper)
    superseded = v1.history.latest()
    assert superseded.history_change_reason == "superseded by a new version: 2026 年修订"
    # the same file again is unchanged; the exported v2 too
    assert "unchanged, v2 is current" in run("import", str(path))[1]
    assert run("export", "national-2018", "--version", "1")[1] != export("national-2018")
    again = tmp_path / "v2.yaml"
    again.write_text(export("national-2018"), encoding="utf-8")
    assert "unchanged, v2 is current" in run("import", str(again))[1]
    # pingluo inherits from national-2018's current version, now v2
    from rulebooks.selectors import ancestry

    assert [(b.code, b.version) for b in ancestry(Rulebook.objects.get(code="pingluo-2021"))] == [
        ("national-2018", 2),
        ("pingluo-2021", 1),
    ]


def test_the_default_reason_names_the_file_and_the_cli_has_no_user(tmp_path):
    path = tmp_path / "n.yaml"
    path.write_text(_edited(), encoding="utf-8")
    assert run("import", str(path))[0] == 0
    created = Rulebook.objects.get(code="national-2018", version=2).history.get(history_type="+")
    assert created.history_change_reason == f"manage.py rulebook import {path}"
    assert created.history_user is None


def test_a_new_code_from_stdin(monkeypatch):
    status, out, _ = run(
        "import", "-", stdin=(files.DATA_DIR / "huinong.yaml").read_text(encoding="utf-8"), monkeypatch=monkeypatch
    )
    assert status == 0
    assert "huinong: not loaded yet → v1" in out and "loaded huinong v1" in out
    assert Rulebook.objects.get(code="huinong").version == 1


# --- bad files: one line naming the JSON path and the line; nothing written ---------------------

PINGLUO = (files.DATA_DIR / "pingluo-2021.yaml").read_text(encoding="utf-8")


def _line(text: str, starts: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if line.startswith(starts))


BAD = [
    # (what, the edit of pingluo-2021.yaml, the path, the line's start (None: give the line), words in the message)
    (
        "not YAML",
        lambda t: t.replace("content:\n  articles:", "content:\n  articles: [", 1),
        "(file)",
        None,
        "不是有效的 JSON 或 YAML",
    ),
    (
        "a wrong type",
        lambda t: t.replace("verification: verified-p", "verification: checked"),
        "$.verification",
        "verification:",
        "JSON Schema",
    ),
    (
        "an unknown measure",
        lambda t: t.replace("    - demotion\n", "    - flogging\n", 1),
        "$.content.measures[3].measures[4]",
        None,
        "'flogging' is not one of",
    ),
    (
        "a real date",
        lambda t: t.replace("valid_from: '2021-06-11'", "valid_from: '2021-02-30'"),
        "$.valid_from",
        "valid_from:",
        "不是有效日期",
    ),
    ("a missing parent", lambda t: t.replace("parent: national-2018", "parent: ningxia-2018"), "$.parent", "parent:", "未载入"),
    ("its own parent", lambda t: t.replace("parent: national-2018", "parent: pingluo-2021"), "$.parent", "parent:", "自身"),
    (
        "a missing measures row",
        lambda t: t.replace(
            "  - circumstance: '26.3'\n    severity: reduced\n", "  - circumstance: '26.3'\n    severity: heavier\n", 1
        ),
        "$.content.measures",
        "  measures:",
        "26.3/reduced",
    ),
]


@pytest.mark.parametrize(("what", "edit", "path", "starts", "words"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_file_exits_2_naming_the_path_and_line(tmp_path, what, edit, path, starts, words):
    text = edit(PINGLUO)
    assert text != PINGLUO, "the edit must change the file"
    file = tmp_path / "bad.yaml"
    file.write_text(text, encoding="utf-8")
    before = written()
    for dry in ([], ["--dry-run"]):
        status, out, err = run("import", str(file), *dry)
        assert status == 2 and out == ""
        [line] = err.splitlines()
        assert line.startswith(f"error: {path} (line ") or line.startswith(f"error: {path}:"), line
        assert words in line
        if starts is not None:
            assert f"(line {_line(text, starts)})" in line, line
    assert written() == before


def test_a_file_that_cannot_be_read_exits_2(tmp_path):
    status, _out, err = run("import", str(tmp_path / "absent.yaml"))
    assert status == 2 and err.startswith("error: (file): 无法读取")


def test_an_unknown_user_exits_2(tmp_path):
    path = tmp_path / "n.yaml"
    path.write_text(_edited(), encoding="utf-8")
    status, _out, err = run("import", str(path), "--user", "nobody")
    assert status == 2 and "--user" in err
    assert not Rulebook.objects.filter(version=2).exists()


def test_a_parent_cannot_take_the_rows_its_children_rely_on(tmp_path, monkeypatch):
    """huinong states nothing: a national version without the 26.7 rows would leave it unable to
    answer a 26.7 finding, so it is refused (the error names the child)."""
    run("import", "-", stdin=(files.DATA_DIR / "huinong.yaml").read_text(encoding="utf-8"), monkeypatch=monkeypatch)
    data = yaml.safe_load(export("national-2018"))
    data["content"]["measures"] = [r for r in data["content"]["measures"] if r["circumstance"] != "26.7"]
    del data["content"]["articles"]["26.7"]  # national itself no longer needs them …
    data["content"]["articles"]["26.1"]["text"] += "。"
    path = tmp_path / "n.yaml"
    path.write_text(files.dump(data), encoding="utf-8")
    assert run("import", str(path), "--dry-run")[0] == 0  # … and nobody inherits 26.7 from it: allowed
    # huinong now states 26.7 itself, without rows: it relies on its parent's
    hn = yaml.safe_load((files.DATA_DIR / "huinong.yaml").read_text(encoding="utf-8"))
    hn["content"] = {"articles": {"26.7": {"cite": "第九条", "text": "其他"}}}
    hn_path = tmp_path / "hn.yaml"
    hn_path.write_text(files.dump(hn), encoding="utf-8")
    assert run("import", str(hn_path))[0] == 0
    status, _out, err = run("import", str(path))
    assert status == 2 and "'huinong'" in err and "26.7/standard" in err
    assert Rulebook.objects.get(code="national-2018", current=True).version == 1


def test_the_service_refuses_a_file_the_check_refuses():
    data = files.parse(PINGLUO.replace("parent: national-2018", "parent: ningxia-2018"))
    with pytest.raises(services.InvalidInput) as caught:
        services.load_rulebook(data, acting_user=None, reason="测试")
    assert "$.parent" in caught.value.detail
    with pytest.raises(services.InvalidInput):
        services.load_rulebook(files.parse(PINGLUO), acting_user=None, reason="  ")


def test_the_documented_example_loads(tmp_path):
    """docs/rulebooks.md's annotated file is a file that loads (so the example does not rot)."""
    doc = (files.DATA_DIR.parent.parent / "docs" / "rulebooks.md").read_text(encoding="utf-8")
    example = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    status, out, err = run("import", str(path), "--dry-run")
    assert (status, err) == (0, "")
    assert "example-2024: not loaded yet → v1" in out and "+ 26.3 第十八条第（三）项" in out
