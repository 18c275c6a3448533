"""Chapter 4 reads: the grades, the year's results (Art. 16, 18) and their workbook (Art. 20),
what the pages list (patrols, findings, 约谈, awards) and what Chapters 4–5 add to a cadre's
record. Every list is limited by an :class:`~appraisal.selectors.scope.AppraisalScope`."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.db.models import Count, F, Max, Prefetch, Q, QuerySet

from appraisal.models import AnnualAssessment, AssessmentGrade, Award, Interview, Patrol, PatrolFinding
from appraisal.selectors.rewards import candidates
from appraisal.selectors.scope import AppraisalScope
from core.xlsx import append_row
from org.models import Cadre, Department, Post


def active_grades() -> QuerySet[AssessmentGrade]:
    """The grades in use (a configurable table), in their order."""
    return AssessmentGrade.objects.filter(active=True).order_by("position", "id")


def cadres_by_ids(ids: list[int]) -> QuerySet[Cadre]:
    """The cadres a form offers (already listed by the view), for validating what is posted."""
    return Cadre.objects.filter(pk__in=ids)


# --- results (Art. 16, 18, 20) ------------------------------------------------------------------


def results(year: int, scope: AppraisalScope) -> dict[str, list[AnnualAssessment]]:
    """The year's results in the scope, departments' and cadres' apart: one query."""
    qs = scope.assessments().filter(year=year).select_related("grade", "department", "cadre")
    rows = list(qs.order_by("rank", "department__name", "cadre__name", "id"))
    return {
        "departments": [r for r in rows if r.department_id],
        "cadres": [r for r in rows if r.cadre_id],
    }


def api_assessments(
    scope: AppraisalScope,
    *,
    year: int | None = None,
    department: int | None = None,
    cadre: int | None = None,
    of: str | None = None,
) -> QuerySet[AnnualAssessment]:
    """The API's results: of a year, a department, a cadre, or only departments' or cadres'
    (``of``: ``department`` or ``cadre``), latest year first."""
    qs = scope.assessments().select_related("grade", "department", "cadre")
    if year is not None:
        qs = qs.filter(year=year)
    if department is not None:
        qs = qs.filter(department_id=department)
    if cadre is not None:
        qs = qs.filter(cadre_id=cadre)
    if of is not None:
        qs = qs.filter(**{f"{of}__isnull": False})
    return qs.order_by("-year", "rank", "id")


def latest_year(scope: AppraisalScope) -> int | None:
    """The latest year with a result in the scope."""
    latest: int | None = scope.assessments().aggregate(y=Max("year"))["y"]
    return latest


def results_xlsx(year: int, scope: AppraisalScope) -> bytes:
    """The year's results as a workbook to publish or circulate (Art. 20)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    data = results(year, scope)
    book = Workbook()
    sheet = book.active
    sheet.title = f"{year}单位考核"
    header = ["名次", "单位", "考核等次", "得分", "备注"]
    append_row(sheet, header)
    for row in data["departments"]:
        assert row.department is not None  # results() lists here only the rows of a department
        append_row(
            sheet,
            [
                f"{row.rank}/{row.ranked_of}" if row.rank else "",
                row.department.name,
                row.grade.label,
                float(row.score) if row.score is not None else None,
                row.note,
            ],
        )
    cadre_sheet = book.create_sheet(f"{year}领导干部考核")
    append_row(cadre_sheet, ["姓名", "考核等次", "得分", "履职台账全部达标", "备注"])
    for row in data["cadres"]:
        assert row.cadre is not None  # results() lists here only the rows of a cadre
        fully = (row.compliance or {}).get("fully_met")
        append_row(
            cadre_sheet,
            [
                row.cadre.name,
                row.grade.label,
                float(row.score) if row.score is not None else None,
                "" if fully is None else ("是" if fully else "否"),
                row.note,
            ],
        )
    for ws in (sheet, cadre_sheet):
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def current_post_by_cadre(cadre_ids: list[int]) -> dict[int, Post]:
    """Each cadre's current post (the latest started when several): one query."""
    rows = Post.objects.filter(cadre_id__in=cadre_ids, end__isnull=True).select_related("organization")
    return {p.cadre_id: p for p in rows.order_by("cadre_id", "start", "id")}


# --- patrols (Art. 14) ------------------------------------------------------------------------


