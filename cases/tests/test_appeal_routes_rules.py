"""Appeal routes as tables (issue 14 item 5): the routes each decided measure opens, the stages of
each route with who decides them and which limits apply, and the policy rows that set the limits,
each figure with its citation and verification (docs/appeals.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.codes import Measure, SanctionKind
from cases.models import DeadlinePolicy
from cases.rules import appeals as rules

ACC, PARTY, GOV, CIVIL = "accountability", "party_discipline", "government_sanction", "civil_service"
PARTY_KINDS = [
    "party_warning",
    "party_serious_warning",
    "party_removal_from_post",
    "party_probation_1y",
    "party_probation_2y",
    "party_expulsion",
]
GOV_KINDS = ["gov_warning", "gov_demerit", "gov_major_demerit", "gov_demotion_in_grade", "gov_removal", "gov_expulsion"]

# measure, sanction kind, routes it opens
ROUTES_BY_MEASURE = [
    ("notice", "", (ACC,)),
    ("admonishment", "", (ACC,)),
    ("suspension", "", (ACC,)),
    ("reassignment", "", (ACC,)),
    ("ordered_resignation", "", (ACC,)),
    ("demotion", "", (ACC, CIVIL)),  # 公务员法第九十五条（三）降职
    ("dismissal", "", (ACC, CIVIL)),  # 公务员法第九十五条（五）免职
    *[("sanction", k, (PARTY,)) for k in PARTY_KINDS],
    *[("sanction", k, (GOV,)) for k in GOV_KINDS],
]


@pytest.mark.parametrize(("measure", "kind", "routes"), ROUTES_BY_MEASURE)
def test_the_routes_a_measure_opens(measure, kind, routes):
    assert rules.routes_of(measure, kind) == routes


def test_the_table_covers_every_measure_and_sanction_kind():
    expected = {(m, "") for m in Measure.values if m != "sanction"} | {("sanction", k) for k in SanctionKind.values}
    assert {(m, k) for m, k, _r in ROUTES_BY_MEASURE} == expected == set(rules.MEASURE_ROUTES)
    assert rules.routes_of("sanction", "") == () and rules.routes_of("interview") == ()


# route, stage, order, body, window, starts, decision, filed after, window without the first stage
STAGES = [
    (ACC, "appeal", 1, "deciding_organ", "appeal_window", "delivery", "appeal_decision", None, None),
    (PARTY, "appeal", 1, "deciding_organ", "party_appeal_window", "delivery", "party_appeal_decision", None, None),
    (GOV, "review", 1, "deciding_organ", "gov_sanction_review_window", "delivery", "gov_sanction_review_decision", None, None),
    (
        GOV,
        "recheck",
        2,
        "supervision_above",
        "gov_sanction_recheck_window",
        "previous_decision",
        "gov_sanction_recheck_decision",
        "review",
        None,
    ),
    (
        CIVIL,
        "recheck",
        1,
        "deciding_organ",
        "civil_service_recheck_window",
        "delivery",
        "civil_service_recheck_decision",
        None,
        None,
    ),
    (
        CIVIL,
        "appeal",
        2,
        "civil_service_appeal",
        "civil_service_appeal_window",
        "previous_decision",
        "civil_service_appeal_decision",
        "recheck",
        "civil_service_direct_appeal_window",
    ),
]


def test_the_stages_of_every_route():
    got = [
        (r.code, s.code, i, s.body, s.window, s.starts, s.decision, s.after, s.direct_window)
        for r in rules.ROUTES.values()
        for i, s in enumerate(r.stages, start=1)
    ]
    assert got == STAGES
    assert [s.code for s in rules.ROUTES[GOV].stages if s.window_optional] == []
    assert rules.ROUTES[PARTY].first().window_optional and rules.ROUTES[PARTY].first().no_window_basis
    assert rules.ROUTES[PARTY].first().also_above


# Who decided a measure (the first stage's body).
DECIDED_BY = [
    ("notice", rules.BY_CASE_OWNER),
    ("admonishment", rules.BY_CASE_OWNER),
    *[(m, rules.BY_MANAGING_AUTHORITY) for m in ("suspension", "reassignment", "ordered_resignation", "demotion", "dismissal")],
    ("sanction", rules.BY_DISCIPLINE_ORGAN),
]


@pytest.mark.parametrize(("measure", "who"), DECIDED_BY)
def test_who_decided_a_measure(measure, who):
    assert rules.decided_by(measure) == who


# code, amount, unit, verified, valid from, words the citation must quote
LIMITS = [
    ("appeal_window", 1, "months", False, dt.date(2019, 9, 1), "UNVERIFIED"),
    ("appeal_decision", 1, "months", False, dt.date(2019, 9, 1), "UNVERIFIED"),
    ("gov_sanction_review_window", 1, "months", True, dt.date(2018, 3, 20), "收到处理决定之日起一个月内"),
    ("gov_sanction_review_decision", 1, "months", True, dt.date(2018, 3, 20), "一个月内作出复审决定"),
    ("gov_sanction_recheck_window", 1, "months", True, dt.date(2018, 3, 20), "收到复审决定之日起一个月内"),
    ("gov_sanction_recheck_decision", 2, "months", True, dt.date(2018, 3, 20), "二个月内作出复核决定"),
    ("civil_service_recheck_window", 30, "days", True, dt.date(2019, 6, 1), "三十日内向原处理机关申请复核"),
    ("civil_service_recheck_decision", 30, "days", True, dt.date(2019, 6, 1), "三十日内作出复核决定"),
    ("civil_service_appeal_window", 15, "days", True, dt.date(2019, 6, 1), "接到复核决定之日起十五日内"),
    ("civil_service_direct_appeal_window", 30, "days", True, dt.date(2019, 6, 1), "三十日内直接提出申诉"),
    ("civil_service_appeal_decision", 60, "days", True, dt.date(2019, 6, 1), "六十日内作出处理决定"),
    ("party_appeal_decision", 3, "months", True, dt.date(2019, 1, 1), "3个月内办结"),
]


@pytest.mark.django_db
def test_every_route_limit_is_a_cited_policy_row():
    rows = {p.code: p for p in DeadlinePolicy.objects.filter(code__in=rules.policy_codes())}
    got = [(p.code, p.amount, p.unit, p.verified, p.valid_from) for p in (rows[c] for c, *_r in LIMITS)]
    assert got == [row[:5] for row in LIMITS]
    for code, *_rest, words in LIMITS:
        citation = rows[code].citation
        assert words in citation, code
        # The verification is said in the citation too, never only in the flag.
        if rows[code].verified:
            assert "VERIFIED-" in citation and "UNVERIFIED" not in citation, code
        else:
            assert "UNVERIFIED" in citation, code
    # No window is stated for the Party discipline 申诉: no row, and the route says why.
    assert "party_appeal_window" not in rows
    assert set(rules.policy_codes()) - set(rows) == {"party_appeal_window"}
