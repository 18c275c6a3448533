"""Lead intake (PRODUCT §4, Art. 34) and what a department referred (PRODUCT §5).

Writes go through ``cases.services`` (nothing is saved here); reads of cases go through
``cases.selectors`` so department visibility is applied in one place. A referring agency sees
only the status and the outcome of what it referred.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.codes import OUTCOME_STATES, SourceKind
from cases.selectors.pages import cases_referred_by, decided_measures_of, referrals_sent
from cases.services.leads import lead_create
from org.codes import DepartmentKind
from org.selectors import cadres_with_current_posts
from web.common.helpers import case_url, department_membership, measure_label
from web.common.services import FORM, run_service
from web.leads.forms import LeadForm

DEFAULT_SOURCE = {
    DepartmentKind.INSPECTION: SourceKind.INSPECTION,
    DepartmentKind.AUDIT: SourceKind.AUDIT,
    DepartmentKind.LAW_ENFORCEMENT: SourceKind.LAW_ENFORCEMENT,
    DepartmentKind.EMERGENCY: SourceKind.ACCIDENT_INVESTIGATION,
    DepartmentKind.DISCIPLINE: SourceKind.PETITION,
}


PAGE_SIZE = 30


def _outcomes(cases) -> dict[int, list[str]]:
    """Decided measures per case, grouped by cadre, in one query (the "outcome" of PRODUCT §5)."""
    ids = [c.pk for c in cases if c.state in OUTCOME_STATES]
    rows = decided_measures_of(ids)
    grouped: dict[int, dict[str, list[str]]] = defaultdict(dict)
    for m in rows:
        grouped[m.subject.case_id].setdefault(m.subject.cadre.name, []).append(measure_label(m.measure, m.sanction_kind))
    return {case_id: [f"{name}：{'、'.join(ms)}" for name, ms in by_cadre.items()] for case_id, by_cadre in grouped.items()}


def _cadre_options(user):
    """Every cadre the user may name (their jurisdiction) with the current post, for the searchable subject list (two queries)."""
    cadres = cadres_with_current_posts(user, by_name=True)
    return [
        {
            "id": c.pk,
            "name": c.name,
            "post": (
                f"{c.current_posts[0].organization.name} · {c.current_posts[0].title}"
                if c.current_posts
                else c.get_status_display()
            ),
        }
        for c in cadres
    ]


@login_required
@require_http_methods(["GET", "POST"])
def lead_new(request):
    membership = department_membership(request)
    status = 200
    if request.method == "POST":
        form = LeadForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            outcome = run_service(
                request,
                lambda: lead_create(
                    acting_user=request.user,
                    title=data["title"],
                    facts=data["facts"],
                    source_kind=data["source_kind"],
                    subjects=list(data["subjects"]),
                    target_department=data["target_department"],
                    accident=data["accident"],
                    circumstances=data["circumstances"],
                ),
                form=form,
                success=lambda case: (
                    _("Lead %(number)s was filed and sent to %(department)s.")
                    % {"number": case.number, "department": case.owner_department.name}
                ),
                others=FORM,
            )
            if outcome.ok:
                return redirect("web:referred")
        status = 400
    else:
        form = LeadForm(
            initial={"source_kind": DEFAULT_SOURCE.get(membership.department.kind, SourceKind.OTHER)}, user=request.user
        )
    selected = {str(v) for v in (form["subjects"].value() or [])}
    return render(
        request,
        "web/leads/lead_form.html",
        {"form": form, "cadres": _cadre_options(request.user), "selected": selected, "department": membership.department},
        status=status,
    )


@login_required
def referred(request):
    membership = department_membership(request)
    department = membership.department
    cases_qs = cases_referred_by(request.user, department)
    cases_page = Paginator(cases_qs, PAGE_SIZE).get_page(request.GET.get("page"))
    sent_qs = referrals_sent(department)
    sent_page = Paginator(sent_qs, PAGE_SIZE).get_page(request.GET.get("rpage"))
    # Every case listed is visible to the department (it referred it); the case page itself shows
    # a referring agency only the status and the outcome.
    outcomes = _outcomes(list(cases_page.object_list) + [r.case for r in sent_page.object_list])
    rows = [{"case": c, "outcome": outcomes.get(c.pk, []), "url": case_url(c.pk)} for c in cases_page.object_list]
    sent = [{"referral": r, "outcome": outcomes.get(r.case_id, []), "url": case_url(r.case_id)} for r in sent_page.object_list]
    return render(
        request,
        "web/leads/referred.html",
        {"department": department, "rows": rows, "cases_page": cases_page, "sent": sent, "sent_page": sent_page},
    )
