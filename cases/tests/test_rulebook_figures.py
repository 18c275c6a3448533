"""Time limits and influence periods held by a rulebook (issue 13 item 1): a rulebook's rows take
the place of the national table's for its jurisdiction while it is in force; a child inherits
the rows it does not restate; elsewhere and at other dates the national table answers.

The figures in ``FIGURES`` are test data, not law: no 平罗县 text states a time limit or an
influence period (the seed has none), so the shipped rulebooks state none either.
"""

from __future__ import annotations

import datetime as dt

import pytest

from cases.documents import decision_context
from cases.models import ExecutionTask
from cases.selectors.deadlines import deadline_after, deadline_due, policy_in_force
from cases.tests._records_helpers import backdate, decided, record
from core.persistence import local_today
from duties.tests._rulebook_helpers import load
from rulebooks.figures import Book, FigureBook

pytestmark = pytest.mark.django_db

D = dt.date
FROM = D(2025, 1, 1)
TITLE = "平罗县期限细则（测试用）"
FIGURES = {
    "deadlines": [
        {"code": "appeal_window", "amount": 20, "unit": "days", "citation": "第三条", "verified": False},
        {"code": "measure_execution", "amount": 10, "unit": "working_days", "citation": "第四条", "verified": True},
    ],
    "influence_periods": [
        {"measure": "admonishment", "months": 12, "citation": "第五条", "verified": False},
    ],
}


@pytest.fixture
def county_figures():
    """A 平罗县 rulebook in force from 2025, inheriting everything of pingluo-2021 but the figures."""
    return load(
        {
            "format": "zeren-rulebook/1",
            "code": "pingluo-figures-test",
            "title": TITLE,
            "jurisdiction": "pingluo",
            "valid_from": FROM.isoformat(),
            "parent": "pingluo-2021",
            "verification": "unverified",
            "content": FIGURES,
        }
    )


# (department code, start, expected end of the appeal window, why)
APPEAL_WINDOWS = [
    ("pl-discipline", D(2025, 3, 10), D(2025, 3, 30), "a 平罗县 department from 2025: the county rulebook's 20 days"),
    ("pingluo", D(2025, 1, 1), D(2025, 1, 21), "the county itself, on the rulebook's first day"),
    ("pl-discipline", D(2024, 12, 31), D(2025, 1, 31), "the day before it is in force: the national table's month"),
    ("hn-discipline", D(2025, 3, 10), D(2025, 4, 10), "惠农区 is another jurisdiction: the national table's month"),
]


@pytest.mark.parametrize(("dept", "start", "end", "why"), APPEAL_WINDOWS, ids=[row[3] for row in APPEAL_WINDOWS])
def test_the_appeal_window_is_the_rulebooks_where_and_when_it_is_in_force(world, county_figures, dept, start, end, why):
    department = world.departments[dept].pk
    assert deadline_after("appeal_window", start, department=department) == end, why


def test_the_row_names_the_rulebook_and_its_period_of_force(world, county_figures):
    policy = policy_in_force("appeal_window", D(2025, 6, 1), department=world.departments["pl-discipline"].pk)
    assert policy is not None and policy.pk is None  # not a table row
    assert policy.citation == f"{TITLE}第三条" and not policy.verified
    assert policy.valid_from == FROM and policy.valid_to is None
    # A limit the rulebook does not state is still the national table's.
    ack = policy_in_force("referral_acknowledgement", D(2025, 6, 1), department=world.departments["pl-discipline"].pk)
    assert ack is not None and ack.pk is not None and ack.amount == 3


def test_without_a_department_only_national_rulebooks_count(world, county_figures):
    assert deadline_after("appeal_window", D(2025, 3, 10)) == D(2025, 4, 10)


def test_working_days_of_a_rulebook_use_the_official_calendar(world, county_figures):
    # 2025-09-30 + 10 working days: the National Day holiday (10-01..10-08) is skipped and the
    # 调休 Saturday 10-11 counts (国办发明电〔2024〕12号).
    due = deadline_due("measure_execution", D(2025, 9, 30), department=world.departments["pl-discipline"].pk)
    assert due.at == D(2025, 10, 21) and due.policy.unit == "working_days"


def test_an_admonishment_bars_for_the_rulebooks_period_from_its_decision_date(world, county_figures):
    case = backdate(decided(world, (("admonishment", ""),)), D(2025, 3, 10))
    rec = record(world, D(2025, 10, 1))
    measure = next(m for m in rec["measures"] if m["case"] == case.pk)
    assert measure["influence_until"] == D(2026, 3, 10)
    assert measure["basis"] == f"{TITLE}第五条" and not measure["verified"]
    assert not rec["eligible_for_promotion"]


