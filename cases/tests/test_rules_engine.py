"""The rule engine as a pure function (PRODUCT §2; seed Articles 23, 26–33). No database.

Every test name or parametrize id names the article it checks. Expected measures are read from the
policy table itself (``DEFAULT_RULES``), never retyped here: a policy edit does not break these
tests, a wrong lookup does. The seed's own words for Articles 26 and 27 are quoted below so the
codes can be checked against them.

How the findings open policy rows, per pursued circumstance (``ONE_CIRCUMSTANCE`` below):
Art. 29 (应当从重) needs leadership responsibility for an accident (26.5, 26.6) and replaces the
standard row by the heavier one for those circumstances only; Art. 30 (可以从轻、减轻) adds the
lighter row and removes nothing; a retired cadre (Art. 32 "已退休的，按照有关规定追究责任") keeps no
organizational measure. ``allowed_measures`` is the union of ``measures_by_circumstance``.

Tests marked ``xfail(strict=True, reason="BUG: …")`` record places where the engine disagrees with
the seed text; they are left for the owners of the engine to decide, not fixed here.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.codes import MEASURE_ORDER, ORGANIZATIONAL_MEASURES
from cases.rules import engine
from cases.rules.engine import AssessmentInputError, assess, parse_input
from cases.rules.policy import DEFAULT_RULES, default_snapshot, policy_from_snapshot, snapshot

POLICY = policy_from_snapshot(default_snapshot())
DATE = "2021-08-01"

# 第二十六条: seven circumstances, （一）…（七）.
SEED_CIRCUMSTANCES = [f"26.{n}" for n in range(1, 8)]
# 第二十九条: four aggravating circumstances, （一）…（四）.
SEED_AGGRAVATING = [f"29.{n}" for n in range(1, 5)]
# 第二十七条, verbatim: "应当根据情况采取通报、诫勉、停职检查、调整职务、责令辞职、降职、免职或者处分等方式问责".
ART27_SEED_WORDS = "通报、诫勉、停职检查、调整职务、责令辞职、降职、免职或者处分"
ART27_CODES = ["notice", "admonishment", "suspension", "reassignment", "ordered_resignation", "demotion", "dismissal", "sanction"]
ART27_LABELS = dict(zip(ART27_CODES, ART27_SEED_WORDS.replace("或者", "、").split("、"), strict=True))
# The organizational measures (组织处理, 第三十四条) among them: 停职检查、调整职务、责令辞职、降职、免职.
# They presuppose a post, so a retired cadre keeps none of them (Art. 32).
ORGANIZATIONAL = ["suspension", "reassignment", "ordered_resignation", "demotion", "dismissal"]
# Leadership responsibility for an accident: 26.5, and 26.6 (accidents that occurred repeatedly).
# Art. 23 tolerance, Art. 28 veto, Art. 29 aggravation and Art. 32 lifelong accountability reach
# only these; everything else is conduct of its own.
ACCIDENT = {"26.5", "26.6"}
NON_ACCIDENT = [c for c in SEED_CIRCUMSTANCES if c not in ACCIDENT]
# Full performance of duties (Art. 31) contradicts 26.1 (duties not performed) and 26.6 (打非治违不力,
# a duty of Art. 10).
CONTRADICT_FULL_PERFORMANCE = ["26.1", "26.6"]
ROW_SEVERITIES = ["standard", "heavier", "lighter"]
ROW_LABELS_ZH = {"standard": "一般", "heavier": "从重", "lighter": "从轻、减轻"}
# The findings that bear on severity (Art. 29 从重, Art. 30 从轻、减轻, both).
FINDINGS = {
    "plain": {},
    "aggravating": {"aggravating": ["29.1"]},
    "mitigating": {"mitigating": True},
    "both": {"aggravating": ["29.1"], "mitigating": True},
}
# For one pursued circumstance alone: findings → (severity, policy rows opened), for an accident
# circumstance (26.5, 26.6) and for any other. Art. 29 needs accident responsibility; Art. 30 is
# "可以" and only adds the lighter row; both for an accident: a conflict opening both ends.
ONE_CIRCUMSTANCE = {
    # findings: ((severity, rows) for 26.5/26.6, (severity, rows) for any other circumstance)
    "plain": (("standard", ("standard",)), ("standard", ("standard",))),
    "aggravating": (("heavier", ("heavier",)), ("standard", ("standard",))),
    "mitigating": (("lighter", ("standard", "lighter")), ("lighter", ("standard", "lighter"))),
    "both": (("conflict", ("heavier", "standard", "lighter")), ("lighter", ("standard", "lighter"))),
}
ROWS = {(c, s): tuple(m) for c, s, m, _ in DEFAULT_RULES}
OUTPUT_KEYS = {
    "accountable",
    "outcome",
    "severity",
    "allowed_measures",
    "measures_by_circumstance",
    "crime_referral",
    "veto",
    "lifelong",
    "citations",
    "explanation",
    "policy_version",
}
HAN = re.compile(r"[\u4e00-\u9fff]")
SEVERAL_CIRCUMSTANCES_ZH = "每一项情形"


def run(**fields) -> dict:
    """Assess a finding made of ``fields`` on top of a minimal valid input."""
    return assess({"circumstances": [], "conduct_date": DATE, **fields}, POLICY)


def findings_of(fields: dict) -> str:
    """The ``FINDINGS`` key that ``fields`` amount to."""
    return {(False, False): "plain", (True, False): "aggravating", (False, True): "mitigating", (True, True): "both"}[
        (bool(fields.get("aggravating")), bool(fields.get("mitigating")))
    ]


def rows_opened(circumstance: str, findings: str) -> tuple[str, ...]:
    accident, other = ONE_CIRCUMSTANCE[findings]
    return (accident if circumstance in ACCIDENT else other)[1]


def expected_by_circumstance(pursued, fields: dict | None = None) -> dict[str, list[str]]:
    """Per pursued circumstance, in the seed's order: the union of the rows the findings open for
    it, in the seed's order (Art. 27), without organizational measures for a retired cadre."""
    fields = fields or {}
    result = {}
    for circumstance in SEED_CIRCUMSTANCES:
        if circumstance in pursued:
            allowed = {m for row in rows_opened(circumstance, findings_of(fields)) for m in ROWS[(circumstance, row)]}
            if fields.get("cadre_status") == "retired":
                allowed -= set(ORGANIZATIONAL)
            result[circumstance] = [m for m in ART27_CODES if m in allowed]
    return result


def union_in_seed_order(by_circumstance: dict[str, list[str]]) -> list[str]:
    return [m for m in ART27_CODES if any(m in measures for measures in by_circumstance.values())]


def expected_measures(pursued, fields: dict | None = None) -> list[str]:
    return union_in_seed_order(expected_by_circumstance(pursued, fields))


def expected_severity(pursued, fields: dict | None = None) -> str:
    """Heavier (Art. 29) only when some accident circumstance is pursued; lighter (Art. 30) else."""
    findings = findings_of(fields or {})
    accident, other = ONE_CIRCUMSTANCE[findings]
    return (accident if set(pursued) & ACCIDENT else other)[0]


def without_organizational(measures) -> list[str]:
    return [m for m in measures if m not in ORGANIZATIONAL]


def texts(out: dict, article: str) -> list[str]:
    return [item["text"] for item in out["explanation"] if item["article"] == article]


def row_cited(out: dict, circumstance: str, row: str) -> bool:
    """Whether the Art. 27 explanation names the policy row ``circumstance``/``row`` and its version."""
    head = f"第二十六条第（{circumstance[-1]}）项、{ROW_LABELS_ZH[row]}："
    return any(text.startswith(head) and POLICY.version in text for text in texts(out, "27"))


