"""Art. 31 on a case (issue 13, ``docs/exemption.md``): recording why a gap in the duty ledger
does not stand against the exemption, and checking and writing the three findings that go with
the subject's findings (``cases.services.findings.finding_put`` calls ``performance_parse``,
``performance_check`` and ``performance_write``).

第三十一条 exempts a cadre "经查实已经全面履行了本细则第二章、第三章所规定职责、法律法规规定有关
职责，并全面落实了县委和政府有关工作部署的". Each of the three is a finding the investigating
officer records with its text and evidence; the first rests on the duty ledger over the twelve
months up to the conduct, where every gap needs an explanation with evidence of its own
(``gap_explanation_record``). Nothing is a free-text bypass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cases.codes import FINDING_STATES, CaseEventKind, CaseState, FullPerformance
from cases.models import Case, CaseSubject, Finding, LedgerGapExplanation, PerformanceFinding
from cases.selectors.exemption import CONDITIONS, art31_ledger, performance_findings
from cases.services.common import case_event_record
from core.errors import NOT_FOUND, InvalidInput, InvalidReference, NotFound, PreconditionFailed
from core.persistence import lock, save_with_history
from core.typing import Actor
from duties.selectors.ledger import visible_records
from org.access import require_member_of

CONDITION_FIELDS = ("established", "text", "evidence")
# How many unexplained gaps a refusal names before it counts the rest.
NAMED_GAPS = 6


def _gap_line(gap: dict[str, Any]) -> str:
    return f"{gap['citation']} {gap['start']:%Y-%m-%d}～{gap['end']:%Y-%m-%d}（{gap['done']}/{gap['required']}）"


def gap_lines(gaps: list[dict[str, Any]]) -> str:
    """The first few gaps as one line for a message, with how many more there are."""
    text = "；".join(_gap_line(g) for g in gaps[:NAMED_GAPS])
    if len(gaps) > NAMED_GAPS:
        text += _("; and %(n)s more") % {"n": len(gaps) - NAMED_GAPS}
    return text


# --- the three findings --------------------------------------------------------------------


def performance_parse(raw: Any) -> dict[str, dict[str, Any]]:
    """Validate the ``full_performance`` object of a findings body: ``{duties, statutory,
    deployments}``, each ``{established?, text?, evidence?}``; a missing condition is not
    established. Raises a 400 naming every bad key (``full_performance.<condition>.<field>``)."""
    parsed = {c: {"established": False, "text": "", "evidence": ""} for c in CONDITIONS}
    if raw is None:
        return parsed
    if not isinstance(raw, dict):
        raise InvalidInput(
            {"full_performance": [_("Expected an object with the conditions %(keys)s.") % {"keys": ", ".join(CONDITIONS)}]}
        )
    errors: dict[str, list[str]] = {}
    for key in sorted(set(raw) - set(CONDITIONS)):
        errors[f"full_performance.{key}"] = [
            _("Unknown condition of Art. 31; expected one of %(keys)s.") % {"keys": ", ".join(CONDITIONS)}
        ]
    for condition in CONDITIONS:
        value = raw.get(condition)
        if value is None:
            continue
        if not isinstance(value, dict):
            errors[f"full_performance.{condition}"] = [
                _("Expected an object with %(keys)s.") % {"keys": ", ".join(CONDITION_FIELDS)}
            ]
            continue
        for key in sorted(set(value) - set(CONDITION_FIELDS)):
            errors[f"full_performance.{condition}.{key}"] = [_("Unknown field.")]
        established = value.get("established", False)
        if not isinstance(established, bool):
            errors[f"full_performance.{condition}.established"] = [_("Expected true or false.")]
        for name in ("text", "evidence"):
            if not isinstance(value.get(name, ""), str):
                errors[f"full_performance.{condition}.{name}"] = [_("Expected text.")]
        if not any(k.startswith(f"full_performance.{condition}") for k in errors):
            parsed[condition] = {
                "established": established,
                "text": value.get("text", "").strip(),
                "evidence": value.get("evidence", "").strip(),
            }
    if errors:
        raise InvalidInput(errors)
    return parsed


def performance_check(
    *, subject: CaseSubject, conduct: dt.date, circumstances: Iterable[str], parsed: dict[str, dict[str, Any]]
) -> dict[str, Any] | None:
    """Refuse (400) a condition claimed without what it rests on, before anything is written:

    - every established condition needs its text (what was found, 经查实);
    - the statutory and deployments conditions need their evidence; the duties condition's
      evidence is the ledger (its own evidence text is optional);
    - the duties condition needs the ledger to hold a Chapter 2–3 duty of the posts held and every
      gap of the twelve months up to the conduct explained (``gap_explanation_record``), and it
      contradicts circumstance 26.1 ("履行本细则第二章、第三章所规定职责不到位").

    Returns what the ledger showed when the duties condition is claimed (kept on the findings
    event), else ``None``."""
    errors: dict[str, list[str]] = {}
    for condition, value in parsed.items():
        if not value["established"]:
            continue
        if not value["text"]:
            errors[f"full_performance.{condition}.text"] = [
                _("Art. 31 (经查实): a condition is established only by a finding — write what the investigation found.")
            ]
        if condition != FullPerformance.DUTIES and not value["evidence"]:
            errors[f"full_performance.{condition}.evidence"] = [_("Art. 31 (经查实): name the evidence this condition rests on.")]
    summary = None
    if parsed[FullPerformance.DUTIES]["established"]:
        if "26.1" in circumstances:
            errors.setdefault("full_performance.duties.established", []).append(
                _(
                    "Contradicts circumstance 26.1 (duties of Chapters 2–3 not performed): correct one of them "
                    "before claiming Art. 31."
                )
            )
        ledger = art31_ledger(subject, conduct)
        summary = ledger_summary(ledger)
        if not ledger["obligations"]:
            errors.setdefault("full_performance.duties.established", []).append(
                _(
                    "The duty ledger holds no duty of Chapters 2–3 for the posts this cadre held from %(start)s to the "
                    "conduct on %(conduct)s: the condition cannot rest on it."
                )
                % {"start": f"{ledger['from']:%Y-%m-%d}", "conduct": f"{conduct:%Y-%m-%d}"}
            )
        elif ledger["unexplained"]:
            errors.setdefault("full_performance.duties.established", []).append(
                _(
                    "Art. 31 needs every duty of Chapters 2–3 performed, but the duty ledger shows %(n)s gap(s) before the "
                    "conduct without an explanation: %(gaps)s. Record an explanation with evidence for each gap, or do "
                    "not claim this condition."
                )
                % {"n": len(ledger["unexplained"]), "gaps": gap_lines(ledger["unexplained"])}
            )
    if errors:
        raise InvalidInput(errors)
    return summary


def ledger_summary(ledger: dict[str, Any]) -> dict[str, Any]:
    """What a findings event keeps of the ledger: the window, how many duties, each gap and the
    explanation it was accepted on."""
    return {
        "from": ledger["from"].isoformat(),
        "as_of": ledger["as_of"].isoformat(),
        "obligations": len(ledger["obligations"]),
        "gaps": [
            {
                "obligation": g["code"],
                "citation": g["citation"],
                "period": g["start"].isoformat(),
                "end": g["end"].isoformat(),
                "status": g["status"],
                "required": g["required"],
                "done": g["done"],
                "explanation": g["explanation"].pk if g["explanation"] is not None else None,
            }
            for g in ledger["gaps"]
        ],
    }


def performance_write(*, finding: Finding, parsed: dict[str, dict[str, Any]], acting_user: Actor) -> dict[str, bool]:
    """Write the three findings (a row only where something was recorded; a changed row keeps its
    history) and return which are established."""
    stored = performance_findings(finding)
    for condition, value in parsed.items():
        row = stored[condition]
        if row is None and not (value["established"] or value["text"] or value["evidence"]):
            continue
        row = row or PerformanceFinding(finding=finding, condition=condition)
        if row.pk is not None and all(getattr(row, k) == value[k] for k in CONDITION_FIELDS):
            continue
        for key in CONDITION_FIELDS:
            setattr(row, key, value[key])
        row.recorded_by = acting_user
        save_with_history(row, acting_user=acting_user, reason=f"findings: Art. 31 {condition}")
    return {condition: bool(value["established"]) for condition, value in parsed.items()}


# --- gap explanations ----------------------------------------------------------------------


@transaction.atomic
def gap_explanation_record(
    *,
    case_id: int,
    subject_id: int,
    obligation_id: Any,
    period_start: Any,
    reason: Any,
    evidence: Any = "",
    duty_records: Any = (),
    acting_user: Actor,
) -> LedgerGapExplanation:
    """Record why a gap the duty ledger shows for a subject does not stand against Art. 31.

    The gap must be one the ledger shows now: a block of a Chapter 2–3 duty of the posts held,
    within the twelve months up to the conduct of the subject's findings (save the findings with
    the conduct date first), missed or held in part and not met. The explanation needs a reason
    and evidence: a text, duty records of the cadre the user may read (not withdrawn), or both.
    A second explanation of the same block replaces the first; the history keeps both. By the
    handling department while the case is investigated or assessed; appends an event."""
    case = lock(Case, case_id)
    require_member_of(acting_user, case.owner_department_id)
    if case.state not in FINDING_STATES:
        raise PreconditionFailed(
            _("Findings can be recorded only while the case is investigated or assessed (now: %(s)s).")
            % {"s": CaseState(case.state).label}
        )
    subject = CaseSubject.objects.select_related("cadre", "finding").filter(case=case, pk=subject_id).first()
    if subject is None:
        raise NotFound(NOT_FOUND)
    finding = getattr(subject, "finding", None) if hasattr(subject, "finding") else None
    if finding is None:
        raise PreconditionFailed(
            _(
                "Save the subject's findings with the date of the conduct first: the gaps are those of the twelve "
                "months before it."
            )
        )
    errors: dict[str, list[str]] = {}
    if not isinstance(obligation_id, int) or isinstance(obligation_id, bool):
        errors["obligation"] = [_("Expected the id of an obligation.")]
    try:
        start = dt.date.fromisoformat(period_start) if isinstance(period_start, str) else None
    except ValueError:
        start = None
    if start is None:
        errors["period_start"] = [_("Expected the first day of the block, an ISO date such as 2026-01-01.")]
    if not isinstance(reason, str) or not reason.strip():
        errors["reason"] = [_("Write why this gap does not stand against Art. 31.")]
    if not isinstance(evidence, str):
        errors["evidence"] = [_("Expected text.")]
    if not isinstance(duty_records, list | tuple) or not all(
        isinstance(r, int) and not isinstance(r, bool) for r in duty_records
    ):
        errors["duty_records"] = [_("Expected a list of duty record ids.")]
    if errors:
        raise InvalidInput(errors)
    assert isinstance(reason, str) and isinstance(evidence, str) and start is not None
    record_ids = sorted(set(duty_records))
    if not evidence.strip() and not record_ids:
        raise InvalidInput(
            {"evidence": [_("An explanation rests on evidence: describe it, or name duty records of the cadre, or both.")]}
        )
    ledger = art31_ledger(subject, finding.conduct_date)
    gap = next((g for g in ledger["gaps"] if g["obligation"] == obligation_id and g["start"] == start), None)
    if gap is None:
        raise InvalidInput(
            {
                "period_start": [
                    _(
                        "The duty ledger shows no gap of this duty in the block starting %(start)s within the twelve months "
                        "up to the conduct on %(conduct)s; only a gap can be explained."
                    )
                    % {"start": f"{start:%Y-%m-%d}", "conduct": f"{finding.conduct_date:%Y-%m-%d}"}
                ]
            }
        )
    records = list(visible_records(acting_user, cadre_id=subject.cadre_id, with_voided=False).filter(pk__in=record_ids))
    missing = sorted(set(record_ids) - {r.pk for r in records})
    if missing:
        raise InvalidReference(
            {
                "duty_records": [
                    _("No duty record %(ids)s of this cadre that you may read and that is not withdrawn.")
                    % {"ids": ", ".join(map(str, missing))}
                ]
            }
        )
    explanation = gap["explanation"]
    replaced = explanation is not None
    explanation = explanation or LedgerGapExplanation(subject=subject, obligation_id=obligation_id, period_start=start)
    explanation.period_end = gap["end"]
    explanation.reason = reason.strip()
    explanation.evidence = evidence.strip()
    explanation.recorded_by = acting_user
    save_with_history(
        explanation, acting_user=acting_user, reason="ledger gap explanation replaced" if replaced else "ledger gap explained"
    )
    explanation.duty_records.set(records)
    case_event_record(
        case=case,
        kind=CaseEventKind.LEDGER_GAP_EXPLAINED,
        acting_user=acting_user,
        from_state=case.state,
        to_state=case.state,
        payload={
            "subject": subject.pk,
            "explanation": explanation.pk,
            "obligation": gap["code"],
            "citation": gap["citation"],
            "period": start.isoformat(),
            "end": gap["end"].isoformat(),
            "status": gap["status"],
            "required": gap["required"],
            "done": gap["done"],
            "duty_records": [r.pk for r in records],
            "replaced": replaced,
        },
    )
    return explanation
