"""Recording findings per subject (PRODUCT §2, Art. 31, Art. 33) and previewing the rule engine."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.codes import FINDING_STATES, CaseState, FullPerformance
from cases.models import Case, CaseMaterial, CaseSubject, Finding
from cases.rules.engine import AssessmentInputError
from cases.search import case_search_refresh
from cases.selectors.assessments import accident_grade_of, cadre_status_for, case_jurisdiction, evaluate
from cases.services.common import case_event_record
from cases.services.exemption import performance_check, performance_parse, performance_write
from core.errors import NOT_FOUND, InvalidInput, NotFound, PreconditionFailed
from core.persistence import lock, save_with_history
from core.typing import Actor
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
TEXT_FIELDS = ("post_duties", "performance", "conditions", "evidence")
# ``materials``: ids of the case materials cited (``_cited_materials``).
# Before issue 13 a written justification could stand in for the duty ledger (Art. 31); findings
# made then keep it, new ones cannot use it.
LEGACY_JUSTIFICATION = "exemption_justification"
JUSTIFICATION_RETIRED = gettext_lazy(
    "No longer accepted: Art. 31 rests on three findings (full_performance), and each gap in the duty ledger needs "
    "an explanation with evidence of its own. Findings made before keep their justification."
)


def _cited_materials(case: Case, finding: Finding | None, raw: Any) -> list[int]:
    """The ids of the case materials the findings cite (issue 16 item 8): versions of this case's
    materials, each once, in the order given. A withdrawn one may stay cited (it is shown as
    withdrawn) but is not newly cited."""
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in raw):
        raise InvalidInput({"materials": [_("Expected a list of material ids.")]})
    ids = list(dict.fromkeys(raw))
    found = {m.pk: m for m in CaseMaterial.objects.filter(case=case, pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise InvalidInput(
            {"materials": [_("No material of this case has the id %(ids)s.") % {"ids": ", ".join(map(str, missing))}]}
        )
    before = set(finding.materials) if finding is not None else set()
    newly_withdrawn = [found[i].title for i in ids if found[i].withdrawn_at is not None and i not in before]
    if newly_withdrawn:
        raise InvalidInput(
            {"materials": [_("Withdrawn materials cannot be newly cited: %(t)s.") % {"t": "、".join(newly_withdrawn)}]}
        )
    return ids


@transaction.atomic
def finding_put(*, case_id: int, subject_id: int, data: dict[str, Any], acting_user: Actor) -> dict[str, Any]:
    """Replace a subject's findings and return the rule engine's output for them.

    Allowed while the case is investigated or assessed, by the handling department. The
    cadre's status is taken from the post history, never from the caller.

    Art. 31 (issue 13): ``full_performance`` carries its three findings (``cases.services.exemption``);
    ``duties_fully_performed`` is derived — true exactly when all three are established — and,
    when sent, must agree. ``exemption_justification`` no longer justifies anything: it is kept
    on findings made before, and a PUT that sends a non-blank one is refused. Everything is
    checked before anything is written.
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
    unknown = sorted(set(data) - set(ENGINE_FIELDS) - set(TEXT_FIELDS) - {"full_performance", "materials", LEGACY_JUSTIFICATION})
    if unknown:
        raise InvalidInput({name: [_("Unknown field.")] for name in unknown})
    for name in (*TEXT_FIELDS, LEGACY_JUSTIFICATION):
        if name in data and not isinstance(data[name], str):
            raise InvalidInput({name: [_("Expected text.")]})
    if (data.get(LEGACY_JUSTIFICATION) or "").strip():
        raise InvalidInput({LEGACY_JUSTIFICATION: [JUSTIFICATION_RETIRED]})
    finding = getattr(subject, "finding", None) if hasattr(subject, "finding") else None
    cited = _cited_materials(case, finding, data.get("materials"))
    parsed = performance_parse(data.get("full_performance"))
    all_established = all(value["established"] for value in parsed.values())
    claimed = data.get("duties_fully_performed")
    if claimed is not None and not isinstance(claimed, bool):
        raise InvalidInput({"duties_fully_performed": [_("Expected true or false.")]})
    if claimed is not None and claimed != all_established:
        missing = [str(FullPerformance(c).label) for c, value in parsed.items() if not value["established"]]
        raise InvalidInput(
            {
                "duties_fully_performed": [
                    _(
                        "Derived from Art. 31's three findings (full_performance): true exactly when all three are "
                        "established. Not established: %(missing)s."
                    )
                    % {"missing": "；".join(missing)}
                    if claimed
                    else _("Derived from Art. 31's three findings (full_performance): all three are established, so it is true.")
                ]
            }
        )
    engine_input = {k: data[k] for k in ENGINE_FIELDS if k in data}
    engine_input["duties_fully_performed"] = all_established
    engine_input["full_performance"] = {condition: value["established"] for condition, value in parsed.items()}
    try:
        conduct = (
            dt.date.fromisoformat(engine_input["conduct_date"]) if isinstance(engine_input.get("conduct_date"), str) else None
        )
    except ValueError:
        conduct = None
    if conduct is not None:
        engine_input["cadre_status"] = cadre_status_for(subject, conduct)
    engine_input.update(accident_grade_of(subject))
    try:
        output, _snap = evaluate(engine_input, jurisdiction=case_jurisdiction(subject))
    except AssessmentInputError as exc:
        # The engine names the derived flag (a contradiction with 26.1 or 26.6); the caller wrote
        # the three findings, of which the duties condition is the one contradicted.
        field = "full_performance.duties.established" if exc.field == "duties_fully_performed" and claimed is None else exc.field
        raise InvalidInput({field: [exc.localized]}) from exc
    assert conduct is not None  # the engine requires a valid conduct date
    ledger = performance_check(
        subject=subject, conduct=conduct, circumstances=engine_input.get("circumstances", []), parsed=parsed
    )

    created = finding is None
    finding = finding or Finding(subject=subject)
    finding.circumstances = output_circumstances = [c for c in engine_input.get("circumstances", [])]
    finding.aggravating = list(engine_input.get("aggravating", []))
    for flag in ("mitigating", "duties_fully_performed", "fault_tolerance", "suspected_crime", "egregious"):
        setattr(finding, flag, bool(engine_input.get(flag, False)))
    finding.conduct_date = conduct
    for name in TEXT_FIELDS:
        setattr(finding, name, data.get(name, "").strip())
    finding.materials = cited
    finding.updated_by = acting_user
    save_with_history(finding, acting_user=acting_user, reason="findings")
    established = performance_write(finding=finding, parsed=parsed, acting_user=acting_user)
    case_search_refresh(case)
    # The subject's post is the one held at the time of the conduct (Art. 32 follows the cadre).
    post = subject.cadre.posts.filter(start__lte=conduct).order_by("-start", "-id").first()
    if post is not None and post.pk != subject.post_id:
        subject.post = post
        save_with_history(subject, acting_user=acting_user, reason="findings: post at the time of conduct")
    claims_art31 = any(value["established"] or value["text"] or value["evidence"] for value in parsed.values())
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
            **({"full_performance": established} if claims_art31 else {}),
            **({"art31_ledger": ledger} if ledger is not None else {}),
            **({"materials": cited} if cited else {}),
        },
    )
    return output
