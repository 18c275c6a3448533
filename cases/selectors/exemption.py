"""Reads of Art. 31 on a case (issue 13, ``docs/exemption.md``): a subject's three findings, the
gaps the duty ledger shows with their explanations, and what the rule engine is given.

第三十一条: "对职责范围内发生生产安全事故，经查实已经全面履行了本细则第二章、第三章所规定职责、
法律法规规定有关职责，并全面落实了县委和政府有关工作部署的，不予追究有关党政领导干部的领导责任。"
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch

from cases.codes import FullPerformance
from cases.models import CaseSubject, Finding, LedgerGapExplanation, PerformanceFinding
from duties.selectors.compliance import art31_compliance

CONDITIONS: tuple[str, ...] = tuple(FullPerformance.values)


def _finding(subject: CaseSubject) -> Finding | None:
    return getattr(subject, "finding", None) if hasattr(subject, "finding") else None


def performance_findings(finding: Finding | None) -> dict[str, PerformanceFinding | None]:
    """The stored finding of each of Art. 31's conditions (``None`` where nothing was recorded),
    in the seed's order. Reads ``finding.full_performance`` (prefetch it for many subjects)."""
    found: dict[str, PerformanceFinding | None] = dict.fromkeys(CONDITIONS)
    if finding is not None:
        for row in finding.full_performance.all():
            found[row.condition] = row
    return found


def gap_explanations(subject: CaseSubject) -> dict[tuple[int, dt.date], LedgerGapExplanation]:
    """The subject's gap explanations by (obligation, first day of the block), with who recorded
    them and the duty records they rely on (two queries)."""
    rows = (
        LedgerGapExplanation.objects.filter(subject=subject)
        .select_related("recorded_by", "obligation")
        .prefetch_related("duty_records")
    )
    return {(row.obligation_id, row.period_start): row for row in rows}


def art31_ledger(subject: CaseSubject, conduct_date: dt.date) -> dict[str, Any]:
    """What the duty ledger says for Art. 31's first condition: the Chapter 2–3 duties of the
    posts the subject held over the twelve months up to the conduct, judged on the conduct date
    (``duties.selectors.compliance.art31_compliance``), and each gap with its explanation or
    ``None``. ``unexplained`` is the gaps still without one; ``backed`` is true when the ledger
    has at least one duty for the subject and every gap is explained. Five queries."""
    result = art31_compliance(subject.cadre_id, conduct_date)
    explanations = gap_explanations(subject)
    gaps = [{**gap, "explanation": explanations.get((gap["obligation"], gap["start"]))} for gap in result["gaps"]]
    unexplained = [gap for gap in gaps if gap["explanation"] is None]
    return {
        "from": result["start"],
        "to": result["end"],
        "as_of": conduct_date,
        "obligations": result["obligations"],
        "gaps": gaps,
        "unexplained": unexplained,
        "backed": bool(result["obligations"]) and not unexplained,
    }


def subject_for_findings(case_id: int, subject_id: int) -> CaseSubject | None:
    """A subject of a case with its cadre, post, finding and Art. 31 findings (who recorded
    them), or ``None``: what the findings GET and page show (two queries)."""
    conditions = PerformanceFinding.objects.select_related("recorded_by").order_by("id")
    return (
        CaseSubject.objects.select_related("cadre", "post__organization", "finding")
        .prefetch_related(Prefetch("finding__full_performance", queryset=conditions))
        .filter(case_id=case_id, pk=subject_id)
        .first()
    )


def engine_full_performance(finding: Finding | None, ledger: dict[str, Any] | None) -> dict[str, bool]:
    """The three conditions as the rule engine takes them: each stored finding established, and
    the duties condition also backed by ``ledger`` (``art31_ledger``) when one is given."""
    out = {condition: bool(row is not None and row.established) for condition, row in performance_findings(finding).items()}
    if ledger is not None:
        out[FullPerformance.DUTIES.value] = out[FullPerformance.DUTIES.value] and ledger["backed"]
    return out


def full_performance_for(subject: CaseSubject, *, verify_ledger: bool = True) -> dict[str, bool]:
    """Art. 31's three conditions for the rule engine (``"full_performance"`` of its input):
    ``{"duties": …, "statutory": …, "deployments": …}``, each true when the investigator's
    finding establishes it. The exemption applies only when all three are true.

    ``duties`` also needs the ledger to back it *now* (``verify_ledger``): a duty record
    withdrawn after the finding reopens a gap, and the condition is false until that gap is
    explained and the finding saved again. ``verify_ledger=False`` reads only the stored
    findings (one query, none when ``finding.full_performance`` is prefetched) — for previews of
    many subjects; the conclusion should verify."""
    finding = _finding(subject)
    out = engine_full_performance(finding, None)
    duties = FullPerformance.DUTIES.value
    if out[duties] and verify_ledger and finding is not None:
        out[duties] = art31_ledger(subject, finding.conduct_date)["backed"]
    return out
