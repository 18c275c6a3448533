"""The case list with its filters, and its export to a workbook."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from cases.codes import CaseState
from cases.models import Case
from cases.selectors import case_list, case_owner_departments
from cases.selectors.pages import subjects_prefetch
from core.api.pagination import EstimatingPaginator
from core.xlsx import append_row
from web.common.case_filters import filter_chips, parse_narrowing
from web.common.listing import CASES, list_controls, wants_partial

PAGE_SIZE = CASES.default_page_size
EXPORT_LIMIT = 10_000


def _filtered_cases(request):
    state = request.GET.get("state") or None
    if state and not all(s in CaseState.values for s in state.split(",")):
        state = None
    department = request.GET.get("department") or ""
    department_id = int(department) if department.isdigit() else None
    q = (request.GET.get("q") or "").strip() or None
    # The statistics' filters (a figure's drill-down): a bad value is an error, not ignored.
    narrowing, errors = parse_narrowing(request.GET)
    qs = case_list(user=request.user, state=state, department=department_id, q=q, **narrowing)
    return qs, {"state": state or "", "department": department_id, "q": q or "", "errors": errors}


@login_required
def case_list_page(request):
    qs, filters = _filtered_cases(request)
    # Sort and page size (web.common.listing); no sort keeps case_list's index-served order.
    controls = list_controls(request, CASES, default_page_size=PAGE_SIZE)
    qs = controls.apply(qs)
    # Counted like the API's lists: exact up to 1,000, then PostgreSQL's estimate (BENCH W3).
    rows = [] if filters["errors"] else qs.prefetch_related(subjects_prefetch())
    page = EstimatingPaginator(rows, controls.page_size).get_page(request.GET.get("page"))
    context = {"page": page, "filters": filters, "controls": controls}
    if wants_partial(request):
        return render(request, "web/cases/_case_results.html", context, status=400 if filters["errors"] else 200)
    owners = case_owner_departments(request.user, selected=filters["department"])
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "web/cases/case_list.html",
        {
            **context,
            "states": CaseState.choices,
            "departments": owners,
            "query": params.urlencode(),
            "chips": filter_chips(request.GET, {d.pk: d.name for d in owners}, base=request.path),
        },
        status=400 if filters["errors"] else 200,
    )


@login_required
def case_export(request):
    qs, filters = _filtered_cases(request)
    if filters["errors"]:
        return HttpResponseBadRequest(" ".join(filters["errors"]), content_type="text/plain; charset=utf-8")
    field = Case._meta.get_field
    headers = [
        field("number").verbose_name,
        field("title").verbose_name,
        field("state").verbose_name,
        field("owner_department").verbose_name,
        field("source_department").verbose_name,
        field("source_kind").verbose_name,
        Case.subjects.rel.related_model._meta.verbose_name_plural,
        field("created_at").verbose_name,
        field("decided_on").verbose_name,
        field("delivered_on").verbose_name,
        field("closed_at").verbose_name,
    ]
    wb = Workbook()
    ws = wb.active
    ws.title = str(Case._meta.verbose_name_plural)[:31]
    append_row(ws, [str(h) for h in headers])
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="102A43")
        cell.alignment = Alignment(vertical="center")

    def naive(value):
        return timezone.localtime(value).replace(tzinfo=None) if value else None

    for case in qs.prefetch_related(subjects_prefetch())[:EXPORT_LIMIT]:
        append_row(
            ws,
            [
                case.number,
                case.title,
                case.get_state_display(),
                case.owner_department.name,
                case.source_department.name,
                case.get_source_kind_display(),
                "、".join(s.cadre.name for s in case.subjects.all()),
                naive(case.created_at),
                case.decided_on,
                case.delivered_on,
                naive(case.closed_at),
            ],
        )
    for column, width in zip("ABCDEFGHIJK", (15, 48, 16, 24, 24, 16, 24, 18, 12, 12, 18), strict=True):
        ws.column_dimensions[column].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row[7:]:
            cell.number_format = "yyyy-mm-dd hh:mm" if cell.column in (8, 11) else "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="zeren-cases-{timezone.localdate():%Y%m%d}.xlsx"'
    wb.save(response)
    return response