def names_as_unknown(error: AssessmentInputError, code: str) -> bool:
    """Whether the error names ``code`` as unknown in both languages, not merely in its list of known
    codes (the message is "中文 / English", each half ending with the known codes)."""
    chinese = error.message.split("；可用代码：", 1)[0]
    english = error.english.rsplit("known:", 1)[0]
    return code in chinese and code in english


def input_error(data) -> AssessmentInputError:
    with pytest.raises(AssessmentInputError) as caught:
        assess(data, POLICY)
    return caught.value


def art(code: str) -> str:
    """A parametrize id fragment: ``26.5`` → ``art26_5``."""
    return "art" + code.replace(".", "_")


# --- Article 26: the seven circumstances ----------------------------------------------------------


def test_art26_art29_engine_knows_exactly_the_seeds_codes():
    assert engine.CIRCUMSTANCES == SEED_CIRCUMSTANCES
    assert engine.AGGRAVATING == SEED_AGGRAVATING


@pytest.mark.parametrize("code", SEED_CIRCUMSTANCES, ids=art)
def test_art26_each_circumstance_alone_is_accountable_and_cited(code):
    out = run(circumstances=[code])
    assert out["accountable"] is True
    assert out["outcome"] == "accountable"
    assert out["severity"] == "standard"
    assert code in out["citations"]
    assert "26" in out["citations"]
    assert any(f"第二十六条第（{code[-1]}）项" in text for text in texts(out, code))
    assert out["measures_by_circumstance"] == {code: [m for m in ART27_CODES if m in ROWS[(code, "standard")]]}
    assert out["allowed_measures"] == out["measures_by_circumstance"][code]
    assert out["allowed_measures"], "an accountable finding must leave some Art. 27 measure"
    # One circumstance: nothing to say about answering each of several (Art. 27).
    assert not any(SEVERAL_CIRCUMSTANCES_ZH in text for text in texts(out, "27"))


def test_art26_no_circumstance_is_not_pursued():
    out = run()
    assert out["accountable"] is False
    assert out["outcome"] == "not_pursued"
    assert out["severity"] == "standard"
    assert out["allowed_measures"] == []
    assert out["measures_by_circumstance"] == {}
    assert out["veto"] == {"applies": False}
    assert out["lifelong"] == {"applies": False, "action": "none"}
    assert "26" in out["citations"]
    assert any("未认定" in text for text in texts(out, "26"))


@pytest.mark.parametrize(
    "codes, bad",
    [
        (["26.8"], "26.8"),
        (["25.1"], "25.1"),
        (["26.0"], "26.0"),
        (["26"], "26"),
        (["27.1"], "27.1"),
        (["29.1"], "29.1"),
        (["26.5 "], "26.5 "),
        (["26.5", "26.8"], "26.8"),
    ],
    ids=[
        "art26-26.8",
        "art26-25.1",
        "art26-26.0",
        "art26-bare-26",
        "art26-27.1",
        "art26-aggravating-code",
        "art26-space",
        "art26-mixed",
    ],
)
def test_art26_unknown_circumstance_code_is_an_error_naming_it(codes, bad):
    error = input_error({"circumstances": codes, "conduct_date": DATE})
    assert error.field == "circumstances"
    assert names_as_unknown(error, bad)
    assert str(error).startswith("circumstances:")


@pytest.mark.parametrize("bad", ["29.5", "29.0", "29", "30", "26.5"], ids=lambda b: f"art29-{b}")
def test_art29_unknown_aggravating_code_is_an_error_naming_it(bad):
    error = input_error({"circumstances": ["26.5"], "aggravating": ["29.1", bad], "conduct_date": DATE})
    assert error.field == "aggravating"
    assert names_as_unknown(error, bad)


VALID = {"circumstances": ["26.5"], "conduct_date": DATE}


@pytest.mark.parametrize(
    "data, field",
    [
        pytest.param({**VALID, "accident_grade": "major"}, "accident_grade", id="art26-unknown-field"),
        pytest.param({**VALID, "circumstance": ["26.5"]}, "circumstance", id="art26-misspelt-field"),
        pytest.param({"circumstances": ["26.5"]}, "conduct_date", id="art26-missing-conduct_date"),
        pytest.param({"conduct_date": DATE}, "circumstances", id="art26-missing-circumstances"),
        pytest.param({**VALID, "conduct_date": "2021-02-30"}, "conduct_date", id="art26-date-feb-30"),
        pytest.param({**VALID, "conduct_date": "2021/08/01"}, "conduct_date", id="art26-date-slashes"),
        pytest.param({**VALID, "conduct_date": "2021-8-1"}, "conduct_date", id="art26-date-unpadded"),
        pytest.param({**VALID, "conduct_date": "20210801"}, "conduct_date", id="art26-date-basic-format"),
        pytest.param({**VALID, "conduct_date": "2021-W31-1"}, "conduct_date", id="art26-date-iso-week"),
        pytest.param({**VALID, "conduct_date": "2021-213"}, "conduct_date", id="art26-date-ordinal"),
        pytest.param({**VALID, "conduct_date": "2021-08-01T00:00"}, "conduct_date", id="art26-date-with-time"),
        pytest.param({**VALID, "conduct_date": " 2021-08-01"}, "conduct_date", id="art26-date-leading-space"),
        pytest.param({**VALID, "conduct_date": "2021-08-01\n"}, "conduct_date", id="art26-date-trailing-newline"),
        pytest.param({**VALID, "conduct_date": "２０２１-０８-０１"}, "conduct_date", id="art26-date-fullwidth-digits"),
        pytest.param({**VALID, "conduct_date": "yesterday"}, "conduct_date", id="art26-date-words"),
        pytest.param({**VALID, "conduct_date": ""}, "conduct_date", id="art26-date-empty"),
        pytest.param({**VALID, "conduct_date": 20210801}, "conduct_date", id="art26-date-int"),
        pytest.param({**VALID, "conduct_date": None}, "conduct_date", id="art26-date-null"),
        pytest.param({**VALID, "circumstances": "26.5"}, "circumstances", id="art26-circumstances-string"),
        pytest.param({**VALID, "circumstances": None}, "circumstances", id="art26-circumstances-null"),
        pytest.param({**VALID, "circumstances": [26.5]}, "circumstances", id="art26-circumstances-number-item"),
        pytest.param({**VALID, "circumstances": {"26.5": True}}, "circumstances", id="art26-circumstances-object"),
        pytest.param({**VALID, "aggravating": "29.1"}, "aggravating", id="art29-aggravating-string"),
        pytest.param({**VALID, "aggravating": [291]}, "aggravating", id="art29-aggravating-number-item"),
        pytest.param({**VALID, "mitigating": "yes"}, "mitigating", id="art30-mitigating-string"),
        pytest.param({**VALID, "mitigating": 1}, "mitigating", id="art30-mitigating-int"),
        pytest.param({**VALID, "duties_fully_performed": None}, "duties_fully_performed", id="art31-duties-null"),
        pytest.param({**VALID, "duties_fully_performed": "true"}, "duties_fully_performed", id="art31-duties-string"),
        pytest.param({**VALID, "fault_tolerance": 0}, "fault_tolerance", id="art23-fault_tolerance-int"),
        pytest.param({**VALID, "suspected_crime": "false"}, "suspected_crime", id="art27-suspected_crime-string"),
        pytest.param({**VALID, "egregious": 1}, "egregious", id="art32-egregious-int"),
        pytest.param({**VALID, "cadre_status": 1}, "cadre_status", id="art32-cadre_status-int"),
        pytest.param({**VALID, "cadre_status": None}, "cadre_status", id="art32-cadre_status-null"),
        pytest.param({**VALID, "cadre_status": "dead"}, "cadre_status", id="art32-cadre_status-unknown"),
        pytest.param({**VALID, "cadre_status": "In_Office"}, "cadre_status", id="art32-cadre_status-case"),
        pytest.param({**VALID, "cadre_status": ""}, "cadre_status", id="art32-cadre_status-empty"),
    ],
)
def test_art26_bad_input_is_an_error_naming_the_field(data, field):
    error = input_error(data)
    assert error.field == field
    assert str(error).startswith(f"{field}:")
    assert error.message


