"""Reads of what a department handles besides its cases: accidents, referrals, execution tasks,
appeals, decided measures; each filtered to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from cases.models import Accident, Appeal, Case, CaseEvent, ExecutionTask, Filing, MeasureDecision, Referral
from core.typing import AnyUser
from org.access import membership_of
from org.codes import DepartmentKind
from org.jurisdiction import user_units

# The departments that record and read accidents (pages, API and services alike).
ACCIDENT_KINDS = frozenset({DepartmentKind.EMERGENCY, DepartmentKind.DISCIPLINE, DepartmentKind.REGULATOR})


def reads_accidents(user: AnyUser) -> bool:
    """May ``user`` read accidents at all (the accident pages' check; the API lists the same rows)?"""
    if getattr(user, "is_superuser", False):
        return True
    membership = membership_of(user)
    return membership is not None and membership.department.kind in ACCIDENT_KINDS


def accidents_visible_q(user: AnyUser) -> Q:
    """Accidents located in the jurisdiction (or, without a location, recorded from it)."""
    units = user_units(user)
    if units is None:
        return Q()
    return Q(location_id__in=units) | Q(location__isnull=True, created_by__membership__department_id__in=units)


def accidents_visible(user: AnyUser) -> QuerySet[Accident]:
    """Accidents of the jurisdiction with their report chains, newest first; none for a department
    whose accident pages answer 403 (``reads_accidents``)."""
    if not reads_accidents(user):
        return Accident.objects.none()
    return (
        Accident.objects.prefetch_related("reports", "reporting_findings")
        .order_by("-occurred_at", "id")
        .filter(accidents_visible_q(user))
    )


def accident_history(accident: Accident) -> QuerySet[Any]:
    """An accident's history rows in order, with who made each change."""
    rows: QuerySet[Any] = accident.history.select_related("history_user").order_by("history_id")  # simple_history: untyped
    return rows


def _department_id(user: AnyUser) -> int | None:
    membership = membership_of(user)
    return membership.department_id if membership is not None else None


def referrals_visible(user: AnyUser, *, case: int | None = None, state: str | None = None) -> QuerySet[Referral]:
    """Referrals the user's department sent or received (a superuser: all), newest first."""
    qs = Referral.objects.select_related("from_department", "to_department").order_by("-created_at", "-id")
    if not getattr(user, "is_superuser", False):
        d = _department_id(user)
        if d is None:
            return qs.none()
        qs = qs.filter(Q(from_department_id=d) | Q(to_department_id=d))
    if case is not None:
        qs = qs.filter(case_id=case)
    if state:
        qs = qs.filter(state=state)
    return qs


def executions_visible(user: AnyUser, *, case: int | None = None, state: str | None = None) -> QuerySet[ExecutionTask]:
    """Execution tasks the user's department executes or whose case it owns (a superuser: all)."""
    qs = ExecutionTask.objects.select_related("department", "measure", "subject__cadre").order_by("id")
    if not getattr(user, "is_superuser", False):
        d = _department_id(user)
        if d is None:
            return qs.none()
        qs = qs.filter(Q(department_id=d) | Q(case__owner_department_id=d))
    if case is not None:
        qs = qs.filter(case_id=case)
    if state:
        qs = qs.filter(state=state)
    return qs


def appeals_visible(user: AnyUser, *, case: int | None = None) -> QuerySet[Appeal]:
    """Appeals the user's department decides or whose case it owns (a superuser: all)."""
    qs = Appeal.objects.select_related("deciding_department").prefetch_related("measures").order_by("-filed_on", "-id")
    if not getattr(user, "is_superuser", False):
        d = _department_id(user)
        if d is None:
            return qs.none()
        qs = qs.filter(Q(deciding_department_id=d) | Q(case__owner_department_id=d))
    if case is not None:
        qs = qs.filter(case_id=case)
    return qs


def decided_measures(case: Case) -> QuerySet[MeasureDecision]:
    """The measures decided on a case, with their cadres (the outcome a referring department sees)."""
    return MeasureDecision.objects.filter(subject__case=case, state=MeasureDecision.State.DECIDED).select_related(
        "subject__cadre"
    )


def case_or_none(pk: int) -> Case | None:
    case: Case | None = Case.objects.filter(pk=pk).first()  # the manager is untyped (django-fsm's mixin)
    return case


def filing_by_id(pk: int) -> Filing:
    """A 立案 with the leader who approved it (the API's answer after recording one)."""
    filing: Filing = Filing.objects.select_related("approved_by").get(pk=pk)
    return filing


def case_subject_exists(case: Case, subject_pk: int) -> bool:
    return case.subjects.filter(pk=subject_pk).exists()


def case_events(case: Case) -> QuerySet[CaseEvent]:
    """A case's events in chain order, with their actors."""
    events: QuerySet[CaseEvent] = case.events.select_related("actor").order_by("seq")
    return events


def accidents_within(queryset: QuerySet[Accident], user: AnyUser) -> QuerySet[Accident]:
    """``queryset`` narrowed to the accidents of the user's jurisdiction (form choices)."""
    return queryset.filter(accidents_visible_q(user))


def accidents_newest_first() -> QuerySet[Accident]:
    """Every accident, newest first (form choices, narrowed by ``accidents_within``)."""
    return Accident.objects.order_by("-occurred_at")
