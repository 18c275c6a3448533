"""Reads of the case layer in the shapes the officers' pages show (``web``): the rows of the case
page, the dashboard, the accident, referral, lead and cadre pages and the statistics. Each runs a
fixed number of queries whatever the number of rows, so the pages keep their query budgets."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case as CaseWhen  # the domain has its own Case
from django.db.models import Count, IntegerField, Min, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cases.codes import AccidentGrade
from cases.models import (
    Accident,
    AccidentReport,
    Appeal,
    Assessment,
    Case,
    CaseEvent,
    CaseSubject,
    DeadlinePolicy,
    ExecutionTask,
    Finding,
    MeasureDecision,
    Referral,
    ReportingFinding,
    VetoOverride,
)
from cases.selectors.cases import case_list, case_visible_qs, cases_handled
from cases.selectors.deadlines import policy_in_force
from cases.selectors.filters import filter_cases
from cases.selectors.handling import accidents_visible_q
from core.typing import AnyUser
from org.models import Cadre, Department
from rulebooks.figures import FigureBook

OPEN_REFERRAL = (Referral.State.SENT, Referral.State.ACKNOWLEDGED)

# --- the case page and the case list ------------------------------------------------------------


def cases_by_id(ids: Iterable[int]) -> dict[int, Case]:
    """Cases with their owners, by id (the inbox's rows): one query, none without ids."""
    wanted = {i for i in ids if i}
    return Case.objects.select_related("owner_department").in_bulk(wanted) if wanted else {}


def case_page_related(case: Case) -> dict[str, list[Any]]:
    """Execution tasks, appeals and events of a case: one query each. Its referrals come with
    the case (``case_detail``), newest first here as before."""
    return {
        "executions": list(
            ExecutionTask.objects.filter(case=case)
            .select_related("subject__cadre", "measure", "department", "completed_by")
            .order_by("kind", "id")
        ),
        "referrals": sorted(case.referrals.all(), key=lambda r: (r.created_at, r.pk), reverse=True),
        "appeals": list(
            Appeal.objects.filter(case=case).select_related("subject__cadre", "deciding_department", "decided_by", "recorded_by")
        ),
        "events": list(CaseEvent.objects.filter(case=case).select_related("actor").order_by("seq")),
    }


def case_open_work(case: Case) -> tuple[int, int]:
    """``(open execution tasks, appeals awaiting a decision)`` of a case (what closing it waits on)."""
    return (
        ExecutionTask.objects.filter(case=case, state=ExecutionTask.State.OPEN).count(),
        Appeal.objects.filter(case=case, state=Appeal.State.FILED).count(),
    )


def execution_tasks_with_case() -> QuerySet[ExecutionTask]:
    """Execution tasks with their cases (to look one up by id, then check access to its case)."""
    return ExecutionTask.objects.select_related("case")


def appeals_for_decision() -> QuerySet[Appeal]:
    """Appeals with the subject's cadre and the deciding department (to look one up by id)."""
    return Appeal.objects.select_related("subject__cadre", "deciding_department")


def subjects_prefetch() -> Prefetch[str, QuerySet[CaseSubject], str]:
    """Subjects for the case list: cadre names in one query."""
    return Prefetch("subjects", queryset=CaseSubject.objects.select_related("cadre").order_by("id"))


def subject_names(ids: Iterable[int]) -> dict[int, str]:
    """A subject's cadre name, by subject id (a timeline's foreign keys)."""
    return {s.pk: s.cadre.name for s in CaseSubject.objects.filter(pk__in=set(ids)).select_related("cadre")}


def measure_names(ids: Iterable[int]) -> dict[int, str]:
    return {m.pk: m.get_measure_display() for m in MeasureDecision.objects.filter(pk__in=set(ids))}


def accident_titles(ids: Iterable[int]) -> dict[int, str]:
    return {a.pk: a.title for a in Accident.objects.filter(pk__in=set(ids))}


def department_names(ids: Iterable[int]) -> dict[int, str]:
    wanted = set(ids)
    return {d.pk: d.name for d in Department.objects.filter(pk__in=wanted)} if wanted else {}


# --- the dashboard ------------------------------------------------------------------------------


def case_state_counts(user: AnyUser) -> dict[str, int]:
    """How many of the cases the user may see are in each state: one aggregate query."""
    return dict(case_list(user=user).order_by().values_list("state").annotate(n=Count("pk")))


def recent_cases(user: AnyUser, limit: int) -> QuerySet[Case]:
    """The cases the user may see, last changed first."""
    return case_list(user=user).order_by("-updated_at", "-id")[:limit]


# --- accidents ----------------------------------------------------------------------------------


def accident_rows(user: AnyUser, *, q: str = "") -> QuerySet[Accident]:
    """The accident list: the jurisdiction's accidents with their locations and case counts, newest
    first; with ``q``, those whose title contains it. ``grade_rank`` orders grades by severity
    (一般 1 … 特别重大 4), for sorting by grade."""
    grades = [AccidentGrade.GENERAL, AccidentGrade.LARGER, AccidentGrade.MAJOR, AccidentGrade.ESPECIALLY_MAJOR]
    rank = CaseWhen(
        *(When(grade=g, then=Value(i)) for i, g in enumerate(grades, start=1)), default=Value(0), output_field=IntegerField()
    )
    qs = Accident.objects.filter(accidents_visible_q(user))
    if q:
        qs = qs.filter(title__icontains=q)
    return qs.select_related("location").annotate(n_cases=Count("cases"), grade_rank=rank).order_by("-occurred_at", "id")


def accident_visible_rows(user: AnyUser) -> QuerySet[Accident]:
    """The jurisdiction's accidents with their locations and recorders (to look one up by id)."""
    return Accident.objects.filter(accidents_visible_q(user)).select_related("location", "created_by")


def accident_top_report_level(accident: Accident) -> int | None:
    """The highest level the accident was reported to so far (None before any report step)."""
    top: int | None = accident.reports.order_by("-level").values_list("level", flat=True).first()
    return top


def accident_with_reports(pk: int) -> Accident:
    """An accident with its report steps in order (level, time) and its location."""
    reports = AccidentReport.objects.select_related("recipient", "recorded_by").order_by("level", "reported_at")
    return Accident.objects.prefetch_related(Prefetch("reports", queryset=reports)).select_related("location").get(pk=pk)


def reporting_findings(accident: Accident) -> QuerySet[ReportingFinding]:
    return ReportingFinding.objects.filter(accident=accident).select_related("recorded_by").order_by("recorded_at", "id")


def accident_cases(user: AnyUser, accident: Accident) -> QuerySet[Case]:
    """The cases the user may see that concern the accident, newest first."""
    return case_visible_qs(user).filter(accident=accident).select_related("owner_department").order_by("-created_at")


def accident_report_policies(accident: Accident) -> list[DeadlinePolicy]:
    """The reporting limits (the unit's, each level's) in force when and where the accident
    happened: a rulebook's row, else the national table's (``policy_in_force``)."""
    day = timezone.localtime(accident.occurred_at).date()
    figures = FigureBook.load()
    found = (
        policy_in_force(code, day, department=accident.location_id, figures=figures)
        for code in ("accident_unit_report", "accident_level_report")
    )
    return [p for p in found if p is not None]


# --- referrals and leads ------------------------------------------------------------------------


def deadline_policy_in_force(code: str, on: dt.date, *, department: int | None = None) -> DeadlinePolicy | None:
    """The version of one limit in force on a day where ``department`` is (``policy_in_force``)."""
    return policy_in_force(code, on, department=department)


def referrals_received_open(department: Department) -> QuerySet[Referral]:
    """Referrals the department must still acknowledge or accept, soonest limit first."""
    return (
        Referral.objects.filter(to_department=department, state__in=OPEN_REFERRAL)
        .select_related("case", "from_department", "created_by")
        .order_by("acknowledge_by", "-created_at", "-id")
    )


def referrals_received_handled(department: Department, *, q: str = "") -> QuerySet[Referral]:
    """Referrals the department accepted or returned, last handled first; with ``q``, those whose
    case number or title contains it."""
    qs = Referral.objects.filter(to_department=department).exclude(state__in=OPEN_REFERRAL)
    if q:
        qs = qs.filter(Q(case__number__icontains=q) | Q(case__title__icontains=q))
    return qs.select_related("case", "from_department", "handled_by").order_by("-handled_at", "-created_at", "-id")


def referral_received(pk: int, department: Department) -> Referral | None:
    """A referral sent to the department (None if there is no such one)."""
    return Referral.objects.filter(pk=pk, to_department=department).select_related("case").first()


def referrals_sent(department: Department) -> QuerySet[Referral]:
    """Referrals the department sent, newest first."""
    return (
        Referral.objects.filter(from_department=department).select_related("case", "to_department").order_by("-created_at", "-id")
    )


def cases_referred_by(user: AnyUser, department: Department) -> QuerySet[Case]:
    """The cases the department brought in (its leads), newest first."""
    return (
        case_visible_qs(user)
        .filter(source_department=department)
        .select_related("owner_department")
        .order_by("-created_at", "-id")
    )


def decided_measures_of(case_ids: Iterable[int]) -> QuerySet[MeasureDecision]:
    """The decided measures of several cases with their cadres, by subject: one query."""
    return (
        MeasureDecision.objects.filter(subject__case_id__in=list(case_ids), state=MeasureDecision.State.DECIDED)
        .select_related("subject__cadre")
        .order_by("subject_id", "id")
    )


# --- cadres -------------------------------------------------------------------------------------


def cadre_subjects_with_conclusions(cadre: Cadre) -> QuerySet[CaseSubject]:
    """Every subject the cadre was, with its case, its conclusions newest first (``conclusions``)
    and its veto overrides newest first, in the order of the cases."""
    conclusions = Assessment.objects.filter(kind=Assessment.Kind.CONCLUSION).order_by("-id")
    return (
        CaseSubject.objects.filter(cadre=cadre)
        .select_related("case")
        .prefetch_related(
            Prefetch("assessments", queryset=conclusions, to_attr="conclusions"),
            Prefetch("veto_overrides", queryset=VetoOverride.objects.order_by("-decided_at", "-id").select_related("decided_by")),
        )
        .order_by("case__created_at", "id")
    )


def visible_case_ids(user: AnyUser, ids: Iterable[int]) -> set[int]:
    """Which of ``ids`` the user may open (no query without ids)."""
    wanted = list(ids)
    if not wanted:
        return set()
    return set(case_visible_qs(user).filter(pk__in=wanted).values_list("pk", flat=True))


def lifelong_referral_ids(cadre: Cadre) -> set[int]:
    """Ids of the Art. 32 referrals (lifelong accountability) of the cadre's cases."""
    return set(Referral.objects.filter(kind=Referral.Kind.LIFELONG, case__subjects__cadre=cadre).values_list("pk", flat=True))


def lifelong_referrals_after(cadre: Cadre, known: set[int]) -> QuerySet[Referral]:
    """The Art. 32 referrals of the cadre's cases other than ``known`` (made by a move), in order."""
    return (
        Referral.objects.filter(kind=Referral.Kind.LIFELONG, case__subjects__cadre=cadre)
        .exclude(pk__in=known)
        .select_related("case", "to_department")
        .order_by("id")
    )


# --- statistics ---------------------------------------------------------------------------------


@dataclass
class CaseStatistics:
    """Counts over the cases a user may see (``case_statistics``)."""

    by_state: dict[str, int]
    by_owner: Sequence[Mapping[str, Any]]  # {owner_department_id, owner_department__name, n}
    by_month: dict[dt.date, int]
    intake: dict[str, set[int]] = field(default_factory=dict)  # circumstance → cases claiming it
    found: dict[str, set[int]] = field(default_factory=dict)  # circumstance → cases found with it
    by_measure: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # measure → {n, cases}
    with_measure: int = 0  # cases with at least one decided measure


def case_statistics(
    user: AnyUser, *, state: Sequence[str] = (), department: int | None = None, **narrowing: Any
) -> CaseStatistics:
    """Counts over the cases the user may see, in a fixed number of aggregate queries whatever the
    filters: ``state`` (any of), the handling ``department`` and the ``narrowing`` of
    ``cases.selectors.filters`` (year, circumstance, measure …), which ``case_list`` takes too.

    Findings are counted only for cases the user's department handles: a referring agency sees the
    status and outcome of its leads, not the investigation (PRODUCT §5).
    """
    visible = filter_cases(case_visible_qs(user), cases_handled(user), **narrowing)
    if state:
        visible = visible.filter(state__in=list(state))
    if department:
        visible = visible.filter(owner_department_id=department)
    by_state = dict(visible.order_by().values_list("state").annotate(n=Count("id")))
    by_owner = list(
        visible.order_by()
        .values("owner_department_id", "owner_department__name")
        .annotate(n=Count("id"))
        .order_by("-n", "owner_department__name")
    )
    by_month = {
        (row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]): row["n"]
        for row in visible.order_by().annotate(month=TruncMonth("created_at")).values("month").annotate(n=Count("id"))
        if row["month"] is not None
    }
    intake: dict[str, set[int]] = defaultdict(set)
    for case_id, codes in visible.order_by().values_list("pk", "circumstances"):
        for code in codes or []:
            intake[code].add(case_id)
    found: dict[str, set[int]] = defaultdict(set)
    findings = Finding.objects.filter(subject__case__in=cases_handled(user).filter(pk__in=visible.values("pk")).values("pk"))
    for case_id, codes in findings.values_list("subject__case_id", "circumstances"):
        for code in codes or []:
            found[code].add(case_id)
    by_measure = {
        row["measure"]: row
        for row in MeasureDecision.objects.filter(state=MeasureDecision.State.DECIDED, subject__case__in=visible.values("pk"))
        .order_by()
        .values("measure")
        .annotate(n=Count("id"), cases=Count("subject__case", distinct=True))
    }
    with_measure = (
        MeasureDecision.objects.filter(state=MeasureDecision.State.DECIDED, subject__case__in=visible.values("pk"))
        .order_by()
        .aggregate(n=Count("subject__case", distinct=True))["n"]
    )
    return CaseStatistics(by_state, by_owner, by_month, intake, found, by_measure, with_measure)


def case_years(user: AnyUser) -> list[int]:
    """The years a case the user may see was received in, newest first, up to this year (the
    statistics' year choices): one aggregate query."""
    first = case_visible_qs(user).order_by().aggregate(first=Min("created_at"))["first"]
    this_year = timezone.localdate().year
    start = timezone.localtime(first).year if first else this_year
    return list(range(this_year, min(start, this_year) - 1, -1))
