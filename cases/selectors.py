"""Reads that know the user (STYLE §5): department visibility in one place.

A user sees in full the cases their department owns, has been sent and not returned (a
referral to it), executes (an execution or archive task) or decides an appeal of. A department
that only *referred* a lead, or transferred the case away, sees its status and outcome and
nothing else (PRODUCT §5).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from cases.models import (
    Appeal,
    Assessment,
    Case,
    CaseSubject,
    ExecutionTask,
    MeasureDecision,
    Referral,
)
from cases.services.common import membership_of

FULL = "full"
SOURCE_ONLY = "source"


def _involved(department_id: int) -> Q:
    return (
        Q(owner_department_id=department_id)
        | Exists(
            Referral.objects.filter(case=OuterRef("pk"), to_department_id=department_id).exclude(state=Referral.State.RETURNED)
        )
        | Exists(ExecutionTask.objects.filter(case=OuterRef("pk"), department_id=department_id))
        | Exists(Appeal.objects.filter(case=OuterRef("pk"), deciding_department_id=department_id))
    )


def case_visible_qs(user) -> QuerySet[Case]:
    if getattr(user, "is_superuser", False):
        return Case.objects.all()
    membership = membership_of(user)
    if membership is None:
        return Case.objects.none()
    d = membership.department_id
    return Case.objects.filter(_involved(d) | _referred(d))


def _referred(department_id: int) -> Q:
    return Q(source_department_id=department_id) | Exists(
        Referral.objects.filter(case=OuterRef("pk"), from_department_id=department_id)
    )


def case_access(case: Case, user) -> str | None:
    """``full``, ``source`` (status and outcome only) or None (invisible)."""
    if getattr(user, "is_superuser", False):
        return FULL
    membership = membership_of(user)
    if membership is None:
        return None
    d = membership.department_id
    if Case.objects.filter(pk=case.pk).filter(_involved(d)).exists():
        return FULL
    if Case.objects.filter(pk=case.pk).filter(_referred(d)).exists():
        return SOURCE_ONLY
    return None


def case_list(*, user, state: str | None = None, department: int | None = None, q: str | None = None) -> QuerySet[Case]:
    qs = case_visible_qs(user).select_related("owner_department", "source_department")
    if state:
        qs = qs.filter(state__in=state.split(","))
    if department:
        qs = qs.filter(owner_department_id=department)
    if q:
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(title__icontains=q)
            | Q(facts__icontains=q)
            | Exists(CaseSubject.objects.filter(case=OuterRef("pk"), cadre__name__icontains=q))
        )
    return qs.order_by("-created_at", "-id")


def case_detail_qs() -> QuerySet[Case]:
    subjects = CaseSubject.objects.select_related("cadre", "post", "post__organization", "finding").prefetch_related(
        Prefetch("measures", queryset=MeasureDecision.objects.order_by("id")),
        Prefetch("assessments", queryset=Assessment.objects.filter(kind=Assessment.Kind.CONCLUSION).order_by("id")),
    )
    return Case.objects.select_related(
        "owner_department", "source_department", "accident", "proposed_by", "approved_by"
    ).prefetch_related(Prefetch("subjects", queryset=subjects), "team")


def _history_rows(model, **filters):
    history_model = model.history.model
    fields = [f.attname for f in history_model.tracked_fields]
    rows = list(
        history_model.objects.filter(**filters).select_related("history_user").order_by("id", "history_date", "history_id")
    )
    return rows, fields


def case_history(case: Case) -> list[dict]:
    """Field-level changes of the case and every row hanging off it, oldest first.

    One query per model, whatever the number of rows; diffs are computed between consecutive
    snapshots of the same object in Python.
    """
    from cases.models import Finding

    sources = [
        (Case, {"id": case.pk}),
        (CaseSubject, {"case_id": case.pk}),
        (Finding, {"subject__in": list(case.subjects.values_list("pk", flat=True))}),
        (MeasureDecision, {"subject__in": list(case.subjects.values_list("pk", flat=True))}),
        (Assessment, {"subject__in": list(case.subjects.values_list("pk", flat=True))}),
        (Referral, {"case_id": case.pk}),
        (ExecutionTask, {"case_id": case.pk}),
        (Appeal, {"case_id": case.pk}),
    ]
    entries = []
    for model, filters in sources:
        # Historical rows do not keep reverse relations; filter on the copied foreign key ids.
        hfilters = {}
        for key, value in filters.items():
            if key.endswith("__in"):
                hfilters[key.replace("__in", "_id__in")] = value
            else:
                hfilters[key] = value
        rows, fields = _history_rows(model, **hfilters)
        previous: dict[int, object] = {}
        for row in rows:
            before = previous.get(row.id)
            changes = []
            for name in fields:
                new = getattr(row, name)
                old = getattr(before, name) if before is not None else None
                if before is None or old != new:
                    if before is None and new in (None, "", [], {}):
                        continue
                    changes.append({"field": name, "old": old, "new": new})
            previous[row.id] = row
            entries.append(
                {
                    "model": model._meta.model_name,
                    "object_id": row.id,
                    "type": {"+": "created", "~": "changed", "-": "deleted"}[row.history_type],
                    "user": row.history_user.username if row.history_user else None,
                    "date": row.history_date,
                    "reason": row.history_change_reason or "",
                    "changes": changes,
                }
            )
    entries.sort(key=lambda e: e["date"])
    return entries
