"""Rulebooks in the database: which one applies by jurisdiction and conduct date, 从旧兼从轻
between the rulebook of the conduct and today's, the API and CLI, and replay of assessments
stored before and after rulebooks (issue 13; PRODUCT §2).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from cases.rules.engine import AssessmentInputError
from cases.selectors.assessments import evaluate, replay
from rulebooks.content import DATA_DIR, parse
from rulebooks.models import Rulebook
from rulebooks.services import load_rulebook

pytestmark = pytest.mark.django_db
FIXTURE = Path(__file__).with_name("engine1_stored_assessments.json")


def huinong_loaded():
    load_rulebook(parse((DATA_DIR / "huinong.yaml").read_text(encoding="utf-8")), acting_user=None, reason="test")


def test_the_migration_seeds_the_national_and_the_county_rulebooks():
    books = {b.code: b for b in Rulebook.objects.filter(current=True)}
    assert {"national-2018", "pingluo-2021"} <= set(books)
    assert books["national-2018"].valid_from == dt.date(2018, 4, 8) and books["national-2018"].jurisdiction == ""
    assert books["pingluo-2021"].valid_from == dt.date(2021, 6, 11) and books["pingluo-2021"].parent == "national-2018"


def test_pingluo_conduct_since_2021_is_assessed_under_the_county_rules(world):
    output, stored = evaluate(
        {"circumstances": ["26.5"], "conduct_date": "2022-03-01"}, jurisdiction=world.departments["pl-discipline"]
    )
    assert output["rulebook"]["code"] == "pingluo-2021"
    assert output["rulebook"]["jurisdiction"] == world.departments["pingluo"].pk
    assert stored["engine"] == 2 and output["policy_version"] == stored["version"]
    assert output["rulebook_comparison"] is None


def test_pingluo_conduct_in_2019_is_assessed_under_the_predecessor_and_names_both(world):
    output, stored = evaluate(
        {"circumstances": ["26.5"], "conduct_date": "2019-05-01"}, jurisdiction=world.departments["pingluo"]
    )
    assert output["rulebook"]["code"] == "national-2018"
    comparison = output["rulebook_comparison"]
    assert comparison["at_conduct"]["code"] == "national-2018" and comparison["current"]["code"] == "pingluo-2021"
    assert comparison["applied"] == "at_conduct"
    assert {item["cite"] for item in output["explanation"] if item["article"] == "26.5"} == {"第十八条第（四）项"}
    assert stored["current"]["meta"]["code"] == "pingluo-2021"


def test_a_circumstance_only_the_county_knows_is_refused_for_2019_conduct(world):
    with pytest.raises(AssessmentInputError) as caught:
        evaluate({"circumstances": ["26.3"], "conduct_date": "2019-05-01"}, jurisdiction=world.departments["pingluo"])
    assert caught.value.field == "circumstances" and "national-2018" in caught.value.message


@pytest.mark.parametrize("day", ["2018-04-07", "2016-01-01"])
def test_conduct_before_the_earliest_rulebook_names_the_date_and_the_rulebook(world, day):
    with pytest.raises(AssessmentInputError) as caught:
        evaluate({"circumstances": ["26.5"], "conduct_date": day}, jurisdiction=world.departments["pingluo"])
    assert caught.value.field == "conduct_date"
    assert day in caught.value.message and "national-2018" in caught.value.message and "2018-04-08" in caught.value.message


def test_a_huinong_case_names_huinongs_rulebook_and_cites_the_national_articles(world):
    huinong_loaded()
    output, _ = evaluate(
        {"circumstances": ["26.5"], "conduct_date": "2023-05-01"}, jurisdiction=world.departments["hn-discipline"]
    )
    assert output["rulebook"]["code"] == "huinong"
    assert output["rulebook"]["jurisdiction"] == world.departments["huinong"].pk
    assert {item["cite"] for item in output["explanation"] if item["article"] == "26.5"} == {"第十八条第（四）项"}
    with pytest.raises(AssessmentInputError):
        evaluate({"circumstances": ["26.6"], "conduct_date": "2023-05-01"}, jurisdiction=world.departments["huinong"])


def test_a_later_lighter_county_version_applies_to_older_conduct(world):
    """从旧兼从轻: a new version of the county's rules that treats 26.5 more lightly applies to
    conduct under the old rules, and the answer names both."""
    data = parse((DATA_DIR / "pingluo-2021.yaml").read_text(encoding="utf-8"))
    for row in data["content"]["measures"]:
        if row["circumstance"] == "26.5" and row["severity"] == "standard" and not row.get("grade"):
            row["measures"], row["sanctions"] = ["notice", "admonishment"], []
    book, created = load_rulebook(data, acting_user=None, reason="测试：较轻的新版本")
    assert created and book.version == 2
    output, stored = evaluate(
        {"circumstances": ["26.5"], "conduct_date": "2019-05-01"}, jurisdiction=world.departments["pingluo"]
    )
    assert output["rulebook"]["code"] == "pingluo-2021" and output["rulebook"]["version"] == 2
    assert output["rulebook_comparison"]["applied"] == "current"
    assert output["allowed_measures"] == ["notice", "admonishment"]
    assert replay({"data": {"circumstances": ["26.5"], "conduct_date": "2019-05-01"}, "policy": stored}) == output


def test_a_new_version_changes_new_answers_and_replay_keeps_the_old(world):
    data = {"circumstances": ["26.5"], "conduct_date": "2022-03-01"}
    before, stored = evaluate(dict(data), jurisdiction=world.departments["pingluo"])
    kept = json.loads(json.dumps({"data": data, "policy": stored}, ensure_ascii=False))
    changed = parse((DATA_DIR / "pingluo-2021.yaml").read_text(encoding="utf-8"))
    changed["content"]["articles"]["26.5"]["text"] = "修订后的条文"
    load_rulebook(changed, acting_user=None, reason="测试")
    after, _ = evaluate(dict(data), jurisdiction=world.departments["pingluo"])
    assert after["policy_version"] != before["policy_version"]
    assert any("修订后的条文" in item["text"] for item in after["explanation"])
    assert replay(kept) == json.loads(json.dumps(before, ensure_ascii=False))


def test_loading_an_unchanged_file_makes_no_version():
    data = parse((DATA_DIR / "pingluo-2021.yaml").read_text(encoding="utf-8"))
    book, created = load_rulebook(data, acting_user=None, reason="again")
    assert not created and book.version == 1 and Rulebook.objects.filter(code="pingluo-2021").count() == 1


def test_assessments_stored_before_rulebooks_replay_exactly():
    """The fixture was made with the engine of commit da37b6b (before this change)."""
    stored = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert len(stored["assessments"]) >= 4
    for item in stored["assessments"]:
        assert replay(item["input"]) == item["output"]


def test_a_future_conduct_date_is_refused(world):
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    with pytest.raises(AssessmentInputError) as caught:
        evaluate({"circumstances": ["26.5"], "conduct_date": tomorrow}, jurisdiction=world.departments["pingluo"])
    assert caught.value.field == "conduct_date"


# --- API and CLI ------------------------------------------------------------------------------


def test_the_api_defaults_to_the_callers_county_and_accepts_a_jurisdiction(world, api):
    huinong_loaded()
    client = api("discipline_officer")
    body = {"circumstances": ["26.5"], "conduct_date": "2023-05-01"}
    mine = client.post("/api/v1/assessments/evaluate/", body, format="json")
    assert mine.status_code == 200 and mine.json()["rulebook"]["code"] == "pingluo-2021"
    other = client.post("/api/v1/assessments/evaluate/", {**body, "jurisdiction": world.departments["huinong"].pk}, format="json")
    assert other.status_code == 200 and other.json()["rulebook"]["code"] == "huinong"
    huinong = api("huinong_discipline_officer").post("/api/v1/assessments/evaluate/", body, format="json")
    assert huinong.json()["rulebook"]["code"] == "huinong"
    unknown = client.post("/api/v1/assessments/evaluate/", {**body, "jurisdiction": 999999}, format="json")
    assert unknown.status_code == 400 and "jurisdiction" in json.dumps(unknown.json())
    early = client.post("/api/v1/assessments/evaluate/", {**body, "conduct_date": "2017-01-01"}, format="json")
    assert early.status_code == 400 and "national-2018" in json.dumps(early.json(), ensure_ascii=False)


def test_the_cli_takes_a_jurisdiction(world, tmp_path):
    huinong_loaded()
    path = tmp_path / "in.json"
    path.write_text(json.dumps({"circumstances": ["26.5"], "conduct_date": "2023-05-01"}), encoding="utf-8")
    out = io.StringIO()
    call_command("assess", str(path), stdout=out)
    assert json.loads(out.getvalue())["rulebook"]["code"] == "pingluo-2021"
    out = io.StringIO()
    call_command("assess", str(path), "--jurisdiction", "huinong", stdout=out)
    assert json.loads(out.getvalue())["rulebook"]["code"] == "huinong"
