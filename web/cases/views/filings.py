"""立案 of one subject (《监察法》第四十二条), recorded by the leader of the discipline organ who
approved it. From the filing date 《公职人员政务处分法》第五十二条 bars moving, promoting and rewarding
the cadre; the cadre record shows it."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.selectors.records import subject_filing
from cases.services.filings import subject_file
from web.cases.forms import FilingForm
from web.cases.helpers import case_for, may_record_filing
from web.common.services import SHOW, run_service


@login_required
@require_http_methods(["GET", "POST"])
def case_filing(request, pk: int, sid: int):
    case, _access = case_for(request, pk)
    subject = next((s for s in case.subjects.all() if s.pk == sid), None)
    if subject is None:
        raise Http404
    if request.method == "GET" and (not may_record_filing(request.user, case) or subject_filing(subject) is not None):
        raise Http404  # nothing to offer; a POST gets the service's own answer (403/409) on the page
    form = FilingForm(request.POST or None)
    status, page_error = 200, ""
    if request.method == "POST" and form.is_valid():
        raw = form.cleaned_data.get("filed_on") or ""
        try:
            filed_on = dt.date.fromisoformat(raw)
        except ValueError:
            form.add_error("filed_on", _("Expected an ISO date such as 2026-01-31."))
            status = 400
        else:
            outcome = run_service(
                request,
                lambda: subject_file(
                    case_id=case.pk,
                    subject_id=subject.pk,
                    filed_on=filed_on,
                    reason=form.cleaned_data.get("reason") or "",
                    acting_user=request.user,
                ),
                form=form,
                success=_("立案 of %(name)s recorded: from %(d)s the bar of 政务处分法第五十二条 applies.")
                % {"name": subject.cadre.name, "d": filed_on.isoformat()},
                denied=SHOW,
            )
            if outcome.ok:
                return redirect(reverse("web:case_detail", args=[case.pk]) + f"#subject-{subject.pk}")
            status, page_error = outcome.status, outcome.page_error
    return render(
        request,
        "web/cases/filing.html",
        {"case": case, "subject": subject, "form": form, "page_error": page_error},
        status=status,
    )
