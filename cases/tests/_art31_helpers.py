"""Art. 31 in tests (issue 13): record the three findings the exemption needs, after explaining
every gap the duty ledger shows — the way an investigator claims it."""

from __future__ import annotations

from typing import Any

from cases.models import CaseSubject
from cases.selectors.exemption import CONDITIONS, art31_ledger
from cases.services.exemption import gap_explanation_record
from cases.services.findings import finding_put

# The three findings, each with its text and evidence.
FULL_PERFORMANCE: dict[str, dict[str, Any]] = {
    "duties": {"established": True, "text": "经查实，该同志已全面履行本细则第二章、第三章所规定职责。", "evidence": ""},
    "statutory": {
        "established": True,
        "text": "经查实，已全面履行安全生产法规定的有关职责。",
        "evidence": "安全生产责任书、执法检查记录。",
    },
    "deployments": {
        "established": True,
        "text": "经查实，已全面落实县委和政府有关工作部署。",
        "evidence": "县委、县政府督办件办结报告。",
    },
}
assert set(FULL_PERFORMANCE) == set(CONDITIONS)
PAPER = "该时段履职记录为纸质台账，已调取附卷并核实。"


def explain_every_gap(
    *, case_id: int, subject: CaseSubject, acting_user, reason: str = PAPER, evidence: str = "纸质台账复印件（附卷）"
) -> int:
    """Record an explanation with evidence for each gap still unexplained; returns how many."""
    subject = CaseSubject.objects.select_related("finding").get(pk=subject.pk)
    gaps = art31_ledger(subject, subject.finding.conduct_date)["unexplained"]
    for gap in gaps:
        gap_explanation_record(
            case_id=case_id,
            subject_id=subject.pk,
            obligation_id=gap["obligation"],
            period_start=gap["start"].isoformat(),
            reason=reason,
            evidence=evidence,
            acting_user=acting_user,
        )
    return len(gaps)


def put_exempt_findings(*, case_id: int, data: dict[str, Any], acting_user) -> None:
    """For each subject: the findings without the claim (the conduct date fixes the ledger's
    window), an explanation of every gap, then the findings with all three conditions."""
    plain = {k: v for k, v in data.items() if k not in ("duties_fully_performed", "full_performance")}
    for subject in CaseSubject.objects.filter(case_id=case_id).order_by("id"):
        finding_put(case_id=case_id, subject_id=subject.pk, data=plain, acting_user=acting_user)
        explain_every_gap(case_id=case_id, subject=subject, acting_user=acting_user)
        finding_put(
            case_id=case_id, subject_id=subject.pk, data={**plain, "full_performance": FULL_PERFORMANCE}, acting_user=acting_user
        )
