"""Recording findings per subject (PRODUCT §2, Art. 33) and previewing the rule engine."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cases.codes import FINDING_STATES, CaseState
from cases.models import Case, CaseSubject, Finding
from cases.rules.engine import AssessmentInputError
from cases.selectors.assessments import cadre_status_for, case_jurisdiction, evaluate
from cases.services.common import case_event_record
from core.errors import NOT_FOUND, InvalidInput, NotFound, PreconditionFailed
from core.persistence import lock, save_with_history
from core.typing import Actor
from duties.selectors.compliance import conduct_compliance
from org.access import require_member_of

ENGINE_FIELDS = (
    "circumstances",
    "aggravating",
    "mitigating",
    "duties_fully_performed",
    "fault_tolerance",
    "suspected_crime",
    "egregious",
    "conduct_date",
)
TEXT_FIELDS = ("post_duties", "performance", "conditions", "evidence", "exemption_justification")


@transaction.atomic
def finding_put(*, case_id: int, subject_id: int, data: dict[str, Any], acting_user: Actor) -> dict[str, Any]:
    """Replace a subject's findings and return the rule engine's output for them.

    Allowed while the case is investigated or assessed, by the handling department. The
    cadre's status is taken from the post history, never from the caller.
    """
    case = lock(Case, case_id)
    require_member_of(acting_user, case.owner_department_id)
    if case.state not in FINDING_STATES:
        raise PreconditionFailed(
            _("Findings can be recorded only while the case is investigated or assessed (now: %(s)s).")
            % {"s": CaseState(case.state).label}
        )
    subject = CaseSubject.objects.select_related("cadre").filter(case=case, pk=subject_id).first()
    if subject is None:
        raise NotFound(NOT_FOUND)
    if not isinstance(data, dict):
        raise InvalidInput({"(body)": [_("Expected a JSON object.")]})
    unknown = sorted(set(data) - set(ENGINE_FIELDS) - set(TEXT_FIELDS))
    if unknown:
        raise InvalidInput({name: [_("Unknown field.")] for name in unknown})
    for name in TEXT_FIELDS:
        if name in data and not isinstance(data[name], str):
            raise InvalidInput({name: [_("Expected text.")]})
    engine_input = {k: data[k] for k in ENGINE_FIELDS if k in data}
    try:
        conduct = (
            dt.date.fromisoformat(engine_input["conduct_date"]) if isinstance(engine_input.get("conduct_date"), str) else None
        )
    except ValueError:
        conduct = None
    if conduct is not None:
        engine_input["cadre_status"] = cadre_status_for(subject, conduct)
    accident = subject.case.accident
    if accident is not None and accident.grade:
        engine_input["accident_grade"] = accident.grade
    try:
        output, _snap = evaluate(engine_input, jurisdiction=case_jurisdiction(subject))
    except AssessmentInputError as exc:
        raise InvalidInput({exc.field: [exc.message]}) from exc
    compliance = art31_evidence(subject, conduct, engine_input, data)

    finding = getattr(subject, "finding", None) if hasattr(subject, "finding") else None
    created = finding is None
    finding = finding or Finding(subject=subject)
    finding.circumstances = output_circumstances = [c for c in engine_input.get("circumstances", [])]
    finding.aggravating = list(engine_input.get("aggravating", []))
    for flag in ("mitigating", "duties_fully_performed", "fault_tolerance", "suspected_crime", "egregious"):
        setattr(finding, flag, bool(engine_input.get(flag, False)))
    finding.conduct_date = conduct
    for name in TEXT_FIELDS:
        setattr(finding, name, data.get(name, "").strip())
    finding.updated_by = acting_user
    save_with_history(finding, acting_user=acting_user, reason="findings")
    # The subject's post is the one held at the time of the conduct (Art. 32 follows the cadre).
    post = subject.cadre.posts.filter(start__lte=conduct).order_by("-start", "-id").first()
    if post is not None and post.pk != subject.post_id:
        subject.post = post
        save_with_history(subject, acting_user=acting_user, reason="findings: post at the time of conduct")
    case_event_record(
        case=case,
        kind="findings",
        acting_user=acting_user,
        from_state=case.state,
        to_state=case.state,
        payload={
            "subject": subject.pk,
            "created": created,
            "circumstances": output_circumstances,
            "outcome": output["outcome"],
            **({"art31_compliance": compliance} if compliance else {}),
        },
    )
    return output


def compliance_summary(cadre_id: int, conduct: dt.date) -> dict[str, Any]:
    """The duty ledger over the twelve months up to the conduct (PRODUCT §3), reduced to what a
    case keeps: fully met or not, and each missed block with its article."""

    result = conduct_compliance(cadre_id, conduct)
    return {
        "from": result["start"].isoformat(),
        "as_of": conduct.isoformat(),
        "fully_met": result["fully_met"],
        "missed": [
            {
                "obligation": o["code"],
                "citation": o["citation"],
                "period": str(p["start"]),
                "required": p["required"],
                "done": p["done"],
            }
            for o in result["obligations"]
            for p in o["periods"]
            if p["status"] == "missed"
        ],
    }


def art31_evidence(
    subject: CaseSubject, conduct: dt.date | None, engine_input: dict[str, Any], data: dict[str, Any]
) -> dict[str, Any] | None:
    """Art. 31 exempts only a cadre "经查实已经全面履行了…职责": claiming it needs the duty ledger
    to show every duty met up to the conduct, or a written justification the case keeps."""
    if not engine_input.get("duties_fully_performed") or conduct is None:
        return None
    summary = compliance_summary(subject.cadre_id, conduct)
    justification = (data.get("exemption_justification") or "").strip()
    if not summary["fully_met"] and not justification:
        missed = "；".join(f"{m['citation']} {m['period']}（{m['done']}/{m['required']}）" for m in summary["missed"][:6])
        raise InvalidInput(
            {
                "exemption_justification": [
                    _(
                        "Art. 31 needs every duty of Chapters 2–3 performed, but the duty ledger shows gaps before the "
                        "conduct: %(missed)s. Record the evidence, or write why the exemption holds nonetheless."
                    )
                    % {"missed": missed}
                ]
            }
        )
    summary["justification_given"] = bool(justification)
    return summary