def test_an_admonishment_decided_before_the_rulebook_keeps_the_national_period(world, county_figures):
    case = backdate(decided(world, (("admonishment", ""),)), D(2024, 6, 1))
    measure = next(m for m in record(world, D(2024, 10, 1))["measures"] if m["case"] == case.pk)
    assert measure["influence_until"] == D(2024, 12, 1)  # the table's 6 months (诫勉规定)
    assert "诫勉" in measure["basis"]


def test_execution_tasks_and_the_decision_document_use_the_rulebooks_limits(world, county_figures):
    case = decided(world, (("admonishment", ""),), deliver=True)
    task = ExecutionTask.objects.get(case=case, kind=ExecutionTask.Kind.MEASURE)
    assert task.due_on == deadline_due("measure_execution", local_today(), department=case.owner_department_id).at
    assert task.due_on != deadline_due("measure_execution", local_today()).at  # the table's month differs
    appeal = decision_context(case)["appeal"]
    assert "二十日内" in appeal["text"]
    # Unverified: the officer confirms it on the checklist before issuing; the document is silent.
    assert not appeal["note"]
    from cases.selectors.issuance import issuance_checklist

    assert any(item["basis"] == f"{TITLE}第三条" for item in issuance_checklist(case)["items"])


def test_a_document_without_rulebook_limits_keeps_the_tables_month(world):
    case = decided(world, (("admonishment", ""),), deliver=True)
    assert "一个月内" in decision_context(case)["appeal"]["text"]


# --- FigureBook without the database: which rulebook, which row ---------------------------------


def _book(code, jurisdiction, start, parent="", deadlines=(), periods=(), end=None):
    return Book(code, code.upper(), parent, jurisdiction, start, end, tuple(deadlines), tuple(periods))


def _figures(*books):
    # region 1 > city 2 > county 3 > department 4
    return FigureBook(
        {b.code: b for b in books},
        parents={1: None, 2: 1, 3: 2, 4: 3},
        codes={1: "region", 2: "city", 3: "county", 4: "dept"},
    )


ROW = {"code": "appeal_window", "amount": 15, "unit": "days", "citation": "第九条", "verified": True}


def test_a_child_inherits_the_row_it_does_not_restate():
    figures = _figures(
        _book("nat", "", D(2018, 1, 1), deadlines=[ROW]),
        _book("reg", "region", D(2020, 1, 1), parent="nat"),
        _book("cty", "county", D(2021, 1, 1), parent="reg", deadlines=[{**ROW, "amount": 30, "citation": "第二条"}]),
    )
    found = figures.deadline("appeal_window", 4, D(2022, 1, 1))
    assert found is not None and found.row["amount"] == 30 and found.rulebook == "cty" and found.citation == "CTY第二条"
    inherited = figures.deadline("appeal_window", 2, D(2022, 1, 1))  # the city has no rulebook: the region's
    assert inherited is not None and inherited.row["amount"] == 15 and inherited.rulebook == "nat"
    assert inherited.valid_from == D(2020, 1, 1)  # the period of the rulebook in force (the region's)
    assert figures.deadline("appeal_window", 4, D(2019, 1, 1)).rulebook == "nat"  # before the county's
    assert figures.deadline("archive_filing", 4, D(2022, 1, 1)) is None  # no rulebook states it


def test_a_rulebook_that_has_ended_no_longer_answers():
    figures = _figures(
        _book("nat", "", D(2018, 1, 1)),
        _book("cty", "county", D(2021, 1, 1), parent="nat", deadlines=[ROW], end=D(2021, 12, 31)),
    )
    assert figures.deadline("appeal_window", 4, D(2021, 12, 31)) is not None
    assert figures.deadline("appeal_window", 4, D(2022, 1, 1)) is None


def test_influence_periods_are_keyed_by_measure_and_sanction_kind():
    party = {"measure": "sanction", "sanction_kind": "party_warning", "months": 24, "citation": "第八条", "verified": True}
    figures = _figures(_book("cty", "county", D(2021, 1, 1), periods=[party]))
    assert figures.influence_period("sanction", "party_warning", 4, D(2022, 1, 1)).row["months"] == 24
    assert figures.influence_period("sanction", "gov_warning", 4, D(2022, 1, 1)) is None
    assert figures.influence_period("sanction", "party_warning", None, D(2022, 1, 1)) is None  # national only


def test_without_any_rows_no_department_is_read(django_assert_num_queries):
    with django_assert_num_queries(1):
        figures = FigureBook.load()
    assert not figures.any_rows and figures.deadline("appeal_window", None, D(2025, 1, 1)) is None