@pytest.mark.parametrize("day", ["2021-06-11", "2021-08-01", "2024-02-29", "2099-12-31"], ids=lambda d: f"art26-date-{d}")
def test_art26_conduct_date_in_yyyy_mm_dd_is_accepted(day):
    assert parse_input({"circumstances": ["26.5"], "conduct_date": day}).conduct_date == dt.date.fromisoformat(day)


@pytest.mark.parametrize("body", [None, [], ["26.5"], "26.5", 26], ids=lambda b: f"art26-body-{type(b).__name__}")
def test_art26_body_that_is_not_an_object_is_an_error(body):
    assert input_error(body).field == "(body)"


def test_art26_repeated_codes_count_once():
    assert run(circumstances=["26.5", "26.5"]) == run(circumstances=["26.5"])
    assert run(circumstances=["26.5"], aggravating=["29.2", "29.2"]) == run(circumstances=["26.5"], aggravating=["29.2"])


def test_art26_omitted_optional_fields_take_their_defaults():
    full = {
        "circumstances": ["26.5"],
        "aggravating": [],
        "mitigating": False,
        "duties_fully_performed": False,
        "fault_tolerance": False,
        "suspected_crime": False,
        "egregious": False,
        "cadre_status": "in_office",
        "conduct_date": DATE,
    }
    assert assess(VALID, POLICY) == assess(full, POLICY)
    assert parse_input(VALID).as_json() == full


# --- Article 31: exemption covers only the leadership responsibility for an accident (26.5) -------


def test_art31_exemption_of_26_5_alone_is_not_pursued():
    out = run(circumstances=["26.5"], duties_fully_performed=True)
    assert out["accountable"] is False
    assert out["outcome"] == "not_pursued"
    assert out["allowed_measures"] == []
    assert out["measures_by_circumstance"] == {}
    assert out["veto"] == {"applies": False}
    assert out["lifelong"] == {"applies": False, "action": "none"}
    assert "31" in out["citations"]
    assert any("不予追究" in text for text in texts(out, "31"))


@pytest.mark.parametrize("other", ["26.2", "26.3", "26.4", "26.7"], ids=lambda c: f"art31-{art(c)}-not-covered")
def test_art31_exemption_does_not_cover_other_circumstances(other):
    out = run(circumstances=["26.5", other], duties_fully_performed=True)
    assert out["accountable"] is True
    assert out["outcome"] == "accountable"
    # Only 26.5 leaves: the measures are those of the remaining circumstance alone.
    assert out["measures_by_circumstance"] == expected_by_circumstance([other])
    assert out["allowed_measures"] == expected_measures([other])
    assert out["veto"] == {"applies": False}, "the accident responsibility (26.5) was exempted; Art. 28 follows it"
    assert "31" in out["citations"]
    explanations = texts(out, "31")
    assert any("不予追究" in text for text in explanations), "the exemption of 26.5 is explained"
    assert any("不适用" in text and f"（{other[-1]}）" in text for text in explanations), "why it does not cover the rest"
    # One circumstance is left: Art. 27's "answer each circumstance" has nothing to say.
    assert not any(SEVERAL_CIRCUMSTANCES_ZH in text for text in texts(out, "27"))


@pytest.mark.parametrize("other", ["26.2", "26.3", "26.4", "26.7"], ids=lambda c: f"art31-{art(c)}-alone")
def test_art31_full_performance_without_accident_responsibility_changes_nothing(other):
    out = run(circumstances=[other], duties_fully_performed=True)
    plain = run(circumstances=[other])
    assert out["accountable"] is True
    for key in ("outcome", "severity", "allowed_measures", "measures_by_circumstance", "veto", "lifelong"):
        assert out[key] == plain[key]
    assert any("不适用" in text for text in texts(out, "31"))


@pytest.mark.parametrize(
    "codes",
    [
        ["26.1"],
        ["26.6"],
        ["26.1", "26.5"],
        ["26.6", "26.5"],
        ["26.5", "26.1", "26.2"],
        ["26.6", "26.7"],
        ["26.6", "26.1"],
        SEED_CIRCUMSTANCES,
    ],
    ids=lambda c: "art31-contradicts-" + "+".join(c),
)
def test_art31_duties_fully_performed_contradicts_26_1_and_26_6(codes):
    error = input_error({"circumstances": codes, "duties_fully_performed": True, "conduct_date": DATE})
    assert error.field == "duties_fully_performed"
    for code in CONTRADICT_FULL_PERFORMANCE:
        assert (code in error.message) is (code in codes), code


@pytest.mark.parametrize("code", CONTRADICT_FULL_PERFORMANCE, ids=lambda c: f"art31-{art(c)}-duties-not-fully-performed")
def test_art31_art26_duties_not_fully_performed_with_26_1_or_26_6_is_fine(code):
    assert run(circumstances=[code], duties_fully_performed=False)["accountable"] is True


# --- Article 27: the measures, per circumstance, and referral of a suspected crime -----------------


def test_art27_measure_codes_are_the_seeds_eight_in_the_seeds_order():
    assert MEASURE_ORDER == ART27_CODES
    assert engine.MEASURE_LABELS_ZH == ART27_LABELS


def test_art27_art32_organizational_measures_are_the_seeds_five():
    assert set(ORGANIZATIONAL) == engine.ORGANIZATIONAL == ORGANIZATIONAL_MEASURES
    assert [ART27_LABELS[m] for m in ORGANIZATIONAL] == ["停职检查", "调整职务", "责令辞职", "降职", "免职"]


def test_art27_art15_interview_is_not_a_measure():
    assert "interview" not in MEASURE_ORDER
    assert "约谈" not in ART27_LABELS.values()
    for measures in ROWS.values():
        assert "interview" not in measures


@pytest.mark.parametrize(
    "circumstance, findings",
    [(c, f) for c in SEED_CIRCUMSTANCES for f in FINDINGS],
    ids=[f"art27-art29-art30-{art(c)}-{f}" for c in SEED_CIRCUMSTANCES for f in FINDINGS],
)
def test_art27_measures_follow_the_policy_rows_the_findings_open(circumstance, findings):
    out = run(circumstances=[circumstance], **FINDINGS[findings])
    accident, other = ONE_CIRCUMSTANCE[findings]
    severity, rows = accident if circumstance in ACCIDENT else other
    assert out["severity"] == severity
    allowed = {m for row in rows for m in ROWS[(circumstance, row)]}
    assert out["measures_by_circumstance"] == {circumstance: [m for m in ART27_CODES if m in allowed]}
    assert out["allowed_measures"] == out["measures_by_circumstance"][circumstance]
    assert set(out["allowed_measures"]) <= set(ART27_CODES)
    assert out["allowed_measures"] == [m for m in ART27_CODES if m in out["allowed_measures"]], "seed order"
    assert "interview" not in out["allowed_measures"]
    # The rows used, and only they, are named with the policy version (Art. 27 "根据情况" is policy, not code).
    for row in ROW_SEVERITIES:
        assert row_cited(out, circumstance, row) is (row in rows), row


