"""``case_history``: one statement over every history table (BENCH W5) gives exactly what reading
each historical model through django-simple-history's ORM gives, on every demo case."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import (
    Appeal,
    Assessment,
    Case,
    CaseSubject,
    ExecutionTask,
    Filing,
    Finding,
    InterimMeasure,
    LedgerGapExplanation,
    MeasureDecision,
    PerformanceFinding,
    Referral,
)
from cases.selectors import case_history

pytestmark = pytest.mark.django_db


def _reference(case: Case) -> list[dict]:
    """The same timeline read model by model through the ORM (the shape of the earlier selector)."""
    subject_ids = sorted(set(CaseSubject.history.filter(case_id=case.pk).values_list("id", flat=True)))
    finding_ids = sorted(set(Finding.history.filter(subject_id__in=subject_ids).values_list("id", flat=True)))
    sources = [
        (Case, {"id": case.pk}),
        (CaseSubject, {"case_id": case.pk}),
        (Finding, {"subject_id__in": subject_ids}),
        (Filing, {"subject_id__in": subject_ids}),
        (InterimMeasure, {"subject_id__in": subject_ids}),
        (PerformanceFinding, {"finding_id__in": finding_ids}),
        (LedgerGapExplanation, {"subject_id__in": subject_ids}),
        (MeasureDecision, {"subject_id__in": subject_ids}),
        (Assessment, {"subject_id__in": subject_ids}),
        (Referral, {"case_id": case.pk}),
        (ExecutionTask, {"case_id": case.pk}),
        (Appeal, {"case_id": case.pk}),
    ]
    entries = []
    for model, filters in sources:
        history_model = model.history.model
        fields = [f.attname for f in history_model.tracked_fields]
        previous = {}
        rows = history_model.objects.filter(**filters).select_related("history_user")
        for row in rows.order_by("id", "history_date", "history_id"):
            before = previous.get(row.id)
            changes = []
            for name in fields:
                new = getattr(row, name)
                if before is None:
                    if new not in (None, "", [], {}):
                        changes.append({"field": name, "old": None, "new": new})
                elif getattr(before, name) != new:
                    changes.append({"field": name, "old": getattr(before, name), "new": new})
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


def test_one_statement_gives_what_the_orm_gives_on_every_demo_case(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("loaddemo", stdout=io.StringIO())
    seen_models, seen_types = set(), set()
    cases = list(Case.objects.order_by("pk"))
    assert len(cases) >= 10
    for case in cases:
        with CaptureQueriesContext(connection) as queries:
            got = case_history(case)
        assert len(queries) == 1, [q["sql"][:120] for q in queries]
        want = _reference(case)
        assert got == want, f"case {case.number}"
        for entry in got:
            seen_models.add(entry["model"])
            for change in entry["changes"]:
                seen_types.add(type(change["new"]).__name__)
    # the comparison covered every history table and every kind of value they hold
    assert seen_models == {
        "case",
        "casesubject",
        "finding",
        "filing",  # the demo's investigating case has its subject filed (立案)
        "interimmeasure",  # and suspended ahead of the findings (先期停职)
        "performancefinding",
        "ledgergapexplanation",
        "measuredecision",
        "assessment",
        "referral",
        "executiontask",
        "appeal",
    }
    assert {"datetime", "date", "bool", "list", "dict", "int", "str"} <= seen_types


def test_a_value_changed_back_and_forth_is_diffed_against_the_previous_snapshot(world, api):
    from core.persistence import save_with_history

    officer = world.users["discipline_officer"]
    case = Case.objects.filter(
        pk=api("emergency_officer")
        .post(
            "/api/v1/leads/",
            {
                "title": "线索",
                "facts": "事实",
                "source_kind": "accident_investigation",
                "subjects": [world.cadres["pl-baofeng:township_deputy:0"].pk],
            },
            format="json",
        )
        .json()["id"]
    ).get()
    for title in ("第二个标题", "线索"):
        case.title = title
        save_with_history(case, acting_user=officer, reason="retitle")
    titles = [
        (c["old"], c["new"])
        for entry in case_history(case)
        if entry["model"] == "case"
        for c in entry["changes"]
        if c["field"] == "title"
    ]
    assert titles == [(None, "线索"), ("线索", "第二个标题"), ("第二个标题", "线索")]
    assert case_history(case) == _reference(case)
