"""Statistics over the cases the user may see (PRODUCT §9): counts by circumstance, measure,
state, handling department and month, drawn as server-side SVG charts."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from cases.codes import TERMINAL_STATES, CaseState, Circumstance, Measure
from cases.selectors.pages import case_statistics
from core.persistence import local_today

CHART_WIDTH = 600


def _nice_max(value: int) -> int:
    if value <= 5:
        return max(value, 1)
    exponent = 10 ** int(math.floor(math.log10(value)))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exponent:
            return int(step * exponent)
    return value


def hbar_chart(key: str, title: str, rows: list[dict], *, columns: list[str] | None = None) -> dict:
    """A horizontal bar chart laid out server side: each row's label sits above its bar, so long
    Chinese labels never need truncating. ``rows`` are ``{label, value, cells?}``."""
    top = max([r["value"] for r in rows] + [1])
    label_h, bar_h, gap = 18, 14, 12
    row_h = label_h + bar_h + gap
    usable = CHART_WIDTH - 60
    bars = []
    for i, r in enumerate(rows):
        y = i * row_h
        width = round(usable * r["value"] / top, 1) if r["value"] else 0
        bars.append(
            {
                **r,
                "y_label": y + 13,
                "y_bar": y + label_h,
                "w": max(width, 2 if r["value"] else 0),
                "x_value": width + 6,
                "y_value": y + label_h + bar_h - 2,
            }
        )
    return {
        "key": key,
        "kind": "hbar",
        "title": title,
        "width": CHART_WIDTH,
        "height": max(len(rows) * row_h, row_h),
        "bars": bars,
        "rows": bars,
        "bar_h": bar_h,
        "total": sum(r["value"] for r in rows),
        "extra_headers": columns or [],
        "empty": not any(r["value"] for r in rows),
    }


def column_chart(key: str, title: str, rows: list[dict], *, width: int = 1100) -> dict:
    """A vertical column chart (for months) with a light grid and the value above each column."""
    left, right, top_pad, plot_h = 34, 8, 18, 170
    top = _nice_max(max([r["value"] for r in rows] + [1]))
    n = max(len(rows), 1)
    slot = (width - left - right) / n
    bar_w = max(min(slot * 0.62, 44), 4)
    every = max(1, math.ceil(n / 12))  # at most twelve x labels
    columns = []
    for i, r in enumerate(rows):
        h = round(plot_h * r["value"] / top, 1)
        x = left + i * slot + (slot - bar_w) / 2
        columns.append(
            {
                **r,
                "x": round(x, 1),
                "y": round(top_pad + plot_h - h, 1),
                "h": h,
                "w": round(bar_w, 1),
                "cx": round(x + bar_w / 2, 1),
                "show_label": i % every == 0,
            }
        )
    grid = []
    for k in range(5):
        value = top * k / 4
        if value != int(value):
            continue
        grid.append({"y": round(top_pad + plot_h - plot_h * k / 4, 1), "value": int(value)})
    return {
        "key": key,
        "kind": "column",
        "title": title,
        "width": width,
        "wide": True,
        "height": top_pad + plot_h + 34,
        "plot_bottom": top_pad + plot_h,
        "left": left,
        "axis_x": left - 6,
        "right_edge": width - right,
        "label_y": top_pad + plot_h + 16,
        "columns": columns,
        "rows": columns,
        "grid": grid,
        "total": sum(r["value"] for r in rows),
        "empty": not any(r["value"] for r in rows),
    }


def _month_range(first: dt.date, last: dt.date, limit: int = 36) -> list[dt.date]:
    months = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        months.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months[-limit:]


def stats_data(user) -> dict:
    """The charts over the counts of ``case_statistics`` (cases the user may see; findings only of
    the cases the user's department handles, PRODUCT §5)."""
    counts = case_statistics(user)
    by_state, by_owner, by_month, by_measure = counts.by_state, counts.by_owner, counts.by_month, counts.by_measure
    intake: dict[str, set[int]] = defaultdict(set, counts.intake)
    found: dict[str, set[int]] = defaultdict(set, counts.found)

    total = sum(by_state.values())
    open_count = sum(n for s, n in by_state.items() if s not in TERMINAL_STATES)
    charts = [
        hbar_chart(
            "circumstance",
            _("Cases by circumstance (Art. 26)"),
            [
                {
                    "label": f"{c.value} {c.label}",
                    "value": len(intake[c.value] | found[c.value]),
                    "cells": [len(intake[c.value]), len(found[c.value])],
                }
                for c in Circumstance
            ],
            columns=[_("Claimed at intake"), _("Found by the investigation")],
        ),
        hbar_chart(
            "measure",
            _("Decided measures (Art. 27)"),
            [
                {
                    "label": str(m.label),
                    "value": by_measure.get(m.value, {}).get("n", 0),
                    "cells": [by_measure.get(m.value, {}).get("cases", 0)],
                }
                for m in Measure
            ],
            columns=[_("Cases")],
        ),
        hbar_chart(
            "state",
            _("Cases by state"),
            [{"label": str(s.label), "value": by_state[s.value], "state": s.value} for s in CaseState if by_state.get(s.value)],
        ),
        hbar_chart(
            "owner",
            _("Cases by handling department"),
            [{"label": row["owner_department__name"], "value": row["n"]} for row in by_owner],
        ),
    ]
    today = local_today()
    this_month = dt.date(today.year, today.month, 1)
    year_ago = dt.date(today.year - 1, today.month, 1) if today.month == 12 else dt.date(today.year - 1, today.month + 1, 1)
    months = _month_range(min([year_ago, *by_month]), max([this_month, *by_month]))
    charts.insert(
        0,
        column_chart(
            "month",
            _("New cases by month"),
            [{"label": m.strftime("%Y-%m"), "value": by_month.get(m, 0)} for m in months],
        ),
    )
    return {
        "total": total,
        "open": open_count,
        "closed": total - open_count,
        "measures": sum(row["n"] for row in by_measure.values()),
        "charts": charts,
    }


@login_required
def stats(request):
    return render(request, "web/stats/stats.html", stats_data(request.user))
