"""What each transition does once the dispatcher (``cases.services.lifecycle.case_transition``)
has locked the case and checked its state, the user's right and the payload's keys: parse the
payload with the row's ``Input`` where the checks belong, check the preconditions (409), move the
state, write the rows with history and append the event.

A handler is ``(case, user, payload, row) -> Case``; ``HANDLERS`` maps every transition of
``cases.lifecycle.spec`` to one (the spec test checks it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from cases.codes import CaseState
from cases.lifecycle.inputs import parse
from cases.lifecycle.measures import create_execution_tasks
from cases.lifecycle.spec import Transition
from cases.models import Appeal, Assessment, Case, CaseSubject, ExecutionTask, MeasureDecision, Referral
from cases.selectors.assessments import evaluate_subject
from cases.selectors.deadlines import deadline_after
from cases.services.common import case_event_record
from cases.services.interim import require_interim_settled
from core.errors import CONCURRENT_MODIFICATION, ConcurrentModification, PreconditionFailed, field_error
from core.hooks import workflow_event
from core.persistence import local_today, save_with_history
from core.typing import Actor
from org.access import department_of_kind
from org.codes import DepartmentKind
from org.jurisdiction import OUTSIDE_ROUTES, route_allowed
from org.models import Post
from rulebooks.figures import FigureBook

OPEN_REFERRAL_STATES = (Referral.State.SENT, Referral.State.ACKNOWLEDGED)

Handler = Callable[[Case, Actor, dict[str, Any], Transition], Case]


def _parse(row: Transition, case: Case, payload: dict[str, Any]) -> dict[str, Any]:
    return parse(row.Input, payload, case=case, reason_required=row.reason_required)


def save_case(case: Case, *, acting_user: Actor, reason: str) -> None:
    try:
        save_with_history(case, acting_user=acting_user, reason=reason)
    except ConcurrentTransition as exc:  # the state changed under us (SQLite path)
        raise ConcurrentModification(CONCURRENT_MODIFICATION) from exc


def _transfer(case: Case, user: Actor, payload: dict[str, Any], row: Transition) -> Case:
    data = _parse(row, case, payload)
    reason, target = data["reason"], data["to_department"]
    managing = set(
        Post.objects.filter(cadre__subjects__case=case, end__isnull=True).values_list("managing_authority_id", flat=True)
    )
    if not route_allowed(case.owner_department, target, managing_ids=managing):
        raise field_error("to_department", OUTSIDE_ROUTES % {"d": target.name})
    if case.referrals.filter(kind=Referral.Kind.TRANSFER, state__in=OPEN_REFERRAL_STATES).exists():
        raise PreconditionFailed(_("A transfer of this case is already waiting for the receiving department."))
    case.transfer()
    save_case(case, acting_user=user, reason=f"transfer: {reason}")
    now = timezone.now()
    referral = Referral(
        case=case,
        kind=Referral.Kind.TRANSFER,
        from_department=case.owner_department,
        to_department=target,
        reason=reason,
        created_by=user,
        created_at=now,
        acknowledge_by=deadline_after("referral_acknowledgement", now, department=case.owner_department_id),
    )
    save_with_history(referral, acting_user=user, reason="transfer")
    case_event_record(
        case=case,
        kind=row.event,
        acting_user=user,
        from_state=CaseState.RECEIVED,
        to_state=CaseState.RECEIVED,
        reason=reason,
        payload={"referral": referral.pk, "to_department": target.pk},
    )
    workflow_event("referral_created", referral=referral, acting_user=user)
    return case


def simple(case: Case, user: Actor, payload: dict[str, Any], row: Transition) -> Case:
    """Move the state with an optional (or required) reason; nothing else is written."""
    reason = _parse(row, case, payload).get("reason", "")
    before = case.state
    getattr(case, row.name)()
    save_case(case, acting_user=user, reason=f"{row.name}: {reason}" if reason else row.name)
    case_event_record(case=case, kind=row.event, acting_user=user, from_state=before, to_state=case.state, reason=reason)
    return case


def _accept(case: Case, user: Actor, payload: dict[str, Any], row: Transition) -> Case:
    data = _parse(row, case, payload)
    users = data["team"]
    before = case.state
    case.accept()
    save_case(case, acting_user=user, reason="accept")
    case.team.set(users)
    case_event_record(
        case=case,
        kind=row.event,
        acting_user=user,
        from_state=before,
        to_state=case.state,
        reason=data["reason"],
        payload={"team": sorted(u.username for u in users)},
    )
    return case


def _missing_findings(subjects: Iterable[CaseSubject]) -> list[str]:
    return [s.cadre.name for s in subjects if not hasattr(s, "finding")]


def _submit_findings(case: Case, user: Actor, payload: dict[str, Any], row: Transition) -> Case:
    missing = _missing_findings(case.subjects.select_related("cadre"))
    if missing:
        raise PreconditionFailed(
            _("Findings are missing for: %(names)s") % {"names": "、".join(missing)}, extra={"subjects": missing}
        )
    return simple(case, user, {}, row)


def _conclude(case: Case, user: Actor, payload: dict[str, Any], row: Transition) -> Case:
    subjects = list(case.subjects.select_related("cadre", "finding", "post"))
    missing = _missing_findings(subjects)
    if missing:
        raise PreconditionFailed(_("Findings are missing for: %(names)s") % {"names": "、".join(missing)})
    results = []
    for subject in subjects:
        data, output, snap = evaluate_subject(subject)
        results.append((subject, data, output, snap))
    accountable = any(output["accountable"] for _s, _d, output, _p in results)
    before = case.state
    case.conclude(accountable=accountable)
    save_case(case, acting_user=user, reason="conclude")
    for subject, data, output, snap in results:
        assessment = Assessment(
            subject=subject,
            kind=Assessment.Kind.CONCLUSION,
            input={"data": data, "policy": snap},
            output=output,
            policy_version=snap["version"],
            created_by=user,
        )
        save_with_history(assessment, acting_user=user, reason="conclude")
    case_event_record(
        case=case,
        kind=row.event,
        acting_user=user,
        from_state=before,
        to_state=case.state,
        payload={
            "subjects": {str(s.pk): {"outcome": o["outcome"], "policy_version": o["policy_version"]} for s, _d, o, _p in results}
        },
    )
    return case


def _propose(case: Case, user: Actor, payload: dict[str, Any], row: Transition) -> Case:
    data = _parse(row, case, payload)
    before = case.state
    case.propose(by=user)
    save_case(case, acting_user=user, reason="propose")
    now = timezone.now()
    rows = []
    for subject, measure, kind in data["measures"]:
        decision = MeasureDecision(subject=subject, measure=measure, sanction_kind=kind, proposed_by=user, proposed_at=now)
        save_with_history(decision, acting_user=user, reason="propose")
        rows.append({"id": decision.pk, "subject": subject.pk, "measure": measure, "sanction_kind": kind})
    case_event_record(
        case=case,
        kind=row.event,
        acting_user=user,
        from_state=before,
        to_state=case.state,
        reason=data["reason"],
        payload={"measures": rows},
    )
    return case


def _proposed(case: Case) -> QuerySet[MeasureDecision]:
    return MeasureDecision.objects.filter(subject__case=case, state=MeasureDecision.State.PROPOSED)


def _reject(case: Case, user: Actor, payload: dict[str, Any], row: Transition) -> Case:
    reason = _parse(row, case, payload)["reason"]
    before = case.state
    case.reject()
    save_case(case, acting_user=user, reason=f"reject: {reason}")
    for decision in _proposed(case):
        decision.state = MeasureDecision.State.WITHDRAWN
        save_with_history(decision, acting_user=user, reason=f"reject: {reason}")
    case_event_record(case=case, kind=row.event, acting_user=user, from_state=before, to_state=case.state, reason=reason)
    return case


def _approve(case: Case, user: Actor, payload: dict[str, Any], row: Transition) -> Case:
    reason = _parse(row, case, payload)["reason"]
    today = local_today()
    before = case.state
    proposer = case.proposed_by_id
    case.approve(by=user, on=today)
    save_case(case, acting_user=user, reason="approve")
    for decision in _proposed(case):
        decision.state = MeasureDecision.State.DECIDED
        decision.decided_on = today
        save_with_history(decision, acting_user=user, reason="approve")
    case_event_record(
        case=case,
        kind=row.event,
        acting_user=user,
        from_state=before,
        to_state=case.state,
        reason=reason,
        payload={"decided_on": today.isoformat(), "proposed_by": proposer},
    )
    return case


def _deliver(case: Case, user: Actor, payload: dict[str, Any], row: Transition) -> Case:
    require_interim_settled(case)  # 先期处置: absorbed or lifted before the decision goes out (409)
    delivered_on = _parse(row, case, payload)["delivered_on"]
    before = case.state
    case.deliver(on=delivered_on)
    save_case(case, acting_user=user, reason="deliver")
    decided = list(
        MeasureDecision.objects.filter(subject__case=case, state=MeasureDecision.State.DECIDED).select_related("subject")
    )
    figures = FigureBook.load()  # the rulebooks' limits, once for the whole delivery
    tasks = create_execution_tasks(case, decided, user, reason="deliver", figures=figures)
    # Two archive tasks per subject with measures: 廉政档案 (discipline) and 人事档案 (organization).
    for subject in {decision.subject for decision in decided}:
        for archive, kind in (
            (ExecutionTask.Archive.INTEGRITY, DepartmentKind.DISCIPLINE),
            (ExecutionTask.Archive.PERSONNEL, DepartmentKind.ORGANIZATION),
        ):
            task = ExecutionTask(
                case=case,
                subject=subject,
                kind=ExecutionTask.Kind.ARCHIVE,
                archive=archive,
                department=department_of_kind(kind, near=case.owner_department),
                due_on=deadline_after(
                    "archive_filing", case.decided_on or delivered_on, department=case.owner_department_id, figures=figures
                ),
            )
            save_with_history(task, acting_user=user, reason="deliver")
            tasks.append(task)
    case_event_record(
        case=case,
        kind=row.event,
        acting_user=user,
        from_state=before,
        to_state=case.state,
        payload={
            "delivered_on": delivered_on.isoformat(),
            "appeal_until": deadline_after(
                "appeal_window", delivered_on, department=case.owner_department_id, figures=figures
            ).isoformat(),
            "executions": [{"id": t.pk, "department": t.department_id, "kind": t.kind} for t in tasks],
        },
    )
    return case


def _close(case: Case, user: Actor, payload: dict[str, Any], row: Transition) -> Case:
    open_tasks = case.executions.filter(state=ExecutionTask.State.OPEN).count()
    if open_tasks:
        raise PreconditionFailed(_("%(n)d execution or archive task(s) are not done yet.") % {"n": open_tasks})
    if case.appeals.filter(state=Appeal.State.FILED).exists():
        raise PreconditionFailed(_("An appeal is pending; decide it before closing."))
    return simple(case, user, payload, row)


HANDLERS: dict[str, Handler] = {
    "transfer": _transfer,
    "inquire": simple,
    "hold": simple,
    "accept": _accept,
    "dismiss": simple,
    "submit_findings": _submit_findings,
    "conclude": _conclude,
    "propose": _propose,
    "reject": _reject,
    "approve": _approve,
    "deliver": _deliver,
    "close": _close,
}
