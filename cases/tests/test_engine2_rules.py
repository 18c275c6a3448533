"""Engine 2 as a pure function over the bundled rulebooks (issue 13). No database.

Expected measures and sanction grades are read from the rulebook files themselves
(``rulebooks/data/*.yaml``), never retyped: a policy edit does not break these tests, a wrong
lookup does. Real accidents' published outcomes (research in docs/rules.md) must fall inside
what the engine allows for their grade.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cases.rules.engine import (
    ACCIDENT_RESPONSIBILITY,
    GOV_SANCTIONS,
    PARTY_SANCTIONS,
    AssessmentInputError,
    assess,
    choose_lighter,
    lighter_than,
)
from cases.rules.policy import missing_rows, policy_from_snapshot
from rulebooks.content import bundled, merge

BOOKS = {book["code"]: book for book in bundled()}
ORGANIZATIONAL = {"suspension", "reassignment", "ordered_resignation", "demotion", "dismissal"}


def effective(code: str, **override: Any) -> dict[str, Any]:
    chain = []
    book: dict[str, Any] | None = BOOKS[code]
    while book is not None:
        chain.insert(0, book)
        book = BOOKS.get(book.get("parent") or "")
    return merge(chain)


def policy(code: str, content: dict[str, Any] | None = None):
    book = BOOKS[code]
    meta = {"code": code, "version": 1, "title": book["title"], "jurisdiction": None, "valid_from": book["valid_from"]}
    return policy_from_snapshot({"engine": 2, "version": f"{code}@test", "meta": meta, "content": content or effective(code)})


NATIONAL, PINGLUO, HUINONG = policy("national-2018"), policy("pingluo-2021"), policy("huinong")


def run(pol, **fields):
    return assess({"circumstances": [], "conduct_date": "2022-03-01", **fields}, pol)


def rows(code: str, circumstance: str, severity: str, grade: str = "") -> dict[str, Any]:
    content = effective(code)
    exact = [
        r
        for r in content["measures"]
        if (r["circumstance"], r["severity"], r.get("grade", "")) == (circumstance, severity, grade)
    ]
    if exact:
        return exact[0]
    return next(
        r for r in content["measures"] if (r["circumstance"], r["severity"], r.get("grade", "")) == (circumstance, severity, "")
    )


def circumstances_of(code: str) -> list[str]:
    return [c for c in ("26.1", "26.2", "26.3", "26.4", "26.5", "26.6", "26.7") if c in effective(code)["articles"]]


# --- every rulebook can answer every finding it knows -----------------------------------------


@pytest.mark.parametrize("code", sorted(BOOKS))
def test_every_bundled_rulebook_has_every_row_the_engine_needs(code):
    assert missing_rows(effective(code)) == []


def test_the_national_rules_know_five_circumstances_and_the_county_seven():
    # 第十八条: five; the county adds (三) 说情、打招呼 and (六) 打非治违不力 (docs/rules.md).
    assert circumstances_of("national-2018") == ["26.1", "26.2", "26.4", "26.5", "26.7"]
    assert circumstances_of("pingluo-2021") == ["26.1", "26.2", "26.3", "26.4", "26.5", "26.6", "26.7"]
    assert circumstances_of("huinong") == circumstances_of("national-2018")


# --- the measures table, per rulebook ------------------------------------------------------------

CASES = [
    (code, circumstance, grade)
    for code in sorted(BOOKS)
    for circumstance in circumstances_of(code)
    for grade in (["", "general", "larger", "major", "especially_major"] if circumstance in ACCIDENT_RESPONSIBILITY else [""])
]


@pytest.mark.parametrize(("code", "circumstance", "grade"), CASES)
def test_standard_severity_opens_the_standard_row(code, circumstance, grade):
    pol = policy(code)
    out = run(pol, circumstances=[circumstance], **({"accident_grade": grade} if grade else {}))
    row = rows(code, circumstance, "standard", grade)
    assert out["severity"] == "standard"
    assert set(out["allowed_measures"]) == set(row["measures"])
    assert set(out["allowed_sanctions"]) == set(row["sanctions"])


@pytest.mark.parametrize(("code", "circumstance", "grade"), CASES)
def test_mitigation_keeps_the_range_and_opens_the_step_below_it(code, circumstance, grade):
    """Art. 30 从轻、减轻 ("可以"): 从轻 is within the range, 减轻 one step below it."""
    out = run(policy(code), circumstances=[circumstance], mitigating=True, **({"accident_grade": grade} if grade else {}))
    standard, reduced, lighter = (rows(code, circumstance, s, grade) for s in ("standard", "reduced", "lighter"))
    assert out["severity"] == "lighter"
    assert set(out["allowed_measures"]) == set(standard["measures"]) | set(reduced["measures"])
    assert set(lighter["measures"]) <= set(standard["measures"]), "从轻 narrows within the range"
    assert not set(reduced["measures"]) & set(standard["measures"]), "减轻 lies below the range"
    assert any(item["article"] == "30" and "从轻时宜在幅度以内选择" in item["text"] for item in out["explanation"])


@pytest.mark.parametrize(("code", "circumstance", "grade"), [c for c in CASES if c[1] in ACCIDENT_RESPONSIBILITY])
def test_aggravation_of_accident_responsibility_removes_the_lightest_options(code, circumstance, grade):
    out = run(policy(code), circumstances=[circumstance], aggravating=["29.1"], **({"accident_grade": grade} if grade else {}))
    standard, heavier = rows(code, circumstance, "standard", grade), rows(code, circumstance, "heavier", grade)
    assert out["severity"] == "heavier"
    assert set(out["allowed_measures"]) == set(heavier["measures"])
    assert "notice" not in out["allowed_measures"]
    assert set(heavier["measures"]) <= set(standard["measures"]), "从重 is the heavier part of the range"
    assert set(out["allowed_sanctions"]) <= set(standard["sanctions"]) and "party_warning" not in out["allowed_sanctions"]


def test_26_2_and_26_3_mitigated_reach_a_notice_below_their_range():
    for circumstance in ("26.2", "26.3"):
        assert "notice" not in run(PINGLUO, circumstances=[circumstance])["allowed_measures"]
        assert "notice" in run(PINGLUO, circumstances=[circumstance], mitigating=True)["allowed_measures"]


def test_the_accident_grade_changes_the_answer():
    general = run(PINGLUO, circumstances=["26.5"], accident_grade="general")
    worst = run(PINGLUO, circumstances=["26.5"], accident_grade="especially_major", aggravating=["29.1"])
    assert "dismissal" not in general["allowed_measures"] and "notice" in general["allowed_measures"]
    assert "notice" not in worst["allowed_measures"] and "admonishment" not in worst["allowed_measures"]
    assert "gov_removal" not in general["allowed_sanctions"] and "gov_removal" in worst["allowed_sanctions"]
    assert "party_warning" not in worst["allowed_sanctions"]


# --- published outcomes of real accidents fall inside the allowed answer --------------------------

REAL = [
    # accident, grade, person, measures, sanctions (docs/rules.md, "Real accidents")
    ("响水 3·21", "especially_major", "县委书记", ["dismissal", "sanction"], ["party_warning"]),
    ("响水 3·21", "especially_major", "县长", ["sanction"], ["party_removal_from_post", "gov_removal"]),
    ("长沙 4·29", "especially_major", "区领导", ["dismissal", "sanction"], ["party_serious_warning"]),
    ("长沙 4·29", "especially_major", "王伟胜", ["sanction"], ["party_probation_1y", "gov_removal"]),
    ("银川 6·21", "especially_major", "陈春平", ["sanction"], ["party_warning"]),
    ("栖霞 1·10", "major", "烟台市委书记", ["admonishment"], []),
    ("栖霞 1·10", "major", "烟台市长", ["sanction"], ["gov_warning"]),
    ("十堰 6·13", "major", "34 名公职人员", ["dismissal"], []),
]


@pytest.mark.parametrize(("accident", "grade", "person", "measures", "sanctions"), REAL, ids=[f"{r[0]}-{r[2]}" for r in REAL])
def test_published_outcomes_are_within_the_range(accident, grade, person, measures, sanctions):
    for pol in (NATIONAL, PINGLUO):
        out = run(pol, circumstances=["26.5"], accident_grade=grade)
        assert set(measures) <= set(out["allowed_measures"]), (accident, person)
        assert set(sanctions) <= set(out["allowed_sanctions"]), (accident, person)


# --- several circumstances: what answers every one --------------------------------------------


def test_with_several_circumstances_allowed_measures_answer_every_one():
    out = run(PINGLUO, circumstances=["26.1", "26.5"], aggravating=["29.1"])
    assert out["severity"] == "heavier"
    assert "notice" not in out["allowed_measures"], "a notice alone does not answer aggravated accident responsibility"
    assert "notice" in out["combinable_measures"], "it may still be combined, for 26.1"
    for measure in out["allowed_measures"]:
        assert all(measure in ms for ms in out["measures_by_circumstance"].values())
    assert set(out["combinable_measures"]) == {m for ms in out["measures_by_circumstance"].values() for m in ms}


# --- Art. 32 before Arts. 23 and 31 -------------------------------------------------------------


# (26.6 with full performance is refused on its own: 打非治违不力 is a duty not performed.)
@pytest.mark.parametrize(
    ("claim", "circumstance"), [("fault_tolerance", "26.5"), ("fault_tolerance", "26.6"), ("duties_fully_performed", "26.5")]
)
def test_egregious_accident_responsibility_is_never_tolerated_or_exempted(claim, circumstance):
    with pytest.raises(AssessmentInputError) as caught:
        run(PINGLUO, circumstances=[circumstance], egregious=True, **{claim: True})
    assert caught.value.field == claim
    assert "第三十二条" in caught.value.message and "都应当严格追究" in caught.value.message


def test_egregious_responsibility_under_the_national_rules_cites_its_article_24():
    with pytest.raises(AssessmentInputError) as caught:
        run(NATIONAL, circumstances=["26.5"], egregious=True, duties_fully_performed=True)
    assert "第二十四条" in caught.value.message


def test_without_egregious_the_exemption_and_tolerance_still_work():
    assert run(PINGLUO, circumstances=["26.5"], duties_fully_performed=True)["outcome"] == "not_pursued"
    assert run(PINGLUO, circumstances=["26.5"], fault_tolerance=True)["outcome"] == "tolerated"


# --- Art. 31: three conditions ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "exempted"),
    [
        ({"duties": True, "statutory": True, "deployments": True}, True),
        ({"duties": True, "statutory": True, "deployments": False}, False),
        ({"duties": False, "statutory": True, "deployments": True}, False),
        ({"duties": True, "statutory": False, "deployments": True}, False),
        ({}, False),
    ],
)
def test_art31_exempts_only_when_all_three_conditions_are_established(parts, exempted):
    out = run(PINGLUO, circumstances=["26.5"], full_performance=parts)
    assert (out["outcome"] == "not_pursued") is exempted
    if not exempted and any(parts.values()):
        assert any(item["article"] == "31" and "尚未认定" in item["text"] for item in out["explanation"])


def test_duties_fully_performed_must_agree_with_the_three_conditions():
    with pytest.raises(AssessmentInputError) as caught:
        run(PINGLUO, circumstances=["26.5"], duties_fully_performed=True, full_performance={"duties": True})
    assert caught.value.field == "duties_fully_performed"


# --- retired cadres (政务处分法第二十七条) --------------------------------------------------------


@pytest.mark.parametrize("pol", [NATIONAL, PINGLUO], ids=["national", "pingluo"])
def test_a_retired_cadre_gets_no_government_sanction_and_no_organizational_measure(pol):
    out = run(pol, circumstances=["26.5"], cadre_status="retired", accident_grade="major")
    assert not set(out["allowed_measures"]) & ORGANIZATIONAL
    assert not set(out["allowed_sanctions"]) & set(GOV_SANCTIONS)
    assert set(out["allowed_sanctions"]) & set(PARTY_SANCTIONS), "Party discipline still applies"
    assert any("政务处分法》第二十七条" in item["text"] for item in out["explanation"])


# --- the rulebook's own articles --------------------------------------------------------------


def test_citations_use_the_applied_rulebooks_own_numbers():
    national = run(NATIONAL, circumstances=["26.5"], aggravating=["29.1"], egregious=True, cadre_status="transferred")
    county = run(PINGLUO, circumstances=["26.5"], aggravating=["29.1"], egregious=True, cadre_status="transferred")
    cites = {item["article"]: item["cite"] for item in national["explanation"]}
    assert cites["26.5"] == "第十八条第（四）项" and cites["28"] == "第二十条" and cites["32"] == "第二十四条"
    assert not any("第二十六条" in item["text"] for item in national["explanation"])
    county_cites = {item["article"]: item["cite"] for item in county["explanation"]}
    assert county_cites["26.5"] == "第二十六条第（五）项" and county_cites["32"] == "第三十二条"
    assert national["rulebook"]["code"] == "national-2018" and county["rulebook"]["code"] == "pingluo-2021"
    # The national 第二十四条 has no material transfer; the county's 第三十二条 does.
    assert any("本规则未规定材料移送" in item["text"] for item in national["explanation"])
    assert not any("本规则未规定材料移送" in item["text"] for item in county["explanation"])


def test_a_circumstance_the_rulebook_lacks_is_an_error_naming_it():
    with pytest.raises(AssessmentInputError) as caught:
        run(NATIONAL, circumstances=["26.3"])
    assert caught.value.field == "circumstances" and "national-2018" in caught.value.message and "26.7" in caught.value.english
    with pytest.raises(AssessmentInputError) as caught:
        run(NATIONAL, circumstances=["26.5"], aggravating=["29.3"])
    assert caught.value.field == "aggravating"


def test_the_national_rules_have_no_fault_tolerance():
    with pytest.raises(AssessmentInputError) as caught:
        run(NATIONAL, circumstances=["26.5"], fault_tolerance=True)
    assert caught.value.field == "fault_tolerance" and "容错" in caught.value.message


def test_a_future_conduct_date_is_refused():
    with pytest.raises(AssessmentInputError) as caught:
        assess({"circumstances": ["26.5"], "conduct_date": "2030-01-01"}, PINGLUO, today=dt.date(2026, 12, 1))
    assert caught.value.field == "conduct_date" and "2030-01-01" in caught.value.message


# --- the veto: no invented floor ----------------------------------------------------------------


def test_the_veto_has_no_floor_unless_the_rulebook_states_one():
    assert run(PINGLUO, circumstances=["26.5"])["veto"] == {"applies": True, "floor_months": None}
    content = effective("pingluo-2021")
    content["veto"] = {"floor_months": 12, "cite": "测试：某规则规定一年内"}
    out = run(policy("pingluo-2021", content), circumstances=["26.5"])
    assert out["veto"] == {"applies": True, "floor_months": 12}
    assert any(item["article"] == "28" and "至少12个月" in item["text"] for item in out["explanation"])


# --- 从旧兼从轻 -----------------------------------------------------------------------------------


def lighter_pingluo() -> Any:
    content = effective("pingluo-2021")
    content["measures"] = [
        {**r, "measures": ["notice", "admonishment"], "sanctions": []}
        if (r["circumstance"], r["severity"]) == ("26.5", "standard")
        else r
        for r in content["measures"]
    ]
    return policy("pingluo-2021", content)


def test_a_later_lighter_rulebook_applies_and_both_are_named():
    old = run(NATIONAL, circumstances=["26.5"], conduct_date="2019-05-01")
    new = run(lighter_pingluo(), circumstances=["26.5"], conduct_date="2019-05-01")
    assert lighter_than(new, old) and not lighter_than(old, new)
    chosen = choose_lighter(old, new)
    assert chosen["rulebook"]["code"] == "pingluo-2021"
    assert chosen["allowed_measures"] == ["notice", "admonishment"]
    assert chosen["rulebook_comparison"]["applied"] == "current"
    assert "national-2018" in chosen["explanation"][-1]["text"] and "pingluo-2021" in chosen["explanation"][-1]["text"]


def test_a_later_rulebook_that_is_not_lighter_leaves_the_old_one():
    old = run(NATIONAL, circumstances=["26.5"], conduct_date="2019-05-01")
    new = run(PINGLUO, circumstances=["26.5"], conduct_date="2019-05-01")
    chosen = choose_lighter(old, new)
    assert chosen["rulebook"]["code"] == "national-2018"
    assert chosen["rulebook_comparison"]["applied"] == "at_conduct"


def test_not_accountable_is_lighter_than_any_measure():
    accountable = run(PINGLUO, circumstances=["26.5"])
    exempt = run(PINGLUO, circumstances=["26.5"], duties_fully_performed=True)
    assert lighter_than(exempt, accountable) and not lighter_than(accountable, exempt)
