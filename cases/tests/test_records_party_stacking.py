"""党纪处分影响期叠加 by decision date (migration 0016; 《中国共产党纪律处分条例》(2023年修订，2024年1月1日
起施行)第二十一条: "党员在党纪处分影响期内又受到党纪处分的，其影响期为原处分尚未执行的影响期与新处分影响期
之和", VERIFIED-S). No stacking rule of the 2015 or 2018 条例 could be verified, so:

- both sanctions decided in 2023: each runs its own period;
- both decided from 2024-01-01: the later one starts when the earlier one ends;
- the earlier decided in 2023, the later from 2024: the later one is decided under the 2023 条例,
  whose 第二十一条 adds its period to what remains of the earlier one — it stacks.

Whether a sanction stacks is the ``stacks`` of the InfluencePeriod row in force on its own
decision date; the periods it stacks onto are every earlier Party period still running.
"""

from __future__ import annotations

import datetime as dt

import pytest

from cases.models import InfluencePeriod
from cases.tests._records_helpers import backdate, decided, record

pytestmark = pytest.mark.django_db

D = dt.date
WARNING = ("sanction", "party_warning")
SERIOUS = ("sanction", "party_serious_warning")
GOV = ("sanction", "gov_warning")


@pytest.fixture(scope="module")
def world(module_world):
    """conftest's ``world``, built once for this module (``module_world``)."""
    return module_world


# first (measure, decided), second (measure, decided), the end of each influence period, why
TABLE = [
    (
        (WARNING, D(2023, 3, 1)),
        (WARNING, D(2023, 6, 1)),
        (D(2024, 3, 1), D(2024, 6, 1)),
        "two Party warnings decided in 2023: no stacking rule verified before 2024, each runs 12 months",
    ),
    (
        (WARNING, D(2024, 3, 1)),
        (WARNING, D(2024, 6, 1)),
        (D(2025, 3, 1), D(2026, 3, 1)),
        "two Party warnings decided in 2024: the second starts when the first ends (2023 条例第二十一条)",
    ),
    (
        (WARNING, D(2023, 6, 1)),
        (WARNING, D(2024, 2, 1)),
        (D(2024, 6, 1), D(2025, 6, 1)),
        "one of each: the 2024 decision adds its 12 months to the 4 months left of the 2023 warning",
    ),
    (
        (WARNING, D(2023, 6, 1)),
        (SERIOUS, D(2023, 12, 31)),
        (D(2024, 6, 1), D(2025, 6, 30)),
        "decided on the last day of the old rows: no stacking",
    ),
    (
        (WARNING, D(2023, 6, 1)),
        (SERIOUS, D(2024, 1, 1)),
        (D(2024, 6, 1), D(2025, 12, 1)),
        "decided on the first day of the 2023 条例: 18 months from the end of the warning",
    ),
    (
        (WARNING, D(2023, 1, 10)),
        (WARNING, D(2024, 3, 1)),
        (D(2024, 1, 10), D(2025, 3, 1)),
        "the 2023 warning had ended before the 2024 one: nothing left to stack onto",
    ),
    (
        (GOV, D(2024, 3, 1)),
        (WARNING, D(2024, 6, 1)),
        (D(2024, 9, 1), D(2025, 6, 1)),
        "a government sanction is not a Party period: the Party warning does not stack onto it",
    ),
]


@pytest.mark.parametrize(("first", "second", "ends", "why"), TABLE, ids=[row[3].split(":")[0] for row in TABLE])
def test_party_periods_stack_by_the_row_in_force_on_each_decision_date(world, first, second, ends, why):
    (first_measure, first_on), (second_measure, second_on) = first, second
    one = backdate(decided(world, [first_measure]), first_on)
    two = backdate(decided(world, [second_measure]), second_on)
    rec = record(world, second_on)
    until = {m["case"]: m["influence_until"] for m in rec["measures"]}
    assert (until[one.pk], until[two.pk]) == ends, why
    # The record blocks promotion until the later end, and not a day longer.
    last = max(ends)
    assert not record(world, last - dt.timedelta(days=1))["eligible_for_promotion"]
    assert record(world, last)["eligible_for_promotion"]


def test_the_basis_of_each_sanction_is_the_row_of_its_own_decision_date(world):
    old = backdate(decided(world, [WARNING]), D(2023, 6, 1))
    new = backdate(decided(world, [WARNING]), D(2024, 2, 1))
    basis = {m["case"]: m["basis"] for m in record(world, D(2024, 3, 1))["measures"]}
    assert "2016–2023年版本不叠加" in basis[old.pk] and "2024年1月1日起施行)第二十一条" not in basis[old.pk]
    assert "2024年1月1日起施行)第二十一条" in basis[new.pk]


@pytest.mark.parametrize(
    "kind",
    [
        "party_warning",
        "party_serious_warning",
        "party_removal_from_post",
        "party_probation_1y",
        "party_probation_2y",
        "party_expulsion",
    ],
)
def test_party_rows_are_closed_at_2023_and_a_stacking_version_starts_2024(kind):
    old, new = InfluencePeriod.objects.filter(measure="sanction", sanction_kind=kind).order_by("valid_from")
    assert (old.valid_from, old.valid_to, old.stacks) == (D(2016, 1, 1), D(2023, 12, 31), False)
    assert (new.valid_from, new.valid_to, new.stacks) == (D(2024, 1, 1), None, True)
    # The figures themselves did not change; only when stacking applies.
    fields = ("months", "permanent", "blocks_promotion", "blocks_awards", "awards_until_year_end", "verified")
    assert [getattr(old, f) for f in fields] == [getattr(new, f) for f in fields]
    assert "第二十一条" in new.citation and "VERIFIED-S" in new.citation
    assert "UNVERIFIED" in old.citation
    # Both changes are in the audit history, with why.
    # (After a transactional test empties the tables, tests.seeding re-runs every seed with the
    # live models, and a later seed's save of the same row adds its own history row: the close
    # is then not the last row, but it is there.)
    assert ("~", True) in [(h.history_type, "issue 13" in (h.history_change_reason or "")) for h in old.history.all()]
    assert [h.history_type for h in new.history.order_by("history_id")][0] == "+"
    assert "issue 13" in new.history.order_by("history_id")[0].history_change_reason


def test_government_sanctions_never_stack():
    assert not InfluencePeriod.objects.filter(sanction_kind__startswith="gov_", stacks=True).exists()
