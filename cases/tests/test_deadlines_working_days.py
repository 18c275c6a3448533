"""Time limits in working days with the database: the ``inquiry_reply`` version of migration 0014
(15 工作日, 《中国共产党纪律检查机关监督执纪工作规则》(2019), unverified), the older version it did not
touch, the clocks ``open_deadlines`` runs and the alerts ``run_deadlines`` raises, with the
approximate mark past the official calendar's years (``cases.rules.workdays``).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cases.codes import CaseState
from cases.documents import UNIT_ZH
from cases.models import CaseEvent, DeadlinePolicy
from cases.selectors.deadlines import deadline_after, deadline_due, open_deadlines
from cases.services.deadlines import run_deadlines
from cases.tests.scenarios import case_in_state

pytestmark = pytest.mark.django_db

CST = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def world(module_world):
    """conftest's ``world``, built once for this module (``module_world``)."""
    return module_world


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CST)


def end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=CST)


def test_inquiry_reply_has_a_new_working_day_version_and_the_old_row_is_untouched():
    new, old = DeadlinePolicy.objects.filter(code="inquiry_reply").order_by("-valid_from")
    assert (new.valid_from, new.amount, new.unit, new.verified) == (dt.date(2026, 12, 1), 15, "working_days", False)
    assert "监督执纪工作规则》(2019)" in new.citation and "UNVERIFIED" in new.citation
    assert "15个工作日" in new.citation
    assert (old.valid_from, old.valid_to, old.amount, old.unit) == (dt.date(2019, 1, 1), None, 15, "days")
    assert "按15日历日计算" in old.citation
    assert [h.history_type for h in new.history.all()] == ["+"]
    assert "issue 13" in new.history.get().history_change_reason
    assert not old.history.exclude(history_type="+").exists()  # no change recorded on the old row


@pytest.mark.parametrize(
    ("start", "due", "approximate"),
    [
        # Friday 4 December: 12-7 … 12-25 are the 15 working days; due at the end of 12-25.
        (at(2026, 12, 4, 10, 0), end_of(dt.date(2026, 12, 25)), False),
        # Started late on 12-15 (still 12-15 in Pingluo): crosses into 2027, where Monday–Friday stand
        # in (2027-01-01 counted although it will be 元旦): due 2027-01-05, approximate.
        (at(2026, 12, 15, 23, 30), end_of(dt.date(2027, 1, 5)), True),
    ],
)
def test_inquiry_reply_due_date_counts_15_working_days(start, due, approximate):
    result = deadline_due("inquiry_reply", start)
    assert result.at == due
    assert result.approximate is approximate
    assert result.policy.unit == DeadlinePolicy.Unit.WORKING_DAYS
    assert deadline_after("inquiry_reply", start) == due


def test_inquiry_started_before_the_new_version_keeps_the_15_calendar_days_it_was_given():
    start = at(2026, 11, 20, 9, 0)
    result = deadline_due("inquiry_reply", start)
    assert result.at == start + dt.timedelta(days=15)
    assert result.policy.unit == DeadlinePolicy.Unit.DAYS and result.approximate is False


def test_a_working_day_limit_on_a_date_start_gives_a_date():
    DeadlinePolicy.objects.create(code="test_wd", amount=5, unit="working_days", citation="test", valid_from=dt.date(2020, 1, 1))
    assert deadline_after("test_wd", dt.date(2026, 9, 30)) == dt.date(2026, 10, 13)  # 国庆 10-1..7 off; 10-10 works
    assert deadline_due("test_wd", dt.date(2026, 12, 30)).approximate is True


def _inquiring_since(world, start: dt.datetime):
    case = case_in_state(world, CaseState.INQUIRING)
    # The clock starts at the "inquire" event; put it on a fixed date.
    CaseEvent.objects.filter(case=case, kind="inquire").update(created_at=start)
    return case


def test_the_running_inquiry_clock_is_marked_approximate_past_the_calendar(world):
    exact = _inquiring_since(world, at(2026, 12, 4, 10, 0))
    rough = _inquiring_since(world, at(2026, 12, 15, 10, 0))
    clocks = {d.case_id: d for d in open_deadlines() if d.kind == "inquiry_reply"}
    assert (clocks[exact.pk].due, clocks[exact.pk].approximate) == (end_of(dt.date(2026, 12, 25)), False)
    assert (clocks[rough.pk].due, clocks[rough.pk].approximate) == (end_of(dt.date(2027, 1, 5)), True)


def test_the_overdue_alert_says_the_due_date_was_approximate(world):
    case = _inquiring_since(world, at(2026, 12, 15, 10, 0))
    run_deadlines(now=end_of(dt.date(2027, 1, 5)) + dt.timedelta(minutes=1))
    event = CaseEvent.objects.get(case=case, kind="deadline_overdue", payload__item=f"inquiry:{case.pk}")
    assert event.payload["approximate"] is True
    assert dt.datetime.fromisoformat(event.payload["due"]) == end_of(dt.date(2027, 1, 5))


def test_every_unit_has_its_chinese_word_for_documents():
    assert set(UNIT_ZH) == set(DeadlinePolicy.Unit.values)
    assert UNIT_ZH[DeadlinePolicy.Unit.WORKING_DAYS] == "个工作日"


@pytest.mark.parametrize(
    ("delivered", "text"),
    [
        (dt.date(2026, 9, 30), "申诉期限至2026年10月13日止"),  # 国庆 10-1..7 off, 10-10 works
        (dt.date(2026, 12, 28), "申诉期限自送达之日的次日起按五个工作日计算"),  # into 2027: no printed end date
    ],
)
def test_the_decision_document_prints_an_end_date_only_when_it_is_exact(world, delivered, text):
    from cases.documents import decision_context
    from cases.models import Case

    DeadlinePolicy.objects.create(
        code="appeal_window", amount=5, unit="working_days", citation="test", valid_from=dt.date(2026, 9, 1)
    )
    case = case_in_state(world, CaseState.EXECUTING)
    Case.objects.filter(pk=case.pk).update(delivered_on=delivered)
    appeal = decision_context(Case.objects.get(pk=case.pk))["appeal"]
    assert "五个工作日内" in appeal["text"]
    assert text in appeal["deadline_text"]