@pytest.mark.parametrize(
    "codes",
    [["26.1", "26.2"], ["26.3", "26.5"], ["26.4", "26.6", "26.7"], ["26.5", "26.6"], SEED_CIRCUMSTANCES],
    ids=lambda c: "art27-per-circumstance-" + "+".join(c),
)
@pytest.mark.parametrize("findings", list(FINDINGS))
def test_art27_several_circumstances_each_keep_their_own_rows_and_allow_the_union(codes, findings):
    fields = FINDINGS[findings]
    out = run(circumstances=codes, **fields)
    assert out["severity"] == expected_severity(codes, fields)
    assert out["measures_by_circumstance"] == expected_by_circumstance(codes, fields)
    assert list(out["measures_by_circumstance"]) == [c for c in SEED_CIRCUMSTANCES if c in codes], "seed order"
    assert out["allowed_measures"] == union_in_seed_order(out["measures_by_circumstance"])
    assert out["allowed_measures"] == expected_measures(codes, fields)
    for circumstance in codes:
        for row in ROW_SEVERITIES:
            assert row_cited(out, circumstance, row) is (row in rows_opened(circumstance, findings)), (circumstance, row)


@pytest.mark.parametrize(
    "fields, several",
    [
        pytest.param({"circumstances": ["26.2"]}, False, id="art27-one-circumstance"),
        pytest.param({"circumstances": ["26.2", "26.5"]}, True, id="art27-two-circumstances"),
        pytest.param({"circumstances": SEED_CIRCUMSTANCES}, True, id="art27-all-circumstances"),
        pytest.param({"circumstances": ["26.2", "26.5"], "duties_fully_performed": True}, False, id="art27-art31-one-left"),
        pytest.param({"circumstances": ["26.2", "26.5"], "fault_tolerance": True}, False, id="art27-art23-one-left"),
        pytest.param({"circumstances": ["26.5", "26.6"], "fault_tolerance": True}, False, id="art27-art23-none-left"),
        pytest.param({"circumstances": ["26.1", "26.2", "26.6"], "fault_tolerance": True}, True, id="art27-art23-two-left"),
    ],
)
def test_art27_chosen_measures_must_answer_each_pursued_circumstance(fields, several):
    out = run(**fields)
    said = [text for text in texts(out, "27") if SEVERAL_CIRCUMSTANCES_ZH in text]
    assert bool(said) is several
    assert (len(out["measures_by_circumstance"]) > 1) is several
    if several:
        assert len(said) == 1


def test_art27_mixed_circumstances_each_answer_to_their_own_rows():
    # 26.2 obstructs, 26.5 is the accident: a notice fits the accident but never the obstruction.
    out = run(circumstances=["26.2", "26.5"])
    assert out["measures_by_circumstance"]["26.2"] == [m for m in ART27_CODES if m in ROWS[("26.2", "standard")]]
    assert out["measures_by_circumstance"]["26.5"] == [m for m in ART27_CODES if m in ROWS[("26.5", "standard")]]
    assert "notice" in out["allowed_measures"]
    assert "notice" not in out["measures_by_circumstance"]["26.2"]


def test_art27_says_interview_cannot_replace_accountability():
    out = run(circumstances=["26.1"])
    assert any("约谈" in text and "第十五条" in text for text in texts(out, "27"))


CRIME_SCENARIOS = {
    "art27-no-circumstance": {},
    "art27-accountable-26.2": {"circumstances": ["26.2"]},
    "art27-accountable-26.5-conflict": {"circumstances": ["26.5"], "aggravating": ["29.1"], "mitigating": True},
    "art27-art31-exempted": {"circumstances": ["26.5"], "duties_fully_performed": True},
    "art27-art23-tolerated": {"circumstances": ["26.5"], "fault_tolerance": True},
    "art27-art23-partly-tolerated": {"circumstances": ["26.5", "26.3"], "fault_tolerance": True},
    "art27-art32-egregious-retired": {"circumstances": ["26.5"], "egregious": True, "cadre_status": "retired"},
}


@pytest.mark.parametrize("scenario", list(CRIME_SCENARIOS), ids=str)
def test_art27_suspected_crime_is_always_referred(scenario):
    fields = CRIME_SCENARIOS[scenario]
    out = run(**fields, suspected_crime=True)
    assert out["crime_referral"] is True
    assert any("纪检监察机关" in text for text in texts(out, "27"))
    # The referral changes nothing else.
    without = run(**fields, suspected_crime=False)
    assert without["crime_referral"] is False
    for key in ("accountable", "outcome", "severity", "allowed_measures", "measures_by_circumstance", "veto", "lifelong"):
        assert out[key] == without[key]


def partial_policy(*missing: tuple[str, str]):
    rules = [r for r in default_snapshot()["rules"] if (r["circumstance"], r["severity"]) not in missing]
    return policy_from_snapshot(snapshot("partial", rules))


def test_art27_art29_policy_without_the_heavier_row_raises_lookup_error_only_when_it_is_needed():
    partial = partial_policy(("26.5", "heavier"))
    assert assess({"circumstances": ["26.5"], "conduct_date": DATE}, partial)["accountable"] is True
    with pytest.raises(LookupError, match=r"26\.5/heavier"):
        assess({"circumstances": ["26.5"], "aggravating": ["29.1"], "conduct_date": DATE}, partial)


def test_art27_art29_heavier_row_of_a_non_accident_circumstance_is_never_read():
    partial = partial_policy(*((c, "heavier") for c in NON_ACCIDENT))
    data = {"circumstances": NON_ACCIDENT + ["26.5"], "aggravating": SEED_AGGRAVATING, "mitigating": True, "conduct_date": DATE}
    assert assess(data, partial)["measures_by_circumstance"] == assess(data, POLICY)["measures_by_circumstance"]


def test_art27_art30_lighter_still_reads_the_standard_row():
    partial = partial_policy(("26.2", "standard"))
    with pytest.raises(LookupError, match=r"26\.2/standard"):
        assess({"circumstances": ["26.2"], "mitigating": True, "conduct_date": DATE}, partial)


def test_art27_art29_art30_conflict_opens_the_whole_range_including_the_standard_row():
    """Both Art. 29 and Art. 30 claimed: the decision-maker may end anywhere, so all three rows
    are read (a policy lacking the standard row is a data error)."""
    out = assess({"circumstances": ["26.5"], "aggravating": ["29.1"], "mitigating": True, "conduct_date": DATE}, POLICY)
    assert out["severity"] == "conflict"
    assert out["measures_by_circumstance"] == expected_by_circumstance(["26.5"], FINDINGS["both"])
    with pytest.raises(LookupError):
        assess(
            {"circumstances": ["26.5"], "aggravating": ["29.1"], "mitigating": True, "conduct_date": DATE},
            partial_policy(("26.5", "standard")),
        )


# --- Article 28: the veto follows being held responsible for an accident --------------------------


VETO_CASES = [
    pytest.param({"circumstances": ["26.5"]}, True, id="art28-26.5-accountable"),
    pytest.param({"circumstances": ["26.6"]}, True, id="art28-26.6-accountable"),
    pytest.param({"circumstances": ["26.1", "26.5"]}, True, id="art28-26.5-with-26.1"),
    pytest.param({"circumstances": ["26.5"], "aggravating": ["29.1"], "mitigating": True}, True, id="art28-26.5-conflict"),
    pytest.param({"circumstances": ["26.6"], "mitigating": True}, True, id="art28-26.6-lighter"),
    pytest.param({"circumstances": ["26.1"]}, False, id="art28-26.1-alone"),
    pytest.param({"circumstances": ["26.2"]}, False, id="art28-26.2-alone"),
    pytest.param({"circumstances": ["26.3"]}, False, id="art28-26.3-alone"),
    pytest.param({"circumstances": ["26.4"]}, False, id="art28-26.4-alone"),
    pytest.param({"circumstances": ["26.7"]}, False, id="art28-26.7-alone"),
    pytest.param({"circumstances": ["26.1", "26.2", "26.3", "26.4", "26.7"]}, False, id="art28-no-accident-circumstance"),
    pytest.param({}, False, id="art28-no-circumstance"),
    pytest.param({"circumstances": ["26.5"], "duties_fully_performed": True}, False, id="art28-art31-exempted"),
    pytest.param(
        {"circumstances": ["26.5", "26.2"], "duties_fully_performed": True}, False, id="art28-art31-exempted-26.2-remains"
    ),
    pytest.param({"circumstances": ["26.5"], "fault_tolerance": True}, False, id="art28-art23-tolerated-26.5"),
    pytest.param({"circumstances": ["26.6"], "fault_tolerance": True}, False, id="art28-art23-tolerated-26.6"),
    pytest.param({"circumstances": ["26.5", "26.2"], "fault_tolerance": True}, False, id="art28-art23-tolerated-26.2-remains"),
    pytest.param({"circumstances": ["26.6", "26.1"], "fault_tolerance": True}, False, id="art28-art23-tolerated-26.1-remains"),
    pytest.param({"circumstances": NON_ACCIDENT + ["26.5", "26.6"], "fault_tolerance": True}, False, id="art28-art23-all"),
]


