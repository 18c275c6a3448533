"""Filing an appeal against a decided measure and deciding it (a leader of the deciding department)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.codes import CaseState
from cases.models import Appeal, MeasureDecision
from cases.rules.appeals import ROUTES
from cases.selectors.appeals import AppealContext, appeal_routes_for, open_routes
from cases.selectors.pages import appeals_for_decision
from cases.services import appeals as appeal_services
from web.cases.forms import AppealDecideForm, AppealFileForm
from web.cases.helpers import case_for, is_member, latest_conclusions
from web.common.services import SHOW, run_service


@login_required
def appeal_file(request, pk: int):
    case, _access = case_for(request, pk)
    subjects = [s for s in case.subjects.all() if any(m.state == MeasureDecision.State.DECIDED for m in s.measures.all())]
    if not is_member(request.user, case.owner_department_id) or case.state != CaseState.EXECUTING:
        raise Http404
    context = AppealContext(case)
    for s in subjects:
        s.appeal_routes = appeal_routes_for(s, context=context)  # type: ignore[attr-defined]  # read by the template
    opened = {r for s in subjects for r in open_routes(s)}
    routes = [r for r in ROUTES if r in opened]
    form = AppealFileForm(request.POST or None, subjects=subjects, routes=routes)
    status, page_error = 200, ""
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            filed_on = dt.date.fromisoformat(d.get("filed_on") or "")
        except ValueError:
            form.add_error("filed_on", _("Expected an ISO date such as 2026-01-31."))
            status = 400
        else:
            subject_id = int(d["subject"]) if str(d.get("subject") or "").isdigit() else -1
            outcome = run_service(
                request,
                lambda: appeal_services.appeal_file(
                    case_id=case.pk,
                    subject_id=subject_id,
                    filed_on=filed_on,
                    grounds=d.get("grounds") or "",
                    route=d.get("route") or None,
                    stage=d.get("stage") or None,
                    acting_user=request.user,
                ),
                form=form,
                success=_("The appeal was filed; a leader of the deciding department decides it."),
                denied=SHOW,
            )
            if outcome.ok:
                return redirect(reverse("web:case_detail", args=[case.pk]) + "#appeals")
            status, page_error = outcome.status, outcome.page_error
    return render(
        request,
        "web/cases/appeal_file.html",
        {"case": case, "form": form, "page_error": page_error, "subjects": subjects},
        status=status,
    )


@login_required
def appeal_decide(request, appeal_id: int):
    appeal = get_object_or_404(appeals_for_decision(), pk=appeal_id)
    case, _access = case_for(request, appeal.case_id)
    if request.method == "GET" and (
        appeal.state != Appeal.State.FILED or not is_member(request.user, appeal.deciding_department_id, leader=True)
    ):
        raise Http404
    subject = next(s for s in case.subjects.all() if s.pk == appeal.subject_id)
    conclusion = latest_conclusions([subject]).get(subject.pk)
    allowed = conclusion.output.get("allowed_measures", []) if conclusion else []
    form = AppealDecideForm(request.POST or None, appeal=appeal, allowed=allowed)
    status, page_error = 200, ""
    if request.method == "POST" and form.is_valid():
        outcome = form.cleaned_data.get("outcome") or ""
        delivered_raw = form.cleaned_data.get("delivered_on") or ""
        try:
            delivered_on = dt.date.fromisoformat(delivered_raw) if delivered_raw else None
        except ValueError:
            form.add_error("delivered_on", _("Expected an ISO date such as 2026-01-31."))
            status = 400
        else:
            done = run_service(
                request,
                lambda: appeal_services.appeal_decide(
                    appeal_id=appeal.pk,
                    outcome=outcome,
                    reason=form.cleaned_data.get("reason") or "",
                    acting_user=request.user,
                    measures=form.measures_payload() if outcome == "revised" else None,
                    delivered_on=delivered_on,
                ),
                form=form,
                success=_("The appeal was decided."),
                denied=SHOW,
            )
            if done.ok:
                return redirect(reverse("web:case_detail", args=[case.pk]) + "#appeals")
            status, page_error = done.status, done.page_error
    decided = [m for m in subject.measures.all() if m.state == MeasureDecision.State.DECIDED]
    return render(
        request,
        "web/cases/appeal_decide.html",
        {"case": case, "appeal": appeal, "subject": subject, "decided": decided, "form": form, "page_error": page_error},
        status=status,
    )
