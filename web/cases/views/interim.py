"""先期处置 of one subject: the interim suspensions and removals from post, and the forms of the
authority that manages the post (record, lift, settle at the decision). The authority need not see
the case itself (the city's organization department for a county leader): this page shows it only
what the cadre record already does (number, title, state), the case page link where it may open."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.codes import INTERIM_STATES, CaseState
from cases.models import InterimMeasure
from cases.selectors import FULL, case_access, case_or_none
from cases.selectors.interim import case_subject_or_none, current_post, interim_visible, subject_interim_measures
from cases.services.interim import interim_lift, interim_record, interim_settle
from web.cases.forms import InterimForm, InterimLiftForm, InterimSettleForm
from web.cases.helpers import is_member
from web.common.services import SHOW, run_service

ACTIONS = ("record", "lift", "settle")


def _date(form, name: str) -> dt.date | None:
    raw = form.cleaned_data.get(name) or ""
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        form.add_error(name, _("Expected an ISO date such as 2026-01-31."))
        return None


@login_required
@require_http_methods(["GET", "POST"])
def case_interim(request, pk: int, sid: int):
    case = case_or_none(pk)
    subject = case_subject_or_none(case, sid)
    if case is None or subject is None or not interim_visible(request.user, case, subject):
        raise Http404
    user = request.user
    post = current_post(subject)
    measures = list(subject_interim_measures(subject))
    for measure in measures:
        mine = measure.state == InterimMeasure.State.IN_FORCE and is_member(user, measure.authority_id, leader=True)
        measure.can_lift = mine  # type: ignore[attr-defined]  # read by the template
        measure.can_settle = mine and case.state == CaseState.DECIDED  # type: ignore[attr-defined]  # read by the template
    can_record = case.state in INTERIM_STATES and post is not None and is_member(user, post.managing_authority_id, leader=True)

    record_form = InterimForm(prefix="interim")
    status, page_error, target = 200, "", None
    bound = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in ACTIONS:
            raise Http404
        target = request.POST.get("measure") or ""
        if action != "record" and not target.isdigit():
            raise Http404
        bound = _form(action, target, request.POST)
        if action == "record":
            record_form = bound
        outcome = None
        if bound.is_valid():
            call = _call(request, action, bound, case.pk, subject.pk, target)
            if call is not None:
                outcome = run_service(request, call, form=bound, success=_("Interim measure saved."), denied=SHOW)
                if outcome.ok:
                    return redirect(_back(request, case, subject))
        status = outcome.status if outcome is not None else 400
        page_error = outcome.page_error if outcome is not None else ""
    for measure in measures:
        # Each measure's own forms; the one just posted keeps its values and errors.
        for action in ("lift", "settle"):
            posted = bound is not None and request.POST.get("action") == action and target == str(measure.pk)
            setattr(measure, f"{action}_form", bound if posted else _form(action, str(measure.pk)))
    return render(
        request,
        "web/cases/interim.html",
        {
            "case": case,
            "subject": subject,
            "post": post,
            "measures": measures,
            "can_record": can_record,
            "form": record_form,
            "page_error": page_error,
            "case_url": reverse("web:case_detail", args=[case.pk]) if case_access(case, user) == FULL else None,
        },
        status=status,
    )


def _form(action: str, measure: str, data=None):
    if action == "record":
        return InterimForm(data, prefix="interim")
    if action == "lift":
        return InterimLiftForm(data, prefix=f"lift{measure}")
    return InterimSettleForm(data, prefix=f"settle{measure}")


def _call(request, action: str, form, case_id: int, subject_id: int, target: str | None):
    """The service call of ``action`` closed over the form's values; None when a date is malformed
    (its error is on the form) or the measure is missing (a 404)."""
    data = form.cleaned_data
    if action == "record":
        ordered_on = _date(form, "ordered_on")
        if ordered_on is None:
            return None
        return lambda: interim_record(
            case_id=case_id,
            subject_id=subject_id,
            kind=data.get("kind") or "",
            ordered_on=ordered_on,
            reason=data.get("reason") or "",
            acting_user=request.user,
        )
    measure_id = int(target or 0)
    if action == "lift":
        lifted_on = _date(form, "lifted_on")
        if lifted_on is None:
            return None
        return lambda: interim_lift(
            case_id=case_id,
            subject_id=subject_id,
            measure_id=measure_id,
            lifted_on=lifted_on,
            reason=data.get("reason") or "",
            acting_user=request.user,
        )
    return lambda: interim_settle(
        case_id=case_id,
        subject_id=subject_id,
        measure_id=measure_id,
        outcome=data.get("outcome") or "",
        reason=data.get("reason") or "",
        acting_user=request.user,
    )


def _back(request, case, subject) -> str:
    """Back to the case page where the user sees it (at the subject), else to this page."""
    if request.POST.get("next") == "case" and case_access(case, request.user) == FULL:
        return reverse("web:case_detail", args=[case.pk]) + f"#interim-{subject.pk}"
    return reverse("web:case_interim", args=[case.pk, subject.pk])