@pytest.mark.parametrize("fields, applies", VETO_CASES)
def test_art28_veto_applies_exactly_when_accident_responsibility_is_pursued(fields, applies):
    out = run(**fields)
    assert out["veto"] == {"applies": applies}
    assert ("28" in out["citations"]) is applies
    if applies:
        assert out["accountable"] is True
        assert set(out["measures_by_circumstance"]) & ACCIDENT


# --- Articles 29 and 30: heavier, lighter, or both -------------------------------------------------


@pytest.mark.parametrize("circumstance", sorted(ACCIDENT), ids=art)
@pytest.mark.parametrize(
    "aggravating, mitigating, severity",
    [
        ([], False, "standard"),
        (["29.1"], False, "heavier"),
        (["29.2"], False, "heavier"),
        (["29.3"], False, "heavier"),
        (["29.4"], False, "heavier"),
        (SEED_AGGRAVATING, False, "heavier"),
        ([], True, "lighter"),
        (["29.2"], True, "conflict"),
        (SEED_AGGRAVATING, True, "conflict"),
    ],
    ids=[
        "art29-art30-neither",
        "art29-1",
        "art29-2",
        "art29-3",
        "art29-4",
        "art29-all",
        "art30-mitigating",
        "art29-art30-both",
        "art29-all-art30-both",
    ],
)
def test_art29_art30_severity_of_accident_responsibility(circumstance, aggravating, mitigating, severity):
    fields = {"aggravating": aggravating, "mitigating": mitigating}
    out = run(circumstances=[circumstance], **fields)
    assert out["severity"] == severity
    assert ("29" in out["citations"]) is bool(aggravating)
    assert ("30" in out["citations"]) is mitigating
    for code in aggravating:
        assert any(f"（{code[-1]}）" in text and "应当从重" in text for text in texts(out, "29"))
    assert not any("不据此从重" in text for text in texts(out, "29"))
    if mitigating:
        assert all("可以" in text for text in texts(out, "30")), "Art. 30 is discretionary"
    assert any("决定机关" in text and "第三十条" in text for text in texts(out, "29")) is (severity == "conflict")
    assert out["measures_by_circumstance"] == expected_by_circumstance([circumstance], fields)
    assert out["allowed_measures"] == expected_measures([circumstance], fields)


@pytest.mark.parametrize("circumstance", sorted(ACCIDENT), ids=lambda c: f"art29-art30-{art(c)}")
def test_art29_art30_conflict_opens_the_heavier_and_lighter_rows(circumstance):
    out = run(circumstances=[circumstance], aggravating=["29.3"], mitigating=True)
    assert out["severity"] == "conflict"
    heavier, lighter = set(ROWS[(circumstance, "heavier")]), set(ROWS[(circumstance, "lighter")])
    assert set(out["allowed_measures"]) == heavier | lighter
    assert set(out["measures_by_circumstance"][circumstance]) == heavier | lighter
    assert any("决定机关" in text and "第三十条" in text for text in texts(out, "29"))


@pytest.mark.parametrize("other", NON_ACCIDENT, ids=lambda c: f"art29-art30-{art(c)}-with-26.5")
@pytest.mark.parametrize("findings", ["aggravating", "both"])
def test_art29_aggravates_only_the_accident_circumstance_next_to_others(other, findings):
    out = run(circumstances=[other, "26.5"], **FINDINGS[findings])
    assert out["severity"] == ("heavier" if findings == "aggravating" else "conflict")
    accident_rows = ("heavier",) if findings == "aggravating" else ("heavier", "lighter")
    other_rows = ("standard",) if findings == "aggravating" else ("standard", "lighter")
    assert set(out["measures_by_circumstance"]["26.5"]) == {m for row in accident_rows for m in ROWS[("26.5", row)]}
    assert set(out["measures_by_circumstance"][other]) == {m for row in other_rows for m in ROWS[(other, row)]}
    assert not row_cited(out, other, "heavier"), "a non-accident circumstance never uses the heavier row"
    assert out["allowed_measures"] == union_in_seed_order(out["measures_by_circumstance"])


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({}, id="art29-art30-no-circumstance"),
        pytest.param({"circumstances": ["26.5"], "duties_fully_performed": True}, id="art29-art30-art31-exempted"),
        pytest.param({"circumstances": ["26.5"], "fault_tolerance": True}, id="art29-art30-art23-tolerated"),
        pytest.param({"circumstances": ["26.5", "26.6"], "fault_tolerance": True}, id="art29-art30-art23-tolerated-both"),
    ],
)
def test_art29_art30_severity_is_standard_when_nothing_is_pursued(fields):
    out = run(**fields, aggravating=["29.1"], mitigating=True)
    assert out["accountable"] is False
    assert out["severity"] == "standard"
    assert out["allowed_measures"] == []
    assert out["measures_by_circumstance"] == {}
    assert "29" not in out["citations"]
    assert "30" not in out["citations"]


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"circumstances": ["26.1"], "aggravating": ["29.4"]}, id="art29-26.1-alone"),
        pytest.param({"circumstances": ["26.2"], "aggravating": ["29.2"]}, id="art29-26.2-alone"),
        pytest.param({"circumstances": ["26.3"], "aggravating": ["29.3"]}, id="art29-26.3-alone"),
        pytest.param({"circumstances": ["26.4"], "aggravating": ["29.1"]}, id="art29-26.4-alone"),
        pytest.param({"circumstances": ["26.7"], "aggravating": SEED_AGGRAVATING}, id="art29-26.7-alone-all-items"),
        pytest.param({"circumstances": NON_ACCIDENT, "aggravating": ["29.1", "29.2"]}, id="art29-every-non-accident"),
        pytest.param(
            {"circumstances": ["26.5", "26.2"], "aggravating": ["29.1"], "duties_fully_performed": True},
            id="art29-after-art31-exempted-26.5",
        ),
        pytest.param(
            {"circumstances": ["26.5", "26.2"], "aggravating": ["29.1"], "fault_tolerance": True},
            id="art29-after-art23-tolerated-26.5",
        ),
        pytest.param(
            {"circumstances": ["26.6", "26.5", "26.3"], "aggravating": ["29.3"], "fault_tolerance": True},
            id="art29-after-art23-tolerated-26.5-26.6",
        ),
    ],
)
@pytest.mark.parametrize("mitigating", [False, True], ids=["art30-no", "art30-mitigating"])
def test_art29_aggravation_requires_leadership_responsibility_for_an_accident(fields, mitigating):
    out = run(**fields, mitigating=mitigating)
    assert out["accountable"] is True
    assert not set(out["measures_by_circumstance"]) & ACCIDENT
    # Not heavier, and so no conflict: standard, or lighter with remedial action (Art. 30).
    assert out["severity"] == ("lighter" if mitigating else "standard")
    # Art. 29 is cited to say why it does not apply, naming the items found, never "应当从重".
    assert "29" in out["citations"]
    explanations = texts(out, "29")
    assert explanations
    assert all("不据此从重" in text and "应当从重" not in text for text in explanations)
    assert not any("决定机关" in text for text in explanations)
    for code in fields["aggravating"]:
        assert any(f"（{code[-1]}）" in text for text in explanations)
    # Art. 31/23 removed the accident responsibility; every other circumstance stays pursued.
    pursued = [c for c in fields["circumstances"] if c not in ACCIDENT]
    assert out["measures_by_circumstance"] == expected_by_circumstance(pursued, {"mitigating": mitigating})
    for circumstance in pursued:
        assert not row_cited(out, circumstance, "heavier")


