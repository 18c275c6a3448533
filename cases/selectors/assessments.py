"""Running the rule engine with the policy in force (PRODUCT §2). The engine itself is pure
(``cases.rules.engine``); this module only fetches the policy snapshot and the subject's data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from cases.models import CaseSubject
from cases.rules.engine import AssessmentInputError, assess, parse_input
from cases.rules.policy import NoPolicyInForce, policy_from_snapshot, policy_snapshot_on
from org.codes import CadreStatus, MoveKind
from org.models import Post


def evaluate(data: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Validate ``data`` and evaluate it under the policy in force at its conduct date.

    Returns ``(output, policy_snapshot)``. Raises ``AssessmentInputError`` naming the field.
    """
    inp = parse_input(data)
    try:
        snap = policy_snapshot_on(inp.conduct_date)
    except NoPolicyInForce as exc:
        raise AssessmentInputError(
            "conduct_date", str(exc), f"{inp.conduct_date.isoformat()} 没有有效的问责方式政策（细则自2021年6月11日施行）"
        ) from exc
    return assess(inp, policy_from_snapshot(snap)), snap


def replay(stored_input: dict[str, Any]) -> dict[str, Any]:
    """Re-evaluate a stored assessment under the policy snapshot it was made with."""
    return assess(stored_input["data"], policy_from_snapshot(stored_input["policy"]))


def cadre_status_for(subject: CaseSubject, conduct_date: dt.date, *, posts: Iterable[Post] | None = None) -> str:
    """The cadre's status relative to the post held at the conduct (Art. 32): still there,
    transferred, promoted (judged by the moves after the conduct) or retired.

    ``posts``: the cadre's posts already loaded (a page showing many subjects); otherwise they
    are read here."""
    cadre = subject.cadre
    if cadre.status == CadreStatus.RETIRED:
        return CadreStatus.RETIRED
    if posts is None:
        posts = Post.objects.filter(cadre_id=cadre.pk, start__gt=conduct_date).exclude(move_kind=MoveKind.APPOINTMENT)
    kinds = [p.move_kind for p in posts if p.start > conduct_date and p.move_kind != MoveKind.APPOINTMENT]
    if not kinds:
        return CadreStatus.IN_OFFICE
    return CadreStatus.PROMOTED if MoveKind.PROMOTION in kinds else CadreStatus.TRANSFERRED


def finding_input(subject: CaseSubject, *, posts: Iterable[Post] | None = None) -> dict[str, Any]:
    finding = subject.finding
    return {
        "circumstances": list(finding.circumstances),
        "aggravating": list(finding.aggravating),
        "mitigating": finding.mitigating,
        "duties_fully_performed": finding.duties_fully_performed,
        "fault_tolerance": finding.fault_tolerance,
        "suspected_crime": finding.suspected_crime,
        "egregious": finding.egregious,
        "cadre_status": cadre_status_for(subject, finding.conduct_date, posts=posts),
        "conduct_date": finding.conduct_date.isoformat(),
    }


def evaluate_subject(subject: CaseSubject) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """``(input, output, policy_snapshot)`` for one subject's findings."""
    data = finding_input(subject)
    output, snap = evaluate(data)
    return data, output, snap
