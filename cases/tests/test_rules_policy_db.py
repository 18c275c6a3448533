"""The measures policy as seeded in the database, its choice by conduct date, and replay
(PRODUCT §2: "the version in force at conduct_date is used and named"; "a decision can be
replayed years later", Art. 32 cases outlive posts; STYLE §3: every row carries its reasoning or
citation).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from cases.codes import MEASURE_ORDER
from cases.models import DeadlinePolicy, MeasurePolicy, MeasurePolicyRule
from cases.rules.engine import CIRCUMSTANCES, AssessmentInputError, assess
from cases.rules.policy import DEFAULT_POLICY_CODE, complete, default_snapshot, policy_from_snapshot
from cases.selectors.assessments import evaluate, replay

pytestmark = pytest.mark.django_db

ART27_CODES = ["notice", "admonishment", "suspension", "reassignment", "ordered_resignation", "demotion", "dismissal", "sanction"]
# 停职检查、调整职务、责令辞职、降职、免职: the organizational measures among them.
ORGANIZATIONAL = ["suspension", "reassignment", "ordered_resignation", "demotion", "dismissal"]
SEED_CIRCUMSTANCES = [f"26.{n}" for n in range(1, 8)]
SEVERITIES = {"heavier", "standard", "lighter"}
FINDING = {"circumstances": ["26.5"], "conduct_date": "2022-03-01"}


def seeded_rules():
    return list(MeasurePolicyRule.objects.filter(policy__code=DEFAULT_POLICY_CODE))


# --- The seeded policy -----------------------------------------------------------------------------


def test_evaluate_uses_the_seeded_pingluo_2021_policy():
    output, snap = evaluate(dict(FINDING))
    assert output["policy_version"].startswith("pingluo-2021@")
    assert snap["version"] == output["policy_version"]
    # The seeded rows are DEFAULT_RULES: the database and the pure tests judge by the same table.
    assert snap == default_snapshot()
    assert output == assess(FINDING, policy_from_snapshot(default_snapshot()))


def test_seeded_policy_takes_effect_on_the_day_the_rules_were_issued():
    # 第三十五条 "本细则自印发之日起施行"; the notice is dated 2021-06-11.
    policy = MeasurePolicy.objects.get(code=DEFAULT_POLICY_CODE)
    assert policy.valid_from == dt.date(2021, 6, 11)
    assert policy.valid_to is None
    output, _ = evaluate({"circumstances": ["26.5"], "conduct_date": "2021-06-11"})
    assert output["accountable"] is True


@pytest.mark.parametrize("day", ["2021-06-10", "2020-01-01", "2007-06-01"])
def test_conduct_before_the_rules_took_effect_is_an_error_on_conduct_date(day):
    with pytest.raises(AssessmentInputError) as caught:
        evaluate({"circumstances": ["26.5"], "conduct_date": day})
    assert caught.value.field == "conduct_date"
    assert day in caught.value.message


def test_bad_input_is_rejected_before_the_policy_is_read():
    with pytest.raises(AssessmentInputError) as caught:
        evaluate({"circumstances": ["26.8"], "conduct_date": "2022-03-01"})
    assert caught.value.field == "circumstances"


def test_every_seeded_measure_rule_has_reasoning_and_only_art27_measures():
    rules = seeded_rules()
    assert rules
    for rule in rules:
        where = f"{rule.circumstance}/{rule.severity}"
        assert rule.reasoning.strip(), where
        assert rule.measures, where
        assert set(rule.measures) <= set(ART27_CODES), where
        assert len(rule.measures) == len(set(rule.measures)), where
        assert "interview" not in rule.measures, where


def test_seeded_policy_covers_every_circumstance_at_every_severity():
    rules = seeded_rules()
    pairs = [(r.circumstance, r.severity) for r in rules]
    assert sorted(pairs) == sorted((c, s) for c in SEED_CIRCUMSTANCES for s in SEVERITIES)
    assert complete([{"circumstance": c, "severity": s} for c, s in pairs]) == []
    assert CIRCUMSTANCES == SEED_CIRCUMSTANCES
    assert MEASURE_ORDER == ART27_CODES


def test_every_seeded_deadline_policy_has_a_citation():
    deadlines = list(DeadlinePolicy.objects.all())
    assert deadlines
    for deadline in deadlines:
        assert deadline.citation.strip(), deadline.code
        assert deadline.amount > 0, deadline.code
        if deadline.verified:
            # A figure marked verified says where it was verified (domain-facts.zh.md labels).
            assert "VERIFIED" in deadline.citation and "UNVERIFIED" not in deadline.citation, deadline.code


# --- Replay: an edited policy never changes a stored decision ---------------------------------------


def test_replay_returns_the_original_output_after_a_policy_row_is_edited():
    data = {
        "circumstances": ["26.5"],
        "aggravating": [],
        "egregious": True,
        "cadre_status": "retired",
        "conduct_date": "2022-03-01",
    }
    output, snap = evaluate(data)
    # What a case keeps, as it would come back from a JSON column.
    stored = json.loads(json.dumps({"data": data, "policy": snap}, ensure_ascii=False))
    kept_output = json.loads(json.dumps(output, ensure_ascii=False))
    # A retired cadre keeps no organizational measure (Art. 32 "已退休的，按照有关规定追究责任").
    assert output["allowed_measures"] == [m for m in ART27_CODES if m not in ORGANIZATIONAL]
    assert output["measures_by_circumstance"] == {"26.5": output["allowed_measures"]}

    rule = MeasurePolicyRule.objects.get(policy__code=DEFAULT_POLICY_CODE, circumstance="26.5", severity="standard")
    rule.measures = ["admonishment", "sanction"]
    rule.save()

    later, later_snap = evaluate(data)
    assert later["policy_version"] != output["policy_version"]
    assert later_snap["version"] == later["policy_version"]
    assert later["allowed_measures"] == ["admonishment", "sanction"]
    assert later["measures_by_circumstance"] == {"26.5": ["admonishment", "sanction"]}

    replayed = replay(stored)
    assert replayed == output
    assert replayed == kept_output
    assert replayed["policy_version"] == output["policy_version"]


def test_editing_only_the_reasoning_is_a_new_version_and_replay_keeps_the_old_words():
    output, snap = evaluate(dict(FINDING))
    stored = {"data": dict(FINDING), "policy": snap}
    rule = MeasurePolicyRule.objects.get(policy__code=DEFAULT_POLICY_CODE, circumstance="26.5", severity="standard")
    old_reasoning = rule.reasoning
    rule.reasoning = "修订后的理由"
    rule.save()

    later, _ = evaluate(dict(FINDING))
    assert later["policy_version"] != output["policy_version"]
    assert later["allowed_measures"] == output["allowed_measures"]
    assert any("修订后的理由" in item["text"] for item in later["explanation"])
    replayed = replay(stored)
    assert replayed == output
    assert any(old_reasoning in item["text"] for item in replayed["explanation"])


def test_the_policy_in_force_at_the_conduct_date_is_used():
    newer = MeasurePolicy.objects.create(code="pingluo-2025", valid_from=dt.date(2025, 1, 1), note="测试用新版本")
    for rule in seeded_rules():
        measures = ["sanction"] if (rule.circumstance, rule.severity) == ("26.5", "standard") else rule.measures
        MeasurePolicyRule.objects.create(
            policy=newer, circumstance=rule.circumstance, severity=rule.severity, measures=measures, reasoning=rule.reasoning
        )

    before, _ = evaluate({"circumstances": ["26.5"], "conduct_date": "2024-12-31"})
    after, _ = evaluate({"circumstances": ["26.5"], "conduct_date": "2025-01-01"})
    assert before["policy_version"].startswith("pingluo-2021@")
    assert before["allowed_measures"] == ART27_CODES
    assert before["measures_by_circumstance"] == {"26.5": ART27_CODES}
    assert after["policy_version"].startswith("pingluo-2025@")
    assert after["allowed_measures"] == ["sanction"]
    assert after["measures_by_circumstance"] == {"26.5": ["sanction"]}
