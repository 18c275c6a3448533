"""A subject's findings (the rule engine's inputs, PRODUCT §2) with the engine's assessment and
the subject's duty ledger over the year before the conduct (PRODUCT §3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.codes import FINDING_STATES
from cases.services import findings as finding_services
from duties.selectors.compliance import conduct_compliance
from web.cases.forms import FindingsForm
from web.cases.helpers import case_for, is_member, latest_conclusions
from web.common.pages import live_previews, subjects_with_records
from web.common.services import SHOW, run_service

_SESSION_OUTPUT = "zeren_findings_output"


@login_required
def findings(request, pk: int, sid: int):
    case, _access = case_for(request, pk)
    subjects = subjects_with_records(case)
    subject = next((s for s in subjects if s.pk == sid), None)
    if subject is None:
        raise Http404
    editable = is_member(request.user, case.owner_department_id) and case.state in FINDING_STATES
    status, page_error = 200, ""
    if request.method == "POST":
        form = FindingsForm(request.POST)
        if form.is_valid():
            outcome = run_service(
                request,
                lambda: finding_services.finding_put(
                    case_id=case.pk, subject_id=subject.pk, data=form.data_for_service(), acting_user=request.user
                ),
                form=form,
                success=_("Findings saved. The rule engine's assessment is shown below."),
                denied=SHOW,
            )
            if outcome.ok:
                request.session[_SESSION_OUTPUT] = {"subject": subject.pk, "output": outcome.value}
                return redirect(reverse("web:case_findings", args=[case.pk, subject.pk]) + "#engine")
            status, page_error = outcome.status, outcome.page_error
    else:
        form = FindingsForm(initial=FindingsForm.initial_for(subject, case))
    stored = request.session.pop(_SESSION_OUTPUT, None) if request.method == "GET" else None
    conclusion = latest_conclusions([subject]).get(subject.pk)
    if stored and stored.get("subject") == subject.pk:
        output, source = stored["output"], "saved"
    elif conclusion is not None:
        output, source = conclusion.output, "conclusion"
    else:
        output, source = live_previews([subject]).get(subject.pk), "preview"
    others = [s for s in subjects if s.pk != subject.pk]
    ledger = _ledger_for(subject, form)
    return render(
        request,
        "web/cases/findings.html",
        {
            "case": case,
            "subject": subject,
            "others": others,
            "form": form,
            "editable": editable,
            "output": output,
            "output_source": source,
            "conclusion": conclusion,
            "page_error": page_error,
            "ledger": ledger,
        },
        status=status,
    )


def _ledger_for(subject, form) -> dict[str, Any]:
    """The subject's duty ledger over the twelve months up to the conduct (PRODUCT §3): the
    investigator's evidence for Art. 26.1 and for an Art. 31 exemption claim."""

    raw = form.data.get("conduct_date") if form.is_bound else form.initial.get("conduct_date")
    try:
        conduct = dt.date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        conduct = None
    estimated = conduct is None
    conduct = conduct or timezone.localdate()
    result = conduct_compliance(subject.cadre_id, conduct)
    rows = []
    for obligation in result["obligations"]:
        judged = [p for p in obligation["periods"] if p["status"] != "pending"]
        rows.append(
            {
                **obligation,
                "judged": len(judged),
                "met_count": sum(1 for p in judged if p["status"] == "met"),
                "missed": [p for p in judged if p["status"] == "missed"],
                "partial": [p for p in judged if p["status"] == "partial"],
            }
        )
    return {
        "conduct": conduct,
        "start": result["start"],
        "estimated": estimated,
        "fully_met": result["fully_met"],
        "catalogs": result["catalogs"],
        "no_catalog": result["no_catalog"],
        "rows": rows,
        "year": conduct.year,
    }
