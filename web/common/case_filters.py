"""The statistics' filters as GET parameters, shared by the statistics page and the case list
(issue 16 item 9), so a link from a figure to the list carries the same filters.

``year=2026``, ``month=2026-03``, ``circumstance=26.1``, ``claimed=26.1`` (at intake),
``found=26.1`` (by the investigation), ``measure=admonishment``: each of the code parameters may
repeat (a case must match every one) and a value may list several codes with commas (any of
them). What each keeps is ``cases.selectors.filters``. A value that is not one of these is an
error for the officer to read (the page answers 400), never silently dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils.translation import gettext as _

from cases.codes import CaseState, Circumstance, Measure
from core.persistence import local_today

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
FIRST_YEAR = 2000
CODE_PARAMS = ("circumstance", "claimed", "found", "measure")
NARROWING_PARAMS = ("year", "month", *CODE_PARAMS)


def _codes(values: Iterable[str], allowed: Iterable[str]) -> tuple[list[tuple[str, ...]], list[str]]:
    allowed = set(allowed)
    groups, bad = [], []
    for value in values:
        codes = tuple(c.strip() for c in value.split(",") if c.strip())
        bad += [c for c in codes if c not in allowed]
        if codes:
            groups.append(codes)
    return groups, bad


def parse_year(raw: str | None) -> tuple[int | None, str | None]:
    raw = (raw or "").strip()
    if not raw:
        return None, None
    last = local_today().year + 1
    if not raw.isdigit() or not FIRST_YEAR <= int(raw) <= last:
        return None, _("“%(value)s” is not a year from %(first)d to %(last)d.") % {
            "value": raw,
            "first": FIRST_YEAR,
            "last": last,
        }
    return int(raw), None


def parse_narrowing(params: QueryDict) -> tuple[dict[str, Any], list[str]]:
    """``(narrowing, errors)``: the keyword arguments of ``case_list`` / ``case_statistics``."""
    narrowing: dict[str, Any] = {}
    errors: list[str] = []
    year, error = parse_year(params.get("year"))
    if error:
        errors.append(error)
    elif year:
        narrowing["year"] = year
    month = (params.get("month") or "").strip()
    if month:
        match = MONTH.match(month)
        if match and FIRST_YEAR <= int(match[1]) <= local_today().year + 1 and 1 <= int(match[2]) <= 12:
            narrowing["month"] = dt.date(int(match[1]), int(match[2]), 1)
        else:
            errors.append(_("“%(value)s” is not a month (YYYY-MM).") % {"value": month})
    circumstance_codes = Circumstance.values
    for name, allowed, message in (
        ("circumstance", circumstance_codes, _("Unknown circumstance code “%(value)s” (Art. 26: 26.1 to 26.7).")),
        ("claimed", circumstance_codes, _("Unknown circumstance code “%(value)s” (Art. 26: 26.1 to 26.7).")),
        ("found", circumstance_codes, _("Unknown circumstance code “%(value)s” (Art. 26: 26.1 to 26.7).")),
        ("measure", Measure.values, _("Unknown measure code “%(value)s” (Art. 27).")),
    ):
        groups, bad = _codes(params.getlist(name), allowed)
        errors += [message % {"value": code} for code in bad]
        if groups and not bad:
            narrowing[name] = groups
    return narrowing, errors


def parse_states(raw: str | None) -> tuple[list[str], str | None]:
    codes = [c.strip() for c in (raw or "").split(",") if c.strip()]
    bad = [c for c in codes if c not in CaseState.values]
    if bad:
        return [], _("Unknown case state “%(value)s”.") % {"value": bad[0]}
    return codes, None


def _labels(name: str, value: str, departments: Mapping[int, str]) -> str:
    codes = [c.strip() for c in value.split(",") if c.strip()]
    either = _(" or ")
    if name == "year":
        return _("Year: %(value)s") % {"value": value}
    if name == "month":
        return _("Month: %(value)s") % {"value": value}
    if name == "state":
        return _("State: %(value)s") % {"value": either.join(str(CaseState(c).label) for c in codes if c in CaseState.values)}
    if name == "department":
        return _("Handling department: %(value)s") % {"value": departments.get(int(value), value) if value.isdigit() else value}
    if name == "measure":
        return _("Measure: %(value)s") % {"value": either.join(str(Measure(c).label) for c in codes if c in Measure.values)}
    text = either.join(codes)
    if name == "claimed":
        return _("Circumstance claimed at intake: %(value)s") % {"value": text}
    if name == "found":
        return _("Circumstance found by the investigation: %(value)s") % {"value": text}
    return _("Circumstance: %(value)s") % {"value": text}


def filter_chips(params: QueryDict, departments: Mapping[int, str], *, base: str) -> list[dict[str, str]]:
    """The active filters as removable chips: ``{name, value, label, remove}``, ``remove`` being
    ``base`` with every parameter but that one value (and the page)."""
    pairs = [(k, v) for k, values in params.lists() for v in values if k != "page"]
    chips = []
    for index, (name, value) in enumerate(pairs):
        if name not in (*NARROWING_PARAMS, "state", "department") or not value.strip():
            continue
        rest = urlencode([p for i, p in enumerate(pairs) if i != index])
        chips.append(
            {
                "name": name,
                "value": value,
                "label": _labels(name, value, departments),
                "remove": f"{base}?{rest}" if rest else base,
            }
        )
    return chips