@pytest.mark.parametrize("circumstance", SEED_CIRCUMSTANCES, ids=lambda c: f"art30-{art(c)}")
def test_art30_mitigation_is_discretionary_so_standard_measures_stay_allowed(circumstance):
    out = run(circumstances=[circumstance], mitigating=True)
    assert out["severity"] == "lighter"
    standard, lighter = set(ROWS[(circumstance, "standard")]), set(ROWS[(circumstance, "lighter")])
    assert set(out["measures_by_circumstance"][circumstance]) == standard | lighter
    assert set(out["allowed_measures"]) == standard | lighter
    assert set(run(circumstances=[circumstance])["allowed_measures"]) <= set(out["allowed_measures"]), "nothing removed"
    assert all("可以" in text for text in texts(out, "30"))


@pytest.mark.parametrize("circumstance", sorted(ACCIDENT), ids=lambda c: f"art29-art30-{art(c)}")
def test_art29_art30_mitigation_never_removes_the_heavier_measures(circumstance):
    out = run(circumstances=[circumstance], aggravating=["29.1"], mitigating=True)
    heavier = run(circumstances=[circumstance], aggravating=["29.1"])
    assert set(heavier["allowed_measures"]) <= set(out["allowed_measures"])


# --- Article 32: lifelong accountability, and the retired cadre -------------------------------------


@pytest.mark.parametrize(
    "circumstance, status, action",
    [
        ("26.5", "in_office", "none"),
        ("26.5", "transferred", "transfer_materials"),
        ("26.5", "promoted", "transfer_materials"),
        ("26.5", "retired", "pursue_retired"),
        ("26.6", "in_office", "none"),
        ("26.6", "transferred", "transfer_materials"),
        ("26.6", "promoted", "transfer_materials"),
        ("26.6", "retired", "pursue_retired"),
    ],
    ids=lambda v: f"art32-{art(v)}" if v.startswith("26.") else v,
)
def test_art32_egregious_accident_responsibility_is_pursued_whatever_the_status(circumstance, status, action):
    out = run(circumstances=[circumstance], egregious=True, cadre_status=status)
    assert out["accountable"] is True
    assert out["veto"] == {"applies": True}
    assert out["lifelong"] == {"applies": True, "action": action}
    assert out["measures_by_circumstance"] == expected_by_circumstance([circumstance], {"cadre_status": status})
    assert "32" in out["citations"]
    assert any("终身追究" in text for text in texts(out, "32"))
    # Not egregious: no lifelong accountability, whatever the status; Art. 32 is cited only for a
    # retired cadre's measures.
    plain = run(circumstances=[circumstance], cadre_status=status)
    assert plain["lifelong"] == {"applies": False, "action": "none"}
    assert not any("终身追究" in text for text in texts(plain, "32"))
    assert ("32" in plain["citations"]) is (status == "retired")
    assert plain["measures_by_circumstance"] == out["measures_by_circumstance"]


def test_art32_default_status_is_in_office():
    assert run(circumstances=["26.5"], egregious=True)["lifelong"] == {"applies": True, "action": "none"}


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({}, id="art32-no-circumstance"),
        pytest.param({"circumstances": ["26.1"]}, id="art32-26.1"),
        pytest.param({"circumstances": ["26.2"]}, id="art32-26.2"),
        pytest.param({"circumstances": ["26.3"]}, id="art32-26.3"),
        pytest.param({"circumstances": ["26.4"]}, id="art32-26.4"),
        pytest.param({"circumstances": ["26.7"]}, id="art32-26.7"),
        pytest.param({"circumstances": ["26.5"], "duties_fully_performed": True}, id="art32-art31-exempted"),
        pytest.param({"circumstances": ["26.5", "26.2"], "duties_fully_performed": True}, id="art32-art31-exempted-26.2-remains"),
        pytest.param({"circumstances": ["26.5"], "fault_tolerance": True}, id="art32-art23-tolerated"),
        pytest.param({"circumstances": ["26.5", "26.2"], "fault_tolerance": True}, id="art32-art23-tolerated-26.2-remains"),
        pytest.param({"circumstances": ["26.6", "26.1"], "fault_tolerance": True}, id="art32-art23-tolerated-26.1-remains"),
    ],
)
@pytest.mark.parametrize("status", ["in_office", "retired"])
def test_art32_egregious_without_accident_responsibility_is_not_lifelong(fields, status):
    out = run(**fields, egregious=True, cadre_status=status)
    assert out["lifelong"] == {"applies": False, "action": "none"}
    assert any("不适用" in text and "终身追究" in text for text in texts(out, "32"))


@pytest.mark.parametrize(
    "circumstance, findings",
    [(c, f) for c in SEED_CIRCUMSTANCES for f in FINDINGS],
    ids=[f"art32-art27-retired-{art(c)}-{f}" for c in SEED_CIRCUMSTANCES for f in FINDINGS],
)
def test_art32_retired_cadre_keeps_no_organizational_measure(circumstance, findings):
    fields = FINDINGS[findings]
    out = run(circumstances=[circumstance], cadre_status="retired", **fields)
    in_office = run(circumstances=[circumstance], **fields)
    assert out["severity"] == in_office["severity"]
    assert out["veto"] == in_office["veto"]
    assert out["measures_by_circumstance"] == {
        c: without_organizational(measures) for c, measures in in_office["measures_by_circumstance"].items()
    }
    assert out["allowed_measures"] == without_organizational(in_office["allowed_measures"])
    assert out["measures_by_circumstance"][circumstance], "a retired cadre is still pursued (按照有关规定追究责任)"
    assert any("退休" in text and "组织处理" in text for text in texts(out, "32"))


def test_art32_retired_cadre_with_several_circumstances_keeps_no_organizational_measure_in_any():
    out = run(circumstances=SEED_CIRCUMSTANCES, aggravating=SEED_AGGRAVATING, mitigating=True, cadre_status="retired")
    assert out["measures_by_circumstance"] == expected_by_circumstance(
        SEED_CIRCUMSTANCES, FINDINGS["both"] | {"cadre_status": "retired"}
    )
    for measures in out["measures_by_circumstance"].values():
        assert measures
        assert not set(measures) & set(ORGANIZATIONAL)
    assert len([text for text in texts(out, "32") if "组织处理" in text]) == 1


@pytest.mark.parametrize("status", ["in_office", "transferred", "promoted"])
def test_art32_a_cadre_with_a_post_keeps_the_organizational_measures(status):
    out = run(circumstances=SEED_CIRCUMSTANCES, cadre_status=status)
    assert out["measures_by_circumstance"] == expected_by_circumstance(SEED_CIRCUMSTANCES)
    assert set(ORGANIZATIONAL) <= set(out["allowed_measures"])
    assert "32" not in out["citations"]


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({}, id="art32-retired-no-circumstance"),
        pytest.param({"circumstances": ["26.5"], "duties_fully_performed": True}, id="art32-retired-art31-exempted"),
        pytest.param({"circumstances": ["26.5"], "fault_tolerance": True}, id="art32-retired-art23-tolerated"),
    ],
)
def test_art32_retired_cadre_not_pursued_has_nothing_to_restrict(fields):
    out = run(**fields, cadre_status="retired")
    assert out["accountable"] is False
    assert out["measures_by_circumstance"] == {}
    assert "32" not in out["citations"]


