"""Referrals sent to the user's department: acknowledge, accept or return them (PRODUCT §5, Art. 34).

Writes go through ``cases.services.referrals.referral_move``; nothing is saved here.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cases.models import DeadlinePolicy, Referral
from cases.selectors.pages import (
    deadline_policy_in_force,
    referral_received,
    referrals_received_handled,
    referrals_received_open,
)
from cases.services.referrals import referral_move
from core.persistence import local_today
from web.common.helpers import case_url, department_membership, measure_label
from web.common.listing import REFERRALS, list_controls, wants_partial
from web.common.services import FLASH, run_service
from web.referrals.forms import ReferralReturnForm

PAGE_SIZE = 30


def _policy(code: str, department: int) -> DeadlinePolicy | None:
    return deadline_policy_in_force(code, local_today(), department=department)


MATERIAL_KINDS = {
    "case_file": gettext_lazy("Case file"),
    "subject": gettext_lazy("Subject"),
    "facts": gettext_lazy("Facts"),
    "findings": gettext_lazy("Findings"),
    "assessment": gettext_lazy("Assessment"),
    "measure": gettext_lazy("Measure"),
    "events": gettext_lazy("Event log"),
}


def _material_lines(materials) -> list[str]:
    lines = []
    for item in materials or []:
        if not isinstance(item, dict):
            continue
        kind = item.get("kind", "")
        parts = [str(MATERIAL_KINDS.get(kind, kind))]
        if item.get("measure"):
            parts.append(measure_label(item["measure"]))
        for key in ("ref", "title", "count", "text"):
            if item.get(key) not in (None, ""):
                parts.append(str(item[key]))
        lines.append(" · ".join(parts))
    return lines


def _referrals_context(request, department, errors: dict[int, ReferralReturnForm] | None = None) -> dict:
    now = timezone.now()
    soon = now + dt.timedelta(days=1)
    open_qs = referrals_received_open(department)
    rows = []
    for r in open_qs:
        overdue = r.state == Referral.State.SENT and r.acknowledge_by is not None and r.acknowledge_by < now
        due_soon = not overdue and r.state == Referral.State.SENT and r.acknowledge_by is not None and r.acknowledge_by < soon
        form = (errors or {}).get(r.pk) or ReferralReturnForm(prefix=f"r{r.pk}")
        rows.append(
            {
                "referral": r,
                "overdue": overdue,
                "due_soon": due_soon,
                "form": form,
                "url": case_url(r.case_id),
                "materials": _material_lines(r.materials),
            }
        )
    q = (request.GET.get("q") or "").strip()[:100]
    controls = list_controls(request, REFERRALS, default_page_size=PAGE_SIZE)
    handled_qs = controls.apply(referrals_received_handled(department, q=q))
    handled_page = Paginator(handled_qs, controls.page_size).get_page(request.GET.get("page"))
    return {
        "department": department,
        "rows": rows,
        "handled_page": handled_page,
        "controls": controls,
        "q": q,
        "policy": _policy("referral_acknowledgement", department.pk),
        "overdue_count": sum(1 for row in rows if row["overdue"]),
    }


@login_required
def referrals(request):
    membership = department_membership(request)
    context = _referrals_context(request, membership.department)
    template = "web/referrals/_handled_results.html" if wants_partial(request) else "web/referrals/referrals.html"
    return render(request, template, context)


REFERRAL_MESSAGES = {
    "acknowledge": gettext_lazy("Referral for %(number)s acknowledged."),
    "accept": gettext_lazy("Referral for %(number)s accepted."),
    "return": gettext_lazy("Referral for %(number)s returned."),
}


@login_required
@require_POST
def referral_action(request, pk: int, move: str):
    if move not in REFERRAL_MESSAGES:
        raise Http404
    membership = department_membership(request)
    referral = referral_received(pk, membership.department)
    if referral is None:
        raise Http404
    form = ReferralReturnForm(request.POST, prefix=f"r{pk}")
    form.is_valid()
    outcome = run_service(
        request,
        lambda: referral_move(referral_id=pk, move=move, acting_user=request.user, reason=form.cleaned_data.get("reason", "")),
        form=form,
        success=str(REFERRAL_MESSAGES[move]) % {"number": referral.case.number},
        others=FLASH,
    )
    if outcome.on_form:  # a field error (the reason of a return): shown next to the field
        context = _referrals_context(request, membership.department, errors={pk: form})
        return render(request, "web/referrals/referrals.html", context, status=outcome.status)
    return redirect("web:referrals")
