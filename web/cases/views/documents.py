"""The documents of a decided case (issue 14 item 6): one per deciding organ, and the checklist of
every unverified default the decision relied on, which a member of the case's department confirms
before any document is issued (``cases.services.issuance``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.codes import DECIDED_STATES
from cases.documents import documents_of
from cases.selectors.issuance import confirmation, documents_confirmed, issuance_checklist
from cases.services.issuance import documents_confirm
from web.cases.helpers import case_for
from web.common.services import SHOW, run_service


@login_required
@require_http_methods(["GET", "POST"])
def case_documents(request, pk: int):
    case, _access = case_for(request, pk)
    if case.state not in DECIDED_STATES:
        raise Http404
    checklist = issuance_checklist(case)
    status, page_error = 200, ""
    if request.method == "POST":
        keys = request.POST.getlist("items")
        outcome = run_service(
            request,
            lambda: documents_confirm(
                case_id=case.pk, keys=keys, acting_user=request.user, reason=request.POST.get("reason", "")
            ),
            success=_("Confirmed: the documents may be issued."),
            denied=SHOW,
        )
        if outcome.ok:
            return redirect(reverse("web:case_documents", args=[case.pk]))
        status, page_error = outcome.status, outcome.page_error
    confirmed = documents_confirmed(case, checklist)
    event = confirmation(case) if confirmed and checklist["items"] else None
    base = f"/api/v1/cases/{case.pk}"
    documents = [
        {
            "spec": spec,
            "pdf": f"{base}/decision.pdf?document={spec.key}",
            "docx": f"{base}/decision.docx?document={spec.key}",
        }
        for spec in documents_of(case)
    ]
    return render(
        request,
        "web/cases/documents.html",
        {
            "case": case,
            "documents": documents,
            "items": checklist["items"],
            "confirmed": confirmed,
            "confirmation": event,
            "page_error": page_error,
        },
        status=status,
    )