def patrol_rows(scope: AppraisalScope) -> QuerySet[Patrol]:
    """The desk's patrols with their targets and the number of findings (and of those handed over)."""
    return (
        scope.desk_patrols()
        .select_related("led_by")
        .prefetch_related(Prefetch("targets", queryset=Department.objects.order_by("level", "id")))
        .annotate(
            n_findings=Count("findings", distinct=True),
            n_referred=Count("findings", filter=Q(findings__case__isnull=False), distinct=True),
        )
        .order_by("-started_on", "-id")
    )


def api_patrols(scope: AppraisalScope) -> QuerySet[Patrol]:
    """The API's patrols, each with its targets and findings."""
    return (
        scope.patrols()
        .prefetch_related(
            "targets",
            Prefetch("findings", queryset=PatrolFinding.objects.select_related("department").prefetch_related("cadres")),
        )
        .order_by("-started_on", "-id")
    )


def patrol_targets(patrol: Patrol) -> QuerySet[Department]:
    return patrol.targets.order_by("level", "id")


def patrol_findings(patrol: Patrol) -> list[PatrolFinding]:
    """The patrol's findings with what the page shows of each (cadres in name order)."""
    return list(
        PatrolFinding.objects.filter(patrol=patrol)
        .select_related("department", "case", "case__owner_department", "recorded_by")
        .prefetch_related(Prefetch("cadres", queryset=Cadre.objects.order_by("name", "id")))
        .order_by("id")
    )


def finding_of(patrol: Patrol, finding_id: int) -> bool:
    """Whether ``finding_id`` is a finding of ``patrol``."""
    return PatrolFinding.objects.filter(pk=finding_id, patrol=patrol).exists()


def organizations_by_cadre(cadre_ids: list[int], organization_ids: set[int]) -> dict[int, set[int]]:
    """For each cadre, the organizations among ``organization_ids`` it held a post in: one query."""
    orgs: dict[int, set[int]] = {}
    rows = Post.objects.filter(cadre__in=cadre_ids, organization_id__in=organization_ids)
    for cadre_id, org_id in rows.values_list("cadre_id", "organization_id"):
        orgs.setdefault(cadre_id, set()).add(org_id)
    return orgs


# --- interviews (Art. 15) ---------------------------------------------------------------------


def interview_assessments(scope: AppraisalScope) -> QuerySet[AnnualAssessment]:
    """Art. 15 names the departments' results ranked last and failed: only those are offered."""
    return (
        scope.assessments()
        .filter(department__isnull=False, grade__failing=True, rank__isnull=False, rank=F("ranked_of"))
        .select_related("department", "grade")
        .order_by("-year", "department_id")
    )


def api_interviews(scope: AppraisalScope, *, cadre: int | None = None) -> QuerySet[Interview]:
    qs = scope.interviews()
    if cadre is not None:
        qs = qs.filter(cadre_id=cadre)
    return qs.order_by("-held_on", "-id")


def interview_rows(scope: AppraisalScope) -> QuerySet[Interview]:
    return (
        scope.interviews()
        .select_related("department", "cadre", "assessment", "assessment__grade", "recorded_by")
        .order_by("-held_on", "-id")
    )


# --- awards (Art. 25) -------------------------------------------------------------------------


def awards_by_cadre(scope: AppraisalScope, year: int, cadre_ids: list[int]) -> dict[int, Award]:
    rows = scope.awards().filter(year=year, cadre_id__in=cadre_ids).select_related("granted_by")
    return {a.cadre_id: a for a in rows}


# --- a cadre's record -------------------------------------------------------------------------


def record_extras(cadre: Cadre, on: dt.date) -> dict[str, Any]:
    """What Chapters 4–5 add to a cadre's record: assessments, interviews (not measures), awards
    and the Art. 25 award the latest excellent year calls for."""

    years = [on.year, on.year - 1]
    candidacy = [c for y in years for c in candidates(y, cadre_ids=[cadre.pk], on=on)]
    return {
        "reward_candidacy": candidacy[0] if candidacy else None,
        "annual_assessments": [
            {"year": a.year, "grade": a.grade.code, "grade_label": a.grade.label, "excellent": a.grade.excellent, "note": a.note}
            for a in cadre.safety_assessments.select_related("grade").order_by("-year")
        ],
        "interviews": [
            {
                "held_on": i.held_on,
                "department": i.department.name,
                "ground": i.ground,
                "ground_label": str(i.get_ground_display()),
                "is_measure": False,
            }
            for i in cadre.interviews.select_related("department").order_by("-held_on")
        ],
        "awards": [
            {
                "year": a.year,
                "kind": a.kind,
                "kind_label": str(a.get_kind_display()),
                "granted_on": a.granted_on,
                "basis": a.basis,
            }
            for a in cadre.awards.order_by("-year")
        ],
    }
