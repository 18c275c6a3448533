"""Engine 1, frozen for replay (cases.rules.engine_v1): stored assessments made before rulebooks
replay with it exactly, so its answers stay pinned here. Engine 2 is tested in test_engine2_*.py.

The rule engine's output (PRODUCT §2; seed Articles 23, 26–33): its shape, citations and determinism,
and the invariants that hold for any valid input (hypothesis). No database.

The shared expectations are in _rules_engine_helpers.py.
"""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.rules.engine_v1 import assess, parse_input
from cases.tests._rules_engine_helpers import (
    ACCIDENT,
    ART27_CODES,
    CONTRADICT_FULL_PERFORMANCE,
    DATE,
    HAN,
    ORGANIZATIONAL,
    OUTPUT_KEYS,
    POLICY,
    SEED_AGGRAVATING,
    SEED_CIRCUMSTANCES,
    SEVERAL_CIRCUMSTANCES_ZH,
    expected_by_circumstance,
    expected_severity,
    input_error,
    names_as_unknown,
    row_cited,
    run,
    texts,
    union_in_seed_order,
)

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
