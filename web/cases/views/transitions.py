"""The form of each transition (``cases.services.lifecycle.case_transition``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import MeasureDecision
from cases.selectors import case_detail
from cases.selectors.pages import case_open_work
from cases.selectors.transitions import available_transitions, step_already_done_by
from cases.services import lifecycle
from cases.services.lifecycle import TRANSITIONS
from web.cases.forms import TransitionForm
from web.cases.helpers import case_for, latest_conclusions
from web.common.labels import TRANSITION_HELP, TRANSITION_LABELS
from web.common.pages import live_previews, subjects_with_records
from web.common.services import SHOW, run_service

STALE_FORM = gettext_lazy(
    "The case was changed by someone else since you opened this form. Reload it to see the changes, then try again."
)
# Back and resubmit of a step the user already took: nothing changed, and nobody else was involved.
ALREADY_DONE = gettext_lazy("You already did this step (%(what)s); it was not done a second time.")


def _transition_context(case, name: str, subjects, conclusions) -> dict:
    context: dict = {}
    if name in ("submit_findings", "conclude"):
        previews = live_previews(subjects) if name == "conclude" else {}
        for subject in subjects:
            subject.preview = previews.get(subject.pk)
        context["subjects"] = subjects
    if name in ("approve", "reject"):
        context["proposed"] = [m for s in subjects for m in s.measures.all() if m.state == MeasureDecision.State.PROPOSED]
    if name == "close":
        context["open_executions"], context["pending_appeals"] = case_open_work(case)
    return context


def _reload_url(case, name: str, user) -> str:
    fresh = case_detail(case.pk)  # the case as it is now, not as the form saw it
    if fresh is not None and name in available_transitions(fresh, user):
        return reverse("web:case_transition", args=[case.pk, name])
    return reverse("web:case_detail", args=[case.pk])


@login_required
def case_transition(request, pk: int, name: str):
    case, _access = case_for(request, pk)
    if name not in TRANSITIONS:
        raise Http404
    if request.method == "GET" and name not in available_transitions(case, request.user):
        raise Http404
    subjects = subjects_with_records(case)
    conclusions = latest_conclusions(subjects)
    initial: dict[str, Any] = {"version": case.version}
    if name == "accept":
        initial["team"] = [request.user.username]
    form = TransitionForm(
        request.POST or None, name=name, case=case, subjects=subjects, conclusions=conclusions, initial=initial, user=request.user
    )
    status, page_error, stale = 200, "", False
    if request.method == "POST":
        if form.is_valid():
            outcome = run_service(
                request,
                lambda: lifecycle.case_transition(
                    case_id=case.pk,
                    name=name,
                    payload=form.payload(),
                    acting_user=request.user,
                    expected_version=form.expected_version(),
                ),
                form=form,
                success=_("Done: %(what)s.") % {"what": TRANSITION_LABELS[name]},
                denied=SHOW,
                stale_message=STALE_FORM,
            )
            if outcome.ok:
                return redirect("web:case_detail", pk=case.pk)
            expected = form.expected_version()
            if (
                outcome.stale
                and expected is not None
                and step_already_done_by(case_id=case.pk, name=name, user=request.user, since_version=expected)
            ):
                messages.info(request, ALREADY_DONE % {"what": TRANSITION_LABELS[name]})
                return redirect("web:case_detail", pk=case.pk)
            status, page_error, stale = outcome.status, outcome.page_error, outcome.stale
        else:
            status = 400
    context = {
        "case": case,
        "name": name,
        "label": TRANSITION_LABELS[name],
        "help": TRANSITION_HELP[name],
        "form": form,
        "page_error": page_error,
        "stale": stale,
        # The reload link: this form again while the step is still open to the user, otherwise
        # the case page (the form of a step no longer open answers 404).
        "reload_url": _reload_url(case, name, request.user) if stale else "",
        "conclusions": conclusions,
        **_transition_context(case, name, subjects, conclusions),
    }
    return render(request, "web/cases/transition.html", context, status=status)
