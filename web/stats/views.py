"""Statistics over the cases the user may see (PRODUCT §9): counts by circumstance, measure,
state, handling department and month, drawn as server-side SVG charts; filtered by year,
handling department, circumstance, measure and state (issue 16 item 9), every figure a link to
the case list under the same filters (its count is the figure), and exported as XLSX or CSV.

What each figure counts (and what its drill-down lists):

- the KPIs: cases; open ones (a state not terminal); closed ones; cases with at least one
  decided measure. "Decided measures" counts decisions (one per cadre and measure) and is the
  one figure without a list, since a list shows cases, not decisions;
- circumstances: cases claiming the code at intake or found with it (findings only of cases the
  department handles), and the two parts (``claimed=`` / ``found=``);
- measures: cases with a decided measure of that code (a case once however many cadres got it),
  next to the number of decisions;
- states, handling departments, months of receipt: cases.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from cases.codes import TERMINAL_STATES, CaseState, Circumstance, Measure
from cases.selectors import case_owner_departments
from cases.selectors.pages import case_statistics, case_years
from core.persistence import local_today
from core.xlsx import append_row, is_formula_like
from web.common.case_filters import CODE_PARAMS, filter_chips, parse_narrowing, parse_states

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
                "y_row": y,
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
        "row_h": row_h,
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


class Drill:
    """Links to the case list under the page's filters and one figure's own (``None`` where the
    two cannot both hold, e.g. a state outside the filtered ones: that figure is 0)."""

    def __init__(self, filters: dict[str, Any]):
        self.filters = filters

    def __call__(self, *, state: Sequence[str] | None = None, department: int | None = None, **extra: Any) -> str | None:
        f = self.filters
        pairs: list[tuple[str, str]] = []
        if f.get("year"):
            pairs.append(("year", str(f["year"])))
        month = extra.pop("month", None) or f.get("month")
        if month:
            pairs.append(("month", month.strftime("%Y-%m")))
        for name in CODE_PARAMS:
            for group in [*f.get(name, []), *extra.get(name, [])]:
                pairs.append((name, ",".join(group)))
        states = list(f.get("state") or [])
        if state is not None:
            states = [s for s in state if not states or s in states]
            if not states:
                return None
        if states:
            pairs.append(("state", ",".join(states)))
        if department is not None and f.get("department") and department != f["department"]:
            return None
        if department or f.get("department"):
            pairs.append(("department", str(department or f["department"])))
        url = reverse("web:case_list")
        return f"{url}?{urlencode(pairs)}" if pairs else url


def _linked(value: int, href: str | None) -> dict[str, Any]:
    return {"value": value, "href": href if value else None}


def stats_data(user, filters: dict[str, Any] | None = None) -> dict:
    """The charts over the counts of ``case_statistics`` (cases the user may see; findings only of
    the cases the user's department handles, PRODUCT §5), under ``filters`` (``state``,
    ``department`` and the narrowing of ``web.common.case_filters.parse_narrowing``)."""
    filters = filters or {}
    counts = case_statistics(user, **filters)
    drill = Drill(filters)
    by_state, by_owner, by_month, by_measure = counts.by_state, counts.by_owner, counts.by_month, counts.by_measure
    intake: dict[str, set[int]] = defaultdict(set, counts.intake)
    found: dict[str, set[int]] = defaultdict(set, counts.found)

    total = sum(by_state.values())
    open_states = [s for s in CaseState.values if s not in TERMINAL_STATES]
    closed_states = [s for s in CaseState.values if s in TERMINAL_STATES]
    open_count = sum(n for s, n in by_state.items() if s not in TERMINAL_STATES)
    charts = [
        hbar_chart(
            "circumstance",
            _("Cases by circumstance (Art. 26)"),
            [
                {
                    "label": f"{c.value} {c.label}",
                    "code": c.value,
                    "value": len(intake[c.value] | found[c.value]),
                    "href": drill(circumstance=[(c.value,)]),
                    "cells": [
                        _linked(len(intake[c.value]), drill(claimed=[(c.value,)])),
                        _linked(len(found[c.value]), drill(found=[(c.value,)])),
                    ],
                }
                for c in Circumstance
            ],
            columns=[_("Claimed at intake"), _("Found by the investigation")],
        ),
        hbar_chart(
            "measure",
            _("Cases by decided measure (Art. 27)"),
            [
                {
                    "label": str(m.label),
                    "code": m.value,
                    "value": by_measure.get(m.value, {}).get("cases", 0),
                    "href": drill(measure=[(m.value,)]),
                    "cells": [_linked(by_measure.get(m.value, {}).get("n", 0), None)],
                }
                for m in Measure
            ],
            columns=[_("Decisions (one per cadre)")],
        ),
        hbar_chart(
            "state",
            _("Cases by state"),
            [
                {
                    "label": str(s.label),
                    "code": s.value,
                    "value": by_state[s.value],
                    "state": s.value,
                    "href": drill(state=[s.value]),
                }
                for s in CaseState
                if by_state.get(s.value)
            ],
        ),
        hbar_chart(
            "owner",
            _("Cases by handling department"),
            [
                {
                    "label": row["owner_department__name"],
                    "code": str(row["owner_department_id"]),
                    "value": row["n"],
                    "href": drill(department=row["owner_department_id"]),
                }
                for row in by_owner
            ],
        ),
    ]
    today = local_today()
    this_month = dt.date(today.year, today.month, 1)
    if filters.get("year"):
        year = filters["year"]
        last = 12 if year < today.year else (today.month if year == today.year else 1)
        months = _month_range(dt.date(year, 1, 1), dt.date(year, last, 1))
    else:
        year_ago = dt.date(today.year - 1, today.month, 1) if today.month == 12 else dt.date(today.year - 1, today.month + 1, 1)
        months = _month_range(min([year_ago, *by_month]), max([this_month, *by_month]))
    charts.insert(
        0,
        column_chart(
            "month",
            _("New cases by month"),
            [
                {"label": m.strftime("%Y-%m"), "code": m.strftime("%Y-%m"), "value": by_month.get(m, 0), "href": drill(month=m)}
                for m in months
            ],
        ),
    )
    for chart in charts:
        for row in chart["rows"]:
            row["href"] = row["href"] if row["value"] else None
    kpis = [
        {"key": "total", "label": _("Cases"), **_linked(total, drill())},
        {"key": "open", "label": _("Open"), **_linked(open_count, drill(state=open_states))},
        {
            "key": "closed",
            "label": _("Closed, disposed of or not pursued"),
            **_linked(total - open_count, drill(state=closed_states)),
        },
        {
            "key": "with-measure",
            "label": _("Cases with a decided measure"),
            **_linked(counts.with_measure, drill(measure=[tuple(Measure.values)])),
        },
        {
            "key": "measures",
            "label": _("Decided measures (one per cadre and measure)"),
            **_linked(sum(row["n"] for row in by_measure.values()), None),
        },
    ]
    return {
        "total": total,
        "open": open_count,
        "closed": total - open_count,
        "measures": sum(row["n"] for row in by_measure.values()),
        "with_measure": counts.with_measure,
        "kpis": kpis,
        "charts": charts,
    }


def _read_filters(request) -> tuple[dict[str, Any], list[str], list]:
    """``(filters, errors, departments)`` from the query string: the department must be one the
    user may choose (``case_owner_departments``: where the user is and the organs above)."""
    narrowing, errors = parse_narrowing(request.GET)
    states, error = parse_states(request.GET.get("state"))
    if error:
        errors.append(error)
    raw = (request.GET.get("department") or "").strip()
    selected = int(raw) if raw.isdigit() else None
    departments = list(case_owner_departments(request.user, selected=selected))
    filters: dict[str, Any] = dict(narrowing)
    if states:
        filters["state"] = states
    if raw and (selected is None or selected not in {d.pk for d in departments}):
        errors.append(_("“%(value)s” is not a department whose cases you may see.") % {"value": raw})
    elif selected:
        filters["department"] = selected
    return filters, errors, departments


@login_required
def stats(request):
    filters, errors, departments = _read_filters(request)
    context: dict[str, Any] = {
        "errors": errors,
        "departments": departments,
        "years": case_years(request.user),
        "circumstances": Circumstance.choices,
        "measures_choices": Measure.choices,
        "states": CaseState.choices,
        "selected": {
            "year": request.GET.get("year", ""),
            "department": request.GET.get("department", ""),
            "circumstance": request.GET.get("circumstance", ""),
            "measure": request.GET.get("measure", ""),
            "state": request.GET.get("state", ""),
        },
        "chips": filter_chips(request.GET, {d.pk: d.name for d in departments}, base=request.path),
        "query": request.GET.urlencode(),
    }
    if errors:
        return render(request, "web/stats/stats.html", context, status=400)
    return render(request, "web/stats/stats.html", {**context, **stats_data(request.user, filters)})


# --- export ---------------------------------------------------------------------------------------


def _table(request) -> tuple[list[list[Any]], list[int]] | HttpResponse:
    """The filtered statistics as rows (title rows, headers, values), or a 400 naming the bad
    filter values."""
    filters, errors, departments = _read_filters(request)
    if errors:
        return HttpResponse(" ".join(errors), status=400, content_type="text/plain; charset=utf-8")
    data = stats_data(request.user, filters)
    chips = filter_chips(request.GET, {d.pk: d.name for d in departments}, base=request.path)
    rows: list[list[Any]] = [
        [_("Statistics")],
        [_("Exported"), timezone.localtime().strftime("%Y-%m-%d %H:%M")],
        [_("Filters"), "; ".join(c["label"] for c in chips) or _("None")],
        [],
    ]
    for kpi in data["kpis"]:
        rows.append([str(kpi["label"]), kpi["value"]])
    bold = [0]
    for chart in data["charts"]:
        rows.append([])
        bold.append(len(rows))
        rows.append([str(chart["title"])])
        rows.append([_("Category"), _("Cases"), *[str(h) for h in chart.get("extra_headers", [])]])
        bold.append(len(rows) - 1)
        for row in chart["rows"]:
            rows.append([str(row["label"]), row["value"], *[cell["value"] for cell in row.get("cells", [])]])
    return rows, bold


def _filename(ext: str) -> str:
    return f'attachment; filename="zeren-stats-{timezone.localdate():%Y%m%d}.{ext}"'


@login_required
def stats_export(request):
    table = _table(request)
    if isinstance(table, HttpResponse):
        return table
    rows, bold = table
    wb = Workbook()
    ws = wb.active
    ws.title = str(_("Statistics"))[:31]
    for values in rows:
        append_row(ws, values)  # department names are user text: never a live formula
    for index in bold:
        for cell in ws[index + 1]:
            cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 60
    for column in "BCD":
        ws.column_dimensions[column].width = 16
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = _filename("xlsx")
    wb.save(response)
    return response


def _csv_cell(value: Any) -> Any:
    """A text a spreadsheet would evaluate (``=``, ``+``, ``-``, ``@`` …) gets a leading quote."""
    return f"'{value}" if is_formula_like(value) else value


@login_required
def stats_export_csv(request):
    table = _table(request)
    if isinstance(table, HttpResponse):
        return table
    rows, _bold = table
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _filename("csv")
    response.write("\ufeff")  # a BOM, so Excel reads the Chinese as UTF-8
    writer = csv.writer(response)
    for values in rows:
        writer.writerow([_csv_cell(v) for v in values])
    return response