# --- Article 23: fault tolerance, for accident responsibility only (26.5, 26.6) --------------------


@pytest.mark.parametrize("codes", [["26.5"], ["26.6"], ["26.5", "26.6"]], ids=lambda c: "art23-tolerated-" + "+".join(c))
def test_art23_fault_tolerance_for_accident_responsibility_is_tolerated(codes):
    out = run(circumstances=codes, fault_tolerance=True, egregious=True, aggravating=["29.1"])
    assert out["outcome"] == "tolerated"
    assert out["accountable"] is False
    assert out["severity"] == "standard"
    assert out["allowed_measures"] == []
    assert out["measures_by_circumstance"] == {}
    assert out["veto"] == {"applies": False}
    assert out["lifelong"] == {"applies": False, "action": "none"}
    assert "23" in out["citations"]
    explanations = texts(out, "23")
    assert any("予以容错" in text and all(f"（{c[-1]}）" in text for c in codes) for text in explanations)
    assert not any("不适用" in text for text in explanations)


@pytest.mark.parametrize(
    "accident", [["26.5"], ["26.6"], ["26.5", "26.6"]], ids=lambda c: "art23-art28-art32-tolerated-" + "+".join(c)
)
@pytest.mark.parametrize("other", NON_ACCIDENT, ids=lambda c: f"{art(c)}-remains")
def test_art23_tolerance_removes_only_the_accident_circumstances(accident, other):
    out = run(
        circumstances=accident + [other], fault_tolerance=True, egregious=True, cadre_status="retired", aggravating=["29.1"]
    )
    assert out["accountable"] is True
    assert out["outcome"] == "accountable"
    # The rest is pursued as if alone: standard (Art. 29 has no accident to aggravate), retired.
    assert out["severity"] == "standard"
    assert out["measures_by_circumstance"] == expected_by_circumstance([other], {"cadre_status": "retired"})
    assert out["allowed_measures"] == out["measures_by_circumstance"][other]
    # The tolerated accident responsibility brings neither the veto (Art. 28) nor lifelong accountability (Art. 32).
    assert out["veto"] == {"applies": False}
    assert out["lifelong"] == {"applies": False, "action": "none"}
    explanations = texts(out, "23")
    assert any("予以容错" in text and all(f"（{c[-1]}）" in text for c in accident) for text in explanations)
    assert any("不适用" in text and f"（{other[-1]}）" in text for text in explanations)


@pytest.mark.parametrize("code", NON_ACCIDENT, ids=lambda c: f"art23-{art(c)}-without-accident")
def test_art23_fault_tolerance_is_limited_to_accidents(code):
    out = run(circumstances=[code], fault_tolerance=True)
    plain = run(circumstances=[code])
    assert out["outcome"] == "accountable"
    for key in ("accountable", "severity", "allowed_measures", "measures_by_circumstance", "veto", "lifelong"):
        assert out[key] == plain[key]
    explanations = texts(out, "23")
    assert explanations
    assert all("不适用" in text and f"（{code[-1]}）" in text for text in explanations)


def test_art23_fault_tolerance_with_nothing_to_tolerate_is_not_pursued():
    out = run(fault_tolerance=True)
    assert out["outcome"] == "not_pursued"
    assert "23" not in out["citations"]


def test_art23_art31_exemption_comes_first():
    out = run(circumstances=["26.5"], duties_fully_performed=True, fault_tolerance=True)
    assert out["outcome"] == "not_pursued"
    assert "31" in out["citations"]
    assert "23" not in out["citations"]


def test_art23_art31_tolerance_after_exemption_covers_nothing_else():
    out = run(circumstances=["26.5", "26.3"], duties_fully_performed=True, fault_tolerance=True)
    assert out["outcome"] == "accountable"
    assert out["measures_by_circumstance"] == expected_by_circumstance(["26.3"])
    assert all("不适用" in text for text in texts(out, "23"))


# --- Output shape, citations, determinism (PRODUCT §2) ---------------------------------------------

SHAPE_SCENARIOS = {
    "art26-accountable": {"circumstances": ["26.5"]},
    "art26-not-pursued": {},
    "art23-tolerated": {"circumstances": ["26.5"], "fault_tolerance": True},
    "art23-partly-tolerated": {"circumstances": ["26.5", "26.6", "26.4"], "fault_tolerance": True, "aggravating": ["29.2"]},
    "art31-exempted": {"circumstances": ["26.5", "26.3"], "duties_fully_performed": True},
    "art29-art30-conflict": {"circumstances": ["26.1", "26.6"], "aggravating": ["29.1", "29.4"], "mitigating": True},
    "art29-not-applicable": {"circumstances": ["26.2", "26.3"], "aggravating": ["29.1"]},
    "art32-retired": {"circumstances": ["26.2", "26.5"], "cadre_status": "retired", "mitigating": True},
    "art32-art27-everything": {
        "circumstances": SEED_CIRCUMSTANCES,
        "aggravating": SEED_AGGRAVATING,
        "suspected_crime": True,
        "egregious": True,
        "cadre_status": "promoted",
    },
}


@pytest.mark.parametrize("scenario", list(SHAPE_SCENARIOS), ids=str)
def test_art26_to_33_output_shape_and_citations(scenario):
    out = run(**SHAPE_SCENARIOS[scenario])
    assert set(out) == OUTPUT_KEYS
    assert isinstance(out["accountable"], bool)
    assert out["outcome"] in {"accountable", "not_pursued", "tolerated"}
    assert out["severity"] in {"heavier", "standard", "lighter", "conflict"}
    assert isinstance(out["allowed_measures"], list)
    assert isinstance(out["measures_by_circumstance"], dict)
    if out["accountable"]:
        assert out["measures_by_circumstance"]
        assert set(out["measures_by_circumstance"]) <= set(SHAPE_SCENARIOS[scenario]["circumstances"])
        assert list(out["measures_by_circumstance"]) == [c for c in SEED_CIRCUMSTANCES if c in out["measures_by_circumstance"]]
        for measures in out["measures_by_circumstance"].values():
            assert isinstance(measures, list)
            assert measures
            assert measures == [m for m in ART27_CODES if m in measures]
    else:
        assert out["measures_by_circumstance"] == {}
    assert out["allowed_measures"] == union_in_seed_order(out["measures_by_circumstance"])
    assert isinstance(out["crime_referral"], bool)
    assert set(out["veto"]) == {"applies"}
    assert set(out["lifelong"]) == {"applies", "action"}
    assert out["lifelong"]["action"] in {"none", "transfer_materials", "pursue_retired"}
    assert out["policy_version"] == POLICY.version
    assert out["explanation"]
    for item in out["explanation"]:
        assert set(item) == {"article", "text"}
        assert item["article"]
        assert HAN.search(item["text"]), item
    # Every conclusion is cited, and nothing is cited without saying why.
    assert out["citations"]
    assert len(out["citations"]) == len(set(out["citations"]))
    assert set(out["citations"]) == {item["article"] for item in out["explanation"]}
    # What a case stores is JSON: the output survives a round trip unchanged, order included.
    again = json.loads(json.dumps(out, ensure_ascii=False))
    assert again == out
    assert list(again["measures_by_circumstance"]) == list(out["measures_by_circumstance"])


