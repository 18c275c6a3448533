"""A subject's findings (the rule engine's inputs, PRODUCT §2) with the engine's assessment and
the subject's duty ledger over the year before the conduct (PRODUCT §3); Art. 31's three findings
and the gaps of the ledger with their explanations (issue 13, ``ledger_gaps``)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.codes import FINDING_STATES
from cases.selectors.exemption import art31_ledger, engine_full_performance
from cases.selectors.materials import material_series
from cases.services import exemption as exemption_services
from cases.services import findings as finding_services
from duties.selectors.compliance import conduct_compliance
from duties.selectors.ledger import visible_records
from web.cases.forms import FindingsForm, GapExplanationForm, material_choices
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
    saved = _finding_of(subject)
    materials = material_choices(material_series(case), cited=saved.materials if saved is not None else ())
    if request.method == "POST":
        form = FindingsForm(request.POST, materials=materials)
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
        form = FindingsForm(initial=FindingsForm.initial_for(subject, case), materials=materials)
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
    art31 = _art31_for(case, subject)
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
            "art31": art31,
        },
        status=status,
    )


def _finding_of(subject):
    return getattr(subject, "finding", None) if hasattr(subject, "finding") else None


def _gap_link(case, subject, gap) -> str:
    url = reverse("web:case_ledger_gaps", args=[case.pk, subject.pk])
    return f"{url}?{urlencode({'obligation': gap['obligation'], 'period': gap['start'].isoformat()})}#explain"


def _art31_for(case, subject) -> dict[str, Any] | None:
    """Art. 31's ledger for the saved findings (the explanations are kept against the saved
    conduct date): each gap with its explanation or the link to record one, and what the rule
    engine is given now. ``None`` until findings with a conduct date are saved."""
    finding = _finding_of(subject)
    if finding is None:
        return None
    ledger = art31_ledger(subject, finding.conduct_date)
    return {
        **ledger,
        "gaps": [{**gap, "link": _gap_link(case, subject, gap)} for gap in ledger["gaps"]],
        "engine": engine_full_performance(finding, ledger),
        "justification": finding.exemption_justification,
    }


@login_required
def ledger_gaps(request, pk: int, sid: int):
    """The gaps the duty ledger shows for Art. 31, and the form to explain one of them
    (``?obligation=&period=``): reason, evidence, duty records of the cadre."""
    case, _access = case_for(request, pk)
    subject = next((s for s in case.subjects.all() if s.pk == sid), None)
    if subject is None:
        raise Http404
    editable = is_member(request.user, case.owner_department_id) and case.state in FINDING_STATES
    finding = _finding_of(subject)
    context: dict[str, Any] = {"case": case, "subject": subject, "editable": editable, "art31": None, "gap": None}
    if finding is None:
        return render(request, "web/cases/ledger_gaps.html", context)
    ledger = art31_ledger(subject, finding.conduct_date)
    context["art31"] = {**ledger, "gaps": [{**g, "link": _gap_link(case, subject, g)} for g in ledger["gaps"]]}
    source = request.POST if request.method == "POST" else request.GET
    wanted = (str(source.get("obligation", "")), str(source.get("period") or source.get("period_start") or ""))
    gap = next((g for g in ledger["gaps"] if (str(g["obligation"]), g["start"].isoformat()) == wanted), None)
    context["gap"] = gap
    status, page_error = 200, ""
    if gap is not None or request.method == "POST":
        since = min(ledger["from"], gap["start"]) if gap else ledger["from"]
        records = list(visible_records(request.user, cadre_id=subject.cadre_id, since=since, with_voided=False))
        if request.method == "POST":
            # The service decides (403 outside the handling department, 409 outside the findings
            # states, 400 for a block that is no gap): the fields are lenient.
            form = GapExplanationForm(request.POST, records=records)
            if form.is_valid():
                outcome = run_service(
                    request,
                    lambda: exemption_services.gap_explanation_record(
                        case_id=case.pk, subject_id=subject.pk, acting_user=request.user, **form.data_for_service()
                    ),
                    form=form,
                    success=_("Explanation recorded. The gap no longer stands in the way of the duties finding."),
                    denied=SHOW,
                )
                if outcome.ok:
                    return redirect(reverse("web:case_findings", args=[case.pk, subject.pk]) + "#art31")
                status, page_error = outcome.status, outcome.page_error
        else:
            assert gap is not None  # a GET shows a form only for a gap of the ledger
            explanation = gap["explanation"]
            initial = {"obligation": gap["obligation"], "period_start": gap["start"].isoformat()}
            if explanation is not None:
                initial |= {
                    "reason": explanation.reason,
                    "evidence": explanation.evidence,
                    "duty_records": [str(r.pk) for r in explanation.duty_records.all()],
                }
            form = GapExplanationForm(initial=initial, records=records)
        context["form"] = form
    context["page_error"] = page_error
    return render(request, "web/cases/ledger_gaps.html", context, status=status)


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
