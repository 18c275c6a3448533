"""Compliance with the obligations catalog (PRODUCT §3; evidence for Art. 26.1 and Art. 31).

``compute`` is pure: given the catalog, a cadre's posts and duty records, a window and the day
the question is asked, it says for every obligation of the roles held and every calendar block
of its period how many activities were required and done. The rules, each shown by the table
tests in ``duties/tests/test_compliance_table.py``:

- a block counts only while the cadre held a role the obligation binds (post history) and while
  the obligation was in force; a block covered only in part is ``partial`` — never ``missed``;
- a record counts if its date falls in the block, inside that coverage, and not after ``as_of``;
- a block not over on ``as_of`` is ``pending`` until it is met;
- several roles at once: an obligation bound to more than one of them is one duty, not two;
- ``fully_met`` is true when no block is ``missed``;
- a ``standing`` duty (no frequency, 常态职责) has one block, the window itself (or the
  ``standing_block`` the caller names), met by at least one record in it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings

from duties.codes import Period
from duties.models import DutyRecord, Obligation
from duties.selectors.periods import blocks_overlapping, clip, covers, merge
from org.models import Post

if TYPE_CHECKING:
    from duties.models import Obligation


@dataclass(frozen=True)
class ObligationRow:
    id: int
    code: str
    roles: tuple[str, ...]
    article: int
    item: str
    activity: str
    min_count: int
    period: str
    text: str
    valid_from: dt.date
    valid_to: dt.date | None = None

    @property
    def citation(self) -> str:
        return f"第{self.article}条" + (f"（{self.item}）" if self.item else "")


@dataclass(frozen=True)
class PostRow:
    role: str
    start: dt.date
    end: dt.date | None
    organization: int | None = None


@dataclass(frozen=True)
class RecordRow:
    obligation: int
    date: dt.date


def _intervals(posts: Iterable[PostRow], roles: Iterable[str], horizon: dt.date) -> list[tuple[dt.date, dt.date]]:
    wanted = set(roles)
    return merge((p.start, p.end or horizon) for p in posts if p.role in wanted)


def compute(
    obligations: Iterable[ObligationRow],
    posts: Iterable[PostRow],
    records: Iterable[RecordRow],
    *,
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
    two_year_anchor: int = 2021,
    standing_block: tuple[dt.date, dt.date] | None = None,
) -> dict[str, Any]:
    """Compliance over the blocks that overlap ``[start, end]``, judged on ``as_of``.

    A standing duty's block is ``standing_block`` when given (the department status asks about
    one day and shows the calendar year around it), otherwise ``(start, end)``."""
    posts = list(posts)
    by_obligation: dict[int, list[dt.date]] = defaultdict(list)
    for record in records:
        if record.date <= as_of:
            by_obligation[record.obligation].append(record.date)
    horizon = dt.date.max
    out = []
    fully_met = True
    for obligation in obligations:
        roles_held = sorted({p.role for p in posts if p.role in obligation.roles})
        if not roles_held:
            continue
        held = clip(
            _intervals(posts, roles_held, horizon),
            obligation.valid_from,
            obligation.valid_to or horizon,
        )
        periods = []
        if obligation.period == Period.STANDING:
            blocks: Iterable[tuple[dt.date, dt.date]] = [standing_block or (start, end)]
        else:
            blocks = blocks_overlapping(obligation.period, start, end, two_year_anchor=two_year_anchor)
        for lo, hi in blocks:
            coverage = clip(held, lo, hi)
            if not coverage:
                continue
            done = sum(1 for day in by_obligation.get(obligation.id, ()) if lo <= day <= hi and covers(coverage, day))
            whole = coverage == [(lo, hi)]
            met = done >= obligation.min_count
            if met:
                status = "met"
            elif not whole:
                status = "partial"
            elif hi > as_of:
                status = "pending"
            else:
                status = "missed"
            periods.append(
                {
                    "start": lo,
                    "end": hi,
                    "required": obligation.min_count,
                    "done": done,
                    "met": met,
                    "status": status,
                    "held_from": coverage[0][0],
                    "held_to": None if coverage[-1][1] == horizon else coverage[-1][1],
                }
            )
        if not periods:
            continue
        missed = any(p["status"] == "missed" for p in periods)
        fully_met = fully_met and not missed
        out.append(
            {
                "obligation": obligation.id,
                "code": obligation.code,
                "article": obligation.article,
                "item": obligation.item,
                "citation": obligation.citation,
                "activity": obligation.activity,
                "text": obligation.text,
                "period": obligation.period,
                "min_count": obligation.min_count,
                "roles": roles_held,
                "met": not missed,
                "periods": periods,
            }
        )
    return {"start": start, "end": end, "as_of": as_of, "fully_met": fully_met, "obligations": out}


# --- database side ---------------------------------------------------------------------------


def obligation_rows() -> list[ObligationRow]:

    return [_obligation_row(o) for o in Obligation.objects.order_by("position", "id")]


def _obligation_row(o: Obligation) -> ObligationRow:
    return ObligationRow(
        id=o.pk,
        code=o.code,
        roles=tuple(o.roles),
        article=o.article,
        item=o.item,
        activity=o.activity,
        min_count=o.min_count,
        period=o.period,
        text=o.text,
        valid_from=o.valid_from,
        valid_to=o.valid_to,
    )


def _anchor() -> int:
    return getattr(settings, "ZEREN_TWO_YEAR_ANCHOR", 2021)


def window_for_year(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def compliances(
    cadre_ids: list[int],
    *,
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
    obligations: list[ObligationRow] | None = None,
    standing_block: tuple[dt.date, dt.date] | None = None,
) -> dict[int, dict[str, Any]]:
    """Compliance of many cadres over one window in three queries whatever their number."""

    obligations = obligation_rows() if obligations is None else obligations
    posts: dict[int, list[PostRow]] = defaultdict(list)
    for cadre_id, role, p_start, p_end, org in Post.objects.filter(cadre_id__in=cadre_ids).values_list(
        "cadre_id", "role", "start", "end", "organization_id"
    ):
        posts[cadre_id].append(PostRow(role, p_start, p_end, org))
    # The widest block of any period is two years: read records from there.
    lo = min(start, dt.date(start.year - 1, 1, 1))
    hi = max(end, dt.date(end.year + 1, 12, 31))
    records: dict[int, list[RecordRow]] = defaultdict(list)
    for cadre_id, obligation_id, day in DutyRecord.objects.filter(
        cadre_id__in=cadre_ids, voided_at__isnull=True, date__range=(lo, hi)
    ).values_list("cadre_id", "obligation_id", "date"):
        records[cadre_id].append(RecordRow(obligation_id, day))
    anchor = _anchor()
    return {
        cadre_id: compute(
            obligations,
            posts.get(cadre_id, []),
            records.get(cadre_id, []),
            start=start,
            end=end,
            as_of=as_of,
            two_year_anchor=anchor,
            standing_block=standing_block,
        )
        for cadre_id in cadre_ids
    }


def cadre_compliance(cadre_id: int, *, year: int, as_of: dt.date) -> dict[str, Any]:
    start, end = window_for_year(year)
    result = compliances([cadre_id], start=start, end=end, as_of=as_of)[cadre_id]
    return {"year": year, **result}


def conduct_window(conduct_date: dt.date) -> tuple[dt.date, dt.date]:
    """The twelve months up to the conduct: every block that overlaps them is shown whole."""
    try:
        start = conduct_date.replace(year=conduct_date.year - 1) + dt.timedelta(days=1)
    except ValueError:  # 29 February
        start = dt.date(conduct_date.year - 1, 3, 1)
    return start, conduct_date


def conduct_compliance(cadre_id: int, conduct_date: dt.date) -> dict[str, Any]:
    """Compliance as evidence for a case (Art. 26.1, Art. 31): the blocks of the twelve months
    up to the conduct, judged on the conduct date — those that ended by then count, the one
    running that day is pending. A whole year is seen whatever the month of the conduct."""
    start, end = conduct_window(conduct_date)
    return compliances([cadre_id], start=start, end=end, as_of=conduct_date)[cadre_id]


# --- Art. 31 -----------------------------------------------------------------------------------

# 第二章 "党委、政府领导干部职责" is Articles 5–9 and 第三章 "部门领导干部职责" Articles 10–12: the
# duties Art. 26(一) and Art. 31 name ("本细则第二章、第三章所规定职责"). Articles 13, 14 and 17 are
# Chapter 4's: in the ledger, but not part of Art. 31's first condition.
CHAPTERS_2_3 = frozenset(range(5, 13))

# What Art. 31 asks to be shown met ("经查实已经全面履行"): a block that ended before the conduct and
# is missed, or held in part and not met. A block running on the conduct date was not yet due.
GAP_STATUSES = ("missed", "partial")


def ledger_gaps(result: dict[str, Any], *, articles: frozenset[int] = CHAPTERS_2_3) -> list[dict[str, Any]]:
    """Each block of ``result`` (``compute``'s output) of a duty of ``articles`` not shown met,
    in the catalog's order: the obligation, the block, required and done. Pure."""
    return [
        {
            "obligation": o["obligation"],
            "code": o["code"],
            "citation": o["citation"],
            "text": o["text"],
            "period": o["period"],
            "start": p["start"],
            "end": p["end"],
            "status": p["status"],
            "required": p["required"],
            "done": p["done"],
            "held_from": p["held_from"],
            "held_to": p["held_to"],
        }
        for o in result["obligations"]
        if o["article"] in articles
        for p in o["periods"]
        if p["status"] in GAP_STATUSES
    ]


def art31_compliance(cadre_id: int, conduct_date: dt.date) -> dict[str, Any]:
    """The ledger Art. 31's first condition rests on: every duty of Chapters 2–3 of the roles the
    cadre held, over the twelve months up to the conduct (``conduct_window``) and only while a
    role was held, judged on the conduct date; a standing duty's block is that window. Adds
    ``gaps`` (``ledger_gaps``). Three queries."""
    start, end = conduct_window(conduct_date)
    rows = [o for o in obligation_rows() if o.article in CHAPTERS_2_3]
    result = compliances([cadre_id], start=start, end=end, as_of=conduct_date, obligations=rows)[cadre_id]
    return {**result, "gaps": ledger_gaps(result)}
