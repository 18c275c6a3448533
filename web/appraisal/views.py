"""Pages of Chapters 4–5 (PRODUCT §4): the year's assessment results and their publication
(Art. 16, 18, 20), patrols and their findings (Art. 14), 约谈 (Art. 15) and Art. 25 rewards.

Views are thin: every write goes through ``appraisal.services`` (nothing is saved here), every
read through ``appraisal.selectors``. Who sees what is ``appraisal.selectors.scope`` (the API's
scope too) with the pages' desk check (``web.appraisal.scope.scope_of``): one county, the user's.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from appraisal.codes import InterviewGround
from appraisal.selectors.assessment import (
    awards_by_cadre,
    current_post_by_cadre,
    finding_of,
    interview_assessments,
    interview_rows,
    latest_year,
    organizations_by_cadre,
    patrol_findings,
    patrol_rows,
    patrol_targets,
    results,
    results_xlsx,
)
from appraisal.selectors.rewards import candidates
from appraisal.services.assessment import (
    assessment_record,
    interview_record,
    patrol_create,
    patrol_finding_add,
    patrol_finding_refer,
    publish,
)
from appraisal.services.rewards import award_grant
from cases.selectors.pages import visible_case_ids
from core.persistence import local_today
from org.models import Cadre, Post
from web.appraisal.forms import (
    FIRST_YEAR,
    CadreResultForm,
    DepartmentResultForm,
    FindingForm,
    GrantForm,
    InterviewForm,
    PatrolForm,
    PublishForm,
)
from web.appraisal.scope import (
    GRANTERS_ONLY,
    Scope,
    requested_year,
    require_keeper,
    scope_of,
    with_year,
)
from web.common.helpers import case_url
from web.common.services import FLASH, FORM, run_service

PAGE_SIZE = 30
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- 1. Results of the year (Art. 16, 18) and their publication (Art. 20) ------------------------


def _default_year(scope: Scope) -> int:
    return latest_year(scope) or max(FIRST_YEAR, local_today().year - 1)


def _assessment_write(request, action: str, year: int, data: dict):
    """Record a department's or a cadre's result of the year (Art. 16, 18), or its publication (Art. 20)."""
    if action == "department":
        return assessment_record(
            acting_user=request.user,
            year=year,
            grade=data["grade"].code,
            department=data["department"],
            score=data["score"],
            rank=data["rank"],
            ranked_of=data["ranked_of"],
            note=data["note"],
        )
    if action == "cadre":
        return assessment_record(
            acting_user=request.user,
            year=year,
            grade=data["grade"].code,
            cadre=data["cadre"],
            score=data["score"],
            note=data["note"],
        )
    return publish(acting_user=request.user, year=year, **data)


def _assessment_message(action: str, year: int, row) -> str:
    if action == "publish":
        return _("Publication of the %(year)s results recorded (Art. 20).") % {"year": year}
    name = row.department.name if action == "department" else row.cadre.name
    return _("%(year)s result of %(name)s recorded: %(grade)s.") % {"year": year, "name": name, "grade": row.grade.label}


@login_required
@require_http_methods(["GET", "POST"])
def assessment_home(request):
    scope = scope_of(request)
    year_form, year = requested_year(request, lambda: _default_year(scope))
    units = scope.units()
    unit_list = list(units)
    cadres = scope.cadres() if scope.keeper else []
    dept_form = DepartmentResultForm(prefix="dept", units=units)
    cadre_form = CadreResultForm(prefix="cadre", cadres=cadres)
    publish_form = PublishForm(prefix="pub", initial={"published_on": local_today()})
    status = 200

    if request.method == "POST":
        require_keeper(scope)
        action = request.POST.get("action")
        if action == "department":
            form = dept_form = DepartmentResultForm(request.POST, prefix="dept", units=units)
        elif action == "cadre":
            form = cadre_form = CadreResultForm(request.POST, prefix="cadre", cadres=cadres)
        elif action == "publish":
            form = publish_form = PublishForm(request.POST, prefix="pub")
        else:
            raise Http404
        status = 400
        if form.is_valid():
            outcome = run_service(
                request,
                lambda: _assessment_write(request, action, year, form.cleaned_data),
                form=form,
                success=lambda row: _assessment_message(action, year, row),
                others=FORM,
            )
            if outcome.ok:
                return redirect(with_year("web:assessment", year))
            status = outcome.status

    data = results(year, scope)
    assessed = {row.department_id for row in data["departments"]}
    dept_rows = [{"a": row, "alarm": row.ranked_last and row.grade.failing} for row in data["departments"]]
    current = current_post_by_cadre([r.cadre_id for r in data["cadres"] if r.cadre_id is not None])
    cadre_rows = []
    for row in data["cadres"]:
        snapshot = row.compliance or {}
        cadre_rows.append(
            {
                "a": row,
                "post": current.get(row.cadre_id),
                "fully_met": snapshot.get("fully_met"),
                "as_of": dt.date.fromisoformat(snapshot["as_of"]) if snapshot.get("as_of") else None,
                "missed": [m.get("citation", m.get("obligation", "")) for m in snapshot.get("missed", [])],
            }
        )
    publications = scope.publications(year).select_related("published_by").order_by("published_on", "id")
    return render(
        request,
        "web/appraisal/home.html",
        {
            "here": "assessment",
            "scope": scope,
            "year": year,
            "year_form": year_form,
            "dept_rows": dept_rows,
            "cadre_rows": cadre_rows,
            "missing": [u for u in unit_list if u.pk not in assessed],
            "units_count": len(unit_list),
            "publications": list(publications),
            "dept_form": dept_form,
            "cadre_form": cadre_form,
            "publish_form": publish_form,
            "report_url": with_year("web:assessment_report", year),
            "interview_url": reverse("web:assessment_interviews"),
        },
        status=status,
    )


@login_required
def assessment_report(request):
    """The year's results as a workbook to publish or circulate (Art. 20)."""
    scope = scope_of(request)
    year_form, year = requested_year(request, max(FIRST_YEAR, local_today().year - 1))
    if year_form.is_bound and not year_form.is_valid():
        raise Http404(_("Expected a year from 2021 (when the 细则 took effect) to this year."))
    response = HttpResponse(results_xlsx(year, scope), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="safety-assessment-{year}.xlsx"'
    return response


# --- 2. Patrols (Art. 14) --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def patrol_list(request):
    scope = scope_of(request)
    units = scope.units()
    cadres = scope.cadres() if scope.keeper else []
    form = PatrolForm(prefix="patrol", units=units, cadres=cadres)
    status = 200
    if request.method == "POST":
        require_keeper(scope)
        form = PatrolForm(request.POST, prefix="patrol", units=units, cadres=cadres)
        if form.is_valid():
            data = form.cleaned_data
            outcome = run_service(
                request,
                lambda: patrol_create(acting_user=request.user, **{**data, "targets": list(data["targets"])}),
                form=form,
                success=lambda patrol: _("Patrol “%(title)s” recorded.") % {"title": patrol.title},
                others=FORM,
            )
            if outcome.ok:
                patrol = outcome.value
                if patrol.duty_record_id:
                    messages.success(
                        request, _("The Art. 14 duty record of %(name)s was written with it.") % {"name": patrol.led_by.name}
                    )
                return redirect("web:assessment_patrol", pk=patrol.pk)
            status = outcome.status
        else:
            status = 400

    page = Paginator(patrol_rows(scope), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/appraisal/patrols.html",
        {"here": "assessment_patrols", "scope": scope, "page": page, "form": form, "today": local_today()},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def patrol_detail(request, pk: int):
    scope = scope_of(request)
    patrol = get_object_or_404(scope.desk_patrols().select_related("led_by", "recorded_by", "duty_record"), pk=pk)
    targets = patrol_targets(patrol)
    target_list = list(targets)
    cadres = scope.cadres(organizations=target_list) if scope.keeper else []
    form = FindingForm(prefix="finding", targets=targets, cadres=cadres)
    status = 200
    if request.method == "POST":
        require_keeper(scope)
        form = FindingForm(request.POST, prefix="finding", targets=targets, cadres=cadres)
        if form.is_valid():
            data = form.cleaned_data
            outcome = run_service(
                request,
                lambda: patrol_finding_add(
                    acting_user=request.user,
                    patrol=patrol,
                    department=data["department"],
                    text=data["text"],
                    cadres=list(data["cadres"]),
                ),
                form=form,
                success=_("Problem found recorded."),
                others=FORM,
            )
            if outcome.ok:
                return redirect("web:assessment_patrol", pk=patrol.pk)
            status = outcome.status
        else:
            status = 400

    findings = patrol_findings(patrol)
    visible = visible_case_ids(request.user, [f.case_id for f in findings if f.case_id])
    rows = [
        {"f": f, "cadres": list(f.cadres.all()), "case_url": case_url(f.case_id) if f.case_id in visible else None}
        for f in findings
    ]
    # Each cadre's organizations among the patrolled units, so the form can show the ones of
    # the unit chosen first.
    target_ids = {t.pk for t in target_list}
    orgs = organizations_by_cadre([c.pk for c in cadres], target_ids)
    picked = {str(v) for v in (form["cadres"].value() or [])}
    options = [
        {
            "cadre": c,
            "post": _post_label(c),
            "orgs": " ".join(str(o) for o in sorted(orgs.get(c.pk, ()))),
            "picked": str(c.pk) in picked,
        }
        for c in cadres
    ]
    return render(
        request,
        "web/appraisal/patrol_detail.html",
        {
            "here": "assessment_patrol",
            "scope": scope,
            "patrol": patrol,
            "targets": target_list,
            "rows": rows,
            "form": form,
            "options": options,
        },
        status=status,
    )


def _post_label(cadre: Cadre) -> str:
    """``organization title`` of the cadre's current post (prefetched by ``scope.cadres()``), or its status."""
    posts: list[Post] = getattr(cadre, "current_posts", [])
    if posts:
        return f"{posts[0].organization.name} {posts[0].title}"
    return str(cadre.get_status_display())


@login_required
@require_POST
def finding_refer(request, pk: int, finding_id: int):
    """Hand a finding over as a lead (Art. 34): a case at the county discipline organ."""
    scope = scope_of(request)
    patrol = get_object_or_404(scope.desk_patrols(), pk=pk)
    if not finding_of(patrol, finding_id):
        raise Http404
    require_keeper(scope)
    run_service(
        request,
        lambda: patrol_finding_refer(acting_user=request.user, finding_id=finding_id),
        success=lambda case: (
            _("Handed over as lead %(number)s to %(department)s (Art. 34).")
            % {"number": case.number, "department": case.owner_department.name}
        ),
        others=FLASH,
    )
    return redirect(f"{reverse('web:assessment_patrol', args=[patrol.pk])}#finding-{finding_id}")


# --- 3. Interviews (约谈, Art. 15) --------------------------------------------------------------------


def _initial_interview(request, scope: Scope) -> dict:
    """Prefill from the results page's “约谈 (Art. 15)” link."""
    initial: dict = {"held_on": local_today()}
    if request.GET.get("ground") in InterviewGround.values:
        initial["ground"] = request.GET["ground"]
    for name in ("department", "assessment"):
        value = request.GET.get(name, "")
        if value.isdigit():
            initial[name] = int(value)
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def interview_list(request):
    scope = scope_of(request)
    units = scope.units()
    cadres = scope.cadres() if scope.keeper else []
    # Art. 15 names the results ranked last and failed: only those are offered.
    assessments = interview_assessments(scope)
    form = InterviewForm(
        prefix="iv", units=units, cadres=cadres, assessments=assessments, initial=_initial_interview(request, scope)
    )
    status = 200
    if request.method == "POST":
        require_keeper(scope)
        form = InterviewForm(request.POST, prefix="iv", units=units, cadres=cadres, assessments=assessments)
        if form.is_valid():
            outcome = run_service(
                request,
                lambda: interview_record(acting_user=request.user, **form.cleaned_data),
                form=form,
                success=lambda row: (
                    _("约谈 of %(name)s on %(date)s recorded.") % {"name": row.cadre.name, "date": row.held_on.isoformat()}
                ),
                others=FORM,
            )
            if outcome.ok:
                return redirect("web:assessment_interviews")
            status = outcome.status
        else:
            status = 400

    page = Paginator(interview_rows(scope), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/appraisal/interviews.html",
        {
            "here": "assessment_interviews",
            "scope": scope,
            "page": page,
            "form": form,
            "last_failed": InterviewGround.ASSESSMENT_LAST_FAILED.value,
        },
        status=status,
    )


# --- 4. Rewards (Art. 25) -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def rewards(request):
    scope = scope_of(request)
    today = local_today()
    year_form, year = requested_year(request, max(FIRST_YEAR, today.year - 1))
    cadre_ids = scope.reward_candidate_cadre_ids()
    errors: dict[int, GrantForm] = {}
    status = 200

    if request.method == "POST":
        if not scope.can_grant:
            raise PermissionDenied(str(GRANTERS_ONLY))
        cadre_id = request.POST.get("cadre", "")
        if not cadre_id.isdigit() or (cadre_ids is not None and int(cadre_id) not in cadre_ids):
            raise Http404
        cadre = get_object_or_404(scope.cadre_rows(), pk=int(cadre_id))
        form = GrantForm(request.POST, prefix=f"g{cadre.pk}")
        if form.is_valid():
            outcome = run_service(
                request,
                lambda: award_grant(acting_user=request.user, cadre=cadre, year=year, granted_on=form.cleaned_data["granted_on"]),
                form=form,
                success=lambda award: (
                    _("%(kind)s granted to %(name)s for %(year)s (Art. 25).")
                    % {"kind": award.get_kind_display(), "name": cadre.name, "year": year}
                ),
                others=FORM,
            )
            if outcome.ok:
                return redirect(with_year("web:assessment_rewards", year))
            status = outcome.status
        else:
            status = 400
        errors[cadre.pk] = form

    rows = candidates(year, cadre_ids=cadre_ids, on=today)
    awards = awards_by_cadre(scope, year, [r["cadre"]["id"] for r in rows])
    for row in rows:
        row["award"] = awards.get(row["cadre"]["id"])
        row["form"] = errors.get(row["cadre"]["id"]) or GrantForm(prefix=f"g{row['cadre']['id']}", initial={"granted_on": today})
    return render(
        request,
        "web/appraisal/rewards.html",
        {
            "here": "assessment_rewards",
            "scope": scope,
            "year": year,
            "year_form": year_form,
            "rows": rows,
            "today": today,
            "eligible_count": sum(1 for r in rows if r["eligible"] and not r["award"]),
        },
        status=status,
    )
