"""Engine 1, frozen for replay (cases.rules.engine_v1): stored assessments made before rulebooks
replay with it exactly, so its answers stay pinned here. Engine 2 is tested in test_engine2_*.py.

The rule engine as a pure function (PRODUCT §2; seed Articles 23, 26–33). No database.

Every test name or parametrize id names the article it checks. Expected measures are read from the
policy table itself (``DEFAULT_RULES``), never retyped here: a policy edit does not break these
tests, a wrong lookup does. The seed's own words for Articles 26 and 27 are quoted so the
codes can be checked against them (in _rules_engine_helpers.py, shared with
test_rules_engine_severity.py for Articles 28, 29–30, 32, 23 and test_rules_engine_output.py for
the output shape and the invariants).

How the findings open policy rows, per pursued circumstance (``ONE_CIRCUMSTANCE`` in the helpers):
Art. 29 (应当从重) needs leadership responsibility for an accident (26.5, 26.6) and replaces the
standard row by the heavier one for those circumstances only; Art. 30 (可以从轻、减轻) adds the
lighter row and removes nothing; a retired cadre (Art. 32 "已退休的，按照有关规定追究责任") keeps no
organizational measure. ``allowed_measures`` is the union of ``measures_by_circumstance``.

Tests marked ``xfail(strict=True, reason="BUG: …")`` record places where the engine disagrees with
the seed text; they are left for the owners of the engine to decide, not fixed here.
"""

from __future__ import annotations

import datetime as dt

import pytest

from cases.codes import MEASURE_ORDER, ORGANIZATIONAL_MEASURES
from cases.rules import engine_v1 as engine
from cases.rules.engine_v1 import assess, parse_input
from cases.rules.policy_v1 import default_snapshot, policy_from_snapshot, snapshot
from cases.tests._rules_engine_helpers import (
    ACCIDENT,
    ART27_CODES,
    ART27_LABELS,
    CONTRADICT_FULL_PERFORMANCE,
    DATE,
    FINDINGS,
    NON_ACCIDENT,
    ONE_CIRCUMSTANCE,
    ORGANIZATIONAL,
    POLICY,
    ROW_SEVERITIES,
    ROWS,
    SEED_AGGRAVATING,
    SEED_CIRCUMSTANCES,
    SEVERAL_CIRCUMSTANCES_ZH,
    art,
    expected_by_circumstance,
    expected_measures,
    expected_severity,
    input_error,
    names_as_unknown,
    row_cited,
    rows_opened,
    run,
    texts,
    union_in_seed_order,
)

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
