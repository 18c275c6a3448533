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
- each post is measured against one rulebook's catalog (issue 13, ``PostRow.catalog``, chosen by
  ``duties.selectors.catalog``): an obligation counts only while a post measured by its own
  rulebook's catalog is held; a post in a place and time with no catalog loaded is not measured
  and is listed in ``no_catalog``;
- ``fully_met`` is ``False`` when a block is ``missed``; otherwise ``None`` when part of the window
  was not measured (no catalog: the ledger cannot say), else ``True``. Never "met" on no data.

``compute(..., by="organs")`` measures an organ the same way: its ``PostRow`` is the organ
itself (``role`` is the organ code), held for as long as the unit exists.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings

from duties.codes import Period
from duties.models import DutyRecord, Obligation
from duties.selectors.catalog import CatalogChoice, Catalogs
from duties.selectors.periods import blocks_overlapping, clip, covers, merge
from org.models import Post


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
    organs: tuple[str, ...] = ()
    rulebook: str = ""

    @property
    def citation(self) -> str:
        return f"第{self.article}条" + (f"（{self.item}）" if self.item else "")


@dataclass(frozen=True)
class PostRow:
    """A post held (or an organ, ``role`` its code) over ``[start, end]``, measured against the
    catalog of rulebook ``catalog`` (``None``: no catalog loaded; ``rulebook`` is the one in force)."""

    role: str
    start: dt.date
    end: dt.date | None
    organization: int | None = None
    rulebook: str | None = ""
    catalog: str | None = ""


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
    by: Literal["roles", "organs"] = "roles",
) -> dict[str, Any]:
    """Compliance over the blocks that overlap ``[start, end]``, judged on ``as_of``.

    A standing duty's block is ``standing_block`` when given (the department status asks about
    one day and shows the calendar year around it), otherwise ``(start, end)``."""
    posts = list(posts)
    horizon = dt.date.max
    in_window = [p for p in posts if p.start <= end and (p.end or horizon) >= start]
    by_obligation: dict[int, list[dt.date]] = defaultdict(list)
    for record in records:
        if record.date <= as_of:
            by_obligation[record.obligation].append(record.date)
    out = []
    missed_any = False
    for obligation in obligations:
        bound = obligation.organs if by == "organs" else obligation.roles
        measured = [p for p in posts if p.catalog is not None and p.catalog == obligation.rulebook]
        roles_held = sorted({p.role for p in measured if p.role in bound})
        if not roles_held:
            continue
        held = clip(
            _intervals(measured, roles_held, horizon),
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
        missed_any = missed_any or missed
        out.append(
            {
                "obligation": obligation.id,
                "code": obligation.code,
                "rulebook": obligation.rulebook,
                "article": obligation.article,
                "item": obligation.item,
                "citation": obligation.citation,
                "activity": obligation.activity,
                "text": obligation.text,
                "period": obligation.period,
                "min_count": obligation.min_count,
                by: roles_held,
                "met": not missed,
                "periods": periods,
            }
        )
    catalogs = list(dict.fromkeys((p.rulebook, p.catalog) for p in sorted(in_window, key=_by_start) if p.catalog is not None))
    no_catalog = _unmeasured(in_window, start, end)
    return {
        "start": start,
        "end": end,
        "as_of": as_of,
        "fully_met": False if missed_any else (None if no_catalog else True),
        "catalogs": [{"rulebook": rulebook, "catalog": catalog} for rulebook, catalog in catalogs],
        "no_catalog": no_catalog,
        "obligations": out,
    }


def _by_start(post: PostRow) -> tuple[dt.date, str]:
    return post.start, post.role


def _unmeasured(posts: list[PostRow], start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """The parts of the window in which a post was held with no catalog to measure it, by
    rulebook and role (touching parts merged)."""
    spans: dict[tuple[str | None, str], list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for post in posts:
        if post.catalog is None:
            spans[(post.rulebook, post.role)].append((max(post.start, start), min(post.end or dt.date.max, end)))
    return [
        {"rulebook": rulebook, "role": role, "start": lo, "end": hi}
        for (rulebook, role), intervals in spans.items()
        for lo, hi in merge(intervals)
    ]


# --- database side ---------------------------------------------------------------------------


def obligation_rows() -> list[ObligationRow]:
    """Every rulebook's catalog: each post picks the rows of its own (``compute``)."""
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
        organs=tuple(o.organs),
        rulebook=o.rulebook,
    )


def two_year_anchor() -> int:
    return getattr(settings, "ZEREN_TWO_YEAR_ANCHOR", 2021)


def window_for_year(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def reach(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The days any block overlapping ``[start, end]`` can cover: the widest block is two years."""
    return dt.date(start.year - 2, 1, 1), dt.date(end.year + 2, 12, 31)


def measured_rows(
    role: str, start: dt.date, end: dt.date | None, organization: int, catalogs: Catalogs, bounds: tuple[dt.date, dt.date]
) -> list[PostRow]:
    """A post (or an organ) cut where the catalog measuring it changes, inside ``bounds``."""
    lo, hi = max(start, bounds[0]), min(end or bounds[1], bounds[1])
    if lo > hi:
        return []
    return [
        PostRow(role, a, None if end is None and b == bounds[1] else b, organization, choice.rulebook, choice.catalog)
        for a, b, choice in catalogs.spans(organization, lo, hi)
    ]


def describe(result: dict[str, Any], catalogs: Catalogs) -> dict[str, Any]:
    """``compute``'s result with the titles of the rulebooks and what each line means."""
    used = []
    for row in result["catalogs"]:
        choice = catalogs.choice(catalogs.current.get(row["rulebook"]) if row["rulebook"] else None)
        used.append(choice.as_dict() if choice.catalog == row["catalog"] else {**row, "detail": ""})
    missing = []
    for row in result["no_catalog"]:
        book = catalogs.current.get(row["rulebook"]) if row["rulebook"] else None
        choice = catalogs.choice(book) if book is not None else CatalogChoice(None)
        missing.append({**row, "rulebook_title": choice.rulebook_title, "detail": choice.detail})
    return {**result, "catalogs": used, "no_catalog": missing}


def compliances(
    cadre_ids: list[int],
    *,
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
    obligations: list[ObligationRow] | None = None,
    standing_block: tuple[dt.date, dt.date] | None = None,
) -> dict[int, dict[str, Any]]:
    """Compliance of many cadres over one window in a constant number of queries (posts,
    records, the catalog, and the three of ``Catalogs``) whatever their number."""

    obligations = obligation_rows() if obligations is None else obligations
    catalogs = Catalogs()
    bounds = reach(start, end)
    posts: dict[int, list[PostRow]] = defaultdict(list)
    for cadre_id, role, p_start, p_end, org in Post.objects.filter(cadre_id__in=cadre_ids).values_list(
        "cadre_id", "role", "start", "end", "organization_id"
    ):
        posts[cadre_id] += measured_rows(role, p_start, p_end, org, catalogs, bounds)
    # The widest block of any period is two years: read records from there.
    lo = min(start, dt.date(start.year - 1, 1, 1))
    hi = max(end, dt.date(end.year + 1, 12, 31))
    records: dict[int, list[RecordRow]] = defaultdict(list)
    for cadre_id, obligation_id, day in DutyRecord.objects.filter(
        cadre_id__in=cadre_ids, voided_at__isnull=True, date__range=(lo, hi)
    ).values_list("cadre_id", "obligation_id", "date"):
        records[cadre_id].append(RecordRow(obligation_id, day))
    anchor = two_year_anchor()
    return {
        cadre_id: describe(
            compute(
                obligations,
                posts.get(cadre_id, []),
                records.get(cadre_id, []),
                start=start,
                end=end,
                as_of=as_of,
                two_year_anchor=anchor,
                standing_block=standing_block,
            ),
            catalogs,
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
