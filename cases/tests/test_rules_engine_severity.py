"""Engine 1, frozen for replay (cases.rules.engine_v1): stored assessments made before rulebooks
replay with it exactly, so its answers stay pinned here. Engine 2 is tested in test_engine2_*.py.

The rule engine as a pure function, continued (seed Articles 28, 29–30, 32 and 23): the veto,
heavier and lighter severity, lifelong accountability and the retired cadre, fault tolerance. No database.

See test_rules_engine.py for how the findings open policy rows; the shared expectations are in
_rules_engine_helpers.py.
"""

from __future__ import annotations

import pytest

from cases.tests._rules_engine_helpers import (
    ACCIDENT,
    FINDINGS,
    NON_ACCIDENT,
    ORGANIZATIONAL,
    ROWS,
    SEED_AGGRAVATING,
    SEED_CIRCUMSTANCES,
    art,
    expected_by_circumstance,
    expected_measures,
    row_cited,
    run,
    texts,
    union_in_seed_order,
    without_organizational,
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