@pytest.mark.parametrize("scenario", list(SHAPE_SCENARIOS), ids=str)
def test_art26_to_33_same_input_gives_same_output_and_is_not_mutated(scenario):
    data = {"circumstances": [], "conduct_date": DATE, **SHAPE_SCENARIOS[scenario]}
    before = copy.deepcopy(data)
    first, second = assess(data, POLICY), assess(copy.deepcopy(data), POLICY)
    assert first == second
    assert data == before
    assert assess(parse_input(data), POLICY) == first


@pytest.mark.parametrize(
    "codes, aggravating",
    [
        (["26.5", "26.2", "26.1"], ["29.3", "29.1"]),
        (["26.7", "26.6", "26.5", "26.4", "26.3", "26.2", "26.1"], ["29.4", "29.3", "29.2", "29.1"]),
        (["26.6", "26.4", "26.6"], ["29.2", "29.1", "29.2"]),
    ],
    ids=["art26-art29-reversed", "art26-art29-all-reversed", "art26-art29-with-repeats"],
)
def test_art26_art29_input_order_does_not_change_the_output(codes, aggravating):
    normalized = sorted(set(codes)), sorted(set(aggravating))
    for extra in (
        {},
        {"mitigating": True},
        {"egregious": True, "cadre_status": "transferred", "suspected_crime": True},
        {"fault_tolerance": True, "cadre_status": "retired"},
    ):
        given_order = run(circumstances=codes, aggravating=aggravating, **extra)
        seed_order = run(circumstances=normalized[0], aggravating=normalized[1], **extra)
        assert given_order == seed_order
        assert list(given_order["measures_by_circumstance"]) == list(seed_order["measures_by_circumstance"])


# --- Property: the invariants hold for any valid input ---------------------------------------------

valid_inputs = st.fixed_dictionaries(
    {
        "circumstances": st.lists(st.sampled_from(SEED_CIRCUMSTANCES), max_size=9),
        "conduct_date": st.dates(min_value=dt.date(2021, 6, 11)).map(lambda d: d.isoformat()),
    },
    optional={
        "aggravating": st.lists(st.sampled_from(SEED_AGGRAVATING), max_size=5),
        "mitigating": st.booleans(),
        "duties_fully_performed": st.booleans(),
        "fault_tolerance": st.booleans(),
        "suspected_crime": st.booleans(),
        "egregious": st.booleans(),
        "cadre_status": st.sampled_from(["in_office", "transferred", "promoted", "retired"]),
    },
).map(
    # Full performance of duties (Art. 31) contradicts 26.1 and 26.6 (duties not performed): that
    # input is an error, tested above; keep the generated inputs valid.
    lambda d: (
        {**d, "circumstances": [c for c in d["circumstances"] if c not in CONTRADICT_FULL_PERFORMANCE]}
        if d.get("duties_fully_performed")
        else d
    )
)


@settings(max_examples=300, deadline=None)
@given(valid_inputs)
def test_art23_art26_to_33_invariants_hold_for_any_valid_input(data):
    out = assess(data, POLICY)
    circumstances = set(data["circumstances"])
    # Art. 31 removes 26.5; Art. 23 then removes what is left of 26.5 and 26.6; the rest is pursued.
    remaining = circumstances - ({"26.5"} if data.get("duties_fully_performed") else set())
    tolerated = remaining & ACCIDENT if data.get("fault_tolerance") else set()
    pursued = remaining - tolerated
    status = data.get("cadre_status", "in_office")
    by_circumstance = out["measures_by_circumstance"]

    assert set(out) == OUTPUT_KEYS
    assert out["policy_version"] == POLICY.version
    # Every conclusion cited; citations and explanation agree.
    assert out["citations"]
    assert set(out["citations"]) == {item["article"] for item in out["explanation"]}
    assert all(HAN.search(item["text"]) for item in out["explanation"])
    # Art. 26: the circumstances found are cited.
    assert circumstances <= set(out["citations"])
    # Art. 23/26/31: accountable exactly when something is left to pursue; tolerated when Art. 23
    # took the last of it.
    assert out["accountable"] is bool(pursued)
    assert out["outcome"] == ("accountable" if pursued else "tolerated" if tolerated else "not_pursued")
    assert out["accountable"] is (out["outcome"] == "accountable")
    # Neither Art. 23 nor Art. 31 ever excuses a circumstance other than accident responsibility.
    assert circumstances - ACCIDENT <= pursued
    assert ("23" in out["citations"]) is bool(data.get("fault_tolerance") and remaining)
    # Art. 27: per pursued circumstance, in the seed's order, the rows the findings open; the
    # allowed measures are their union, in the seed's order.
    assert list(by_circumstance) == [c for c in SEED_CIRCUMSTANCES if c in pursued]
    assert by_circumstance == expected_by_circumstance(pursued, data)
    assert all(by_circumstance.values()), "every pursued circumstance can be answered"
    assert out["allowed_measures"] == union_in_seed_order(by_circumstance)
    assert set(out["allowed_measures"]) <= set(ART27_CODES)
    assert any(SEVERAL_CIRCUMSTANCES_ZH in text for text in texts(out, "27")) is (len(pursued) > 1)
    if not out["accountable"]:
        assert by_circumstance == {}
        assert out["allowed_measures"] == []
        assert out["severity"] == "standard"
    # Art. 27: a suspected crime is referred, whatever else holds; nothing else is.
    assert out["crime_referral"] is bool(data.get("suspected_crime"))
    # Art. 29/30: severity follows the findings; heavier only with accident responsibility pursued.
    if out["accountable"]:
        assert out["severity"] == expected_severity(pursued, data)
    if out["severity"] in ("heavier", "conflict"):
        assert pursued & ACCIDENT
        assert data.get("aggravating")
    assert ("29" in out["citations"]) is bool(out["accountable"] and data.get("aggravating"))
    assert ("30" in out["citations"]) is bool(out["accountable"] and data.get("mitigating"))
    if "29" in out["citations"]:
        assert any("应当从重" in text for text in texts(out, "29")) is bool(pursued & ACCIDENT)
        assert any("不据此从重" in text for text in texts(out, "29")) is not bool(pursued & ACCIDENT)
    for circumstance in pursued - ACCIDENT:
        assert not row_cited(out, circumstance, "heavier")
    # Art. 32: a retired cadre keeps no organizational measure, and is told why.
    if status == "retired":
        assert not set(out["allowed_measures"]) & set(ORGANIZATIONAL)
    assert any("组织处理" in text for text in texts(out, "32")) is bool(out["accountable"] and status == "retired")
    # Art. 28: the veto follows pursued accident responsibility (not exempted, not tolerated).
    assert out["veto"]["applies"] is bool(pursued & ACCIDENT)
    if out["veto"]["applies"]:
        assert out["accountable"] is True
        assert set(by_circumstance) & ACCIDENT
    assert out["veto"]["applies"] is ("28" in out["citations"])
    # Art. 32: lifelong accountability exactly for an egregious case under the veto.
    assert out["lifelong"]["applies"] is bool(out["veto"]["applies"] and data.get("egregious"))
    if out["lifelong"]["applies"]:
        action = {"transferred": "transfer_materials", "promoted": "transfer_materials", "retired": "pursue_retired"}.get(
            status, "none"
        )
        assert out["lifelong"]["action"] == action
    else:
        assert out["lifelong"]["action"] == "none"
    # Deterministic, and the order of the codes does not matter.
    shuffled = {**data, "circumstances": list(reversed(data["circumstances"]))}
    if "aggravating" in data:
        shuffled["aggravating"] = list(reversed(data["aggravating"]))
    assert assess(shuffled, POLICY) == out


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=8).filter(lambda s: s not in SEED_CIRCUMSTANCES))
def test_art26_any_unknown_circumstance_code_is_rejected_naming_it(code):
    error = input_error({"circumstances": ["26.5", code], "conduct_date": DATE})
    assert error.field == "circumstances"
    assert names_as_unknown(error, code)
