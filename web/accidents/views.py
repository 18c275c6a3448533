"""Accidents (PRODUCT §4, Art. 29–30): the list, recording one (its grade computed), and an
accident's reporting steps with their timeliness and reporting findings.

Writes go through ``cases.services.accidents``; nothing is saved here.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.models import Accident
from cases.selectors.accidents import accident_timeliness
from cases.selectors.handling import ACCIDENT_KINDS
from cases.selectors.pages import (
    accident_cases,
    accident_report_policies,
    accident_rows,
    accident_top_report_level,
    accident_visible_rows,
    accident_with_reports,
    reporting_findings,
)
from cases.services.accidents import accident_create, accident_report_add, reporting_finding_add
from org.access import membership_of
from web.accidents.forms import AccidentForm, AccidentReportForm, ReportingFindingForm
from web.common.helpers import case_url
from web.common.listing import ACCIDENTS, list_controls, wants_partial
from web.common.services import FORM, run_service

PAGE_SIZE = 30


def _loss_wan(accident: Accident) -> Decimal | float:
    """The direct loss in 10,000 yuan (万元), as the pages show it."""
    return accident.direct_loss_yuan / 10000


def _require_accidents(request):
    if request.user.is_superuser:
        return None
    membership = membership_of(request.user)
    if membership is None or membership.department.kind not in ACCIDENT_KINDS:
        raise PermissionDenied(_("Accidents are recorded by emergency management, regulators or the discipline organ."))
    return membership


@login_required
def accident_list(request):
    _require_accidents(request)
    q = (request.GET.get("q") or "").strip()[:100]
    controls = list_controls(request, ACCIDENTS, default_page_size=PAGE_SIZE)
    page = Paginator(controls.apply(accident_rows(request.user, q=q)), controls.page_size).get_page(request.GET.get("page"))
    for accident in page.object_list:
        accident.loss_wan = _loss_wan(accident)
    context = {"page": page, "controls": controls, "q": q}
    template = "web/accidents/_accident_results.html" if wants_partial(request) else "web/accidents/accident_list.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def accident_new(request):
    _require_accidents(request)
    status = 200
    if request.method == "POST":
        form = AccidentForm(request.POST, user=request.user)
        if form.is_valid():
            outcome = run_service(
                request,
                lambda: accident_create(data=form.cleaned_data, acting_user=request.user),
                form=form,
                success=lambda accident: (
                    _("Accident recorded; computed grade: %(grade)s.") % {"grade": accident.get_grade_display()}
                ),
                others=FORM,
            )
            if outcome.ok:
                return redirect("web:accident_detail", pk=outcome.value.pk)
        status = 400
    else:
        form = AccidentForm(user=request.user)
    return render(request, "web/accidents/accident_form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def accident_detail(request, pk: int):
    _require_accidents(request)
    accident = get_object_or_404(accident_visible_rows(request.user), pk=pk)
    top = accident_top_report_level(accident)
    next_level = top + 1 if top is not None else (1 if accident.unit_reported_at else 0)
    report_form = AccidentReportForm(prefix="report", initial={"level": next_level}, user=request.user)
    finding_form = ReportingFindingForm(prefix="finding")
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "report":
            report_form = AccidentReportForm(request.POST, prefix="report", user=request.user)
            if report_form.is_valid():
                outcome = run_service(
                    request,
                    lambda: accident_report_add(accident_id=accident.pk, acting_user=request.user, **report_form.cleaned_data),
                    form=report_form,
                    success=_("Report step recorded."),
                    others=FORM,
                )
                if outcome.ok:
                    return redirect("web:accident_detail", pk=accident.pk)
        elif action == "finding":
            finding_form = ReportingFindingForm(request.POST, prefix="finding")
            if finding_form.is_valid():
                outcome = run_service(
                    request,
                    lambda: reporting_finding_add(accident_id=accident.pk, acting_user=request.user, **finding_form.cleaned_data),
                    form=finding_form,
                    success=_("Reporting finding recorded."),
                    others=FORM,
                )
                if outcome.ok:
                    return redirect("web:accident_detail", pk=accident.pk)
        else:
            raise Http404
        status = 400

    accident = accident_with_reports(pk)
    accident.loss_wan = _loss_wan(accident)  # type: ignore[attr-defined]  # shown by the template
    reports = {r.level: r for r in accident.reports.all()}
    timeliness = accident_timeliness(accident)
    steps = [{**s, "report": reports.get(s["level"])} for s in timeliness["steps"]]
    findings = reporting_findings(accident)
    cases = accident_cases(request.user, accident)
    return render(
        request,
        "web/accidents/accident_detail.html",
        {
            "accident": accident,
            "timeliness": timeliness,
            "steps": steps,
            "findings": findings,
            "cases": [{"case": c, "url": case_url(c.pk)} for c in cases],
            "report_form": report_form,
            "finding_form": finding_form,
            "policies": accident_report_policies(accident),
        },
        status=status,
    )
