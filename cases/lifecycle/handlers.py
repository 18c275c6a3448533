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

from cases.codes import CaseEventKind, CaseState
from cases.lifecycle import referrals as conclusion_referrals
from cases.lifecycle.inputs import parse
from cases.lifecycle.measures import create_execution_tasks, measure_organs
from cases.lifecycle.spec import Transition
from cases.models import Appeal, Assessment, Case, CaseSubject, ExecutionTask, MeasureDecision, Referral
from cases.search import case_search_refresh
from cases.selectors.assessments import evaluate_subject
from cases.selectors.deadlines import deadline_after
from cases.services.common import case_event_record
from cases.services.interim import require_interim_settled
from core.errors import CONCURRENT_MODIFICATION, ConcurrentModification, PreconditionFailed, field_error
from core.hooks import workflow_event
from core.persistence import local_today, save_with_history
from core.typing import Actor
from org.access import department_of_kind, membership_of
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
    """Run the engine for every subject, store the conclusions and send the referrals they call
    for (crime, Art. 27; lifelong, Art. 32: ``cases.lifecycle.referrals``).

    ``proposing`` when a subject is accountable; otherwise ``not_pursued`` — unless a crime
    referral is open (sent now or before): then the case stays in ``assessing``, the conclusion
    is stored and a ``conclusion_held`` event says what it waits for, and ``conclude`` is fired
    again once the receiving organ has accepted or returned it. A held case with nothing new to
    send answers 409 naming the open referrals, and writes nothing."""
    data = _parse(row, case, payload)
    subjects = list(case.subjects.select_related("cadre", "finding", "post"))
    missing = _missing_findings(subjects)
    if missing:
        raise PreconditionFailed(_("Findings are missing for: %(names)s") % {"names": "、".join(missing)})
    results = []
    for subject in subjects:
        inp, output, snap = evaluate_subject(subject)
        results.append((subject, inp, output, snap))
    planned = conclusion_referrals.plan(case, [(s, o) for s, _d, o, _p in results], data["crime_referrals"] or [])
    accountable = any(output["accountable"] for _s, _d, output, _p in results)
    already_open = conclusion_referrals.open_crime_referrals(case)
    crime_planned = [p for p in planned if p.kind == Referral.Kind.CRIME]
    held = not accountable and bool(already_open or crime_planned)
    if held and not crime_planned:
        raise PreconditionFailed(
            conclusion_referrals.CRIME_REFERRAL_OPEN_CONCLUDE % {"referrals": conclusion_referrals.describe_all(already_open)},
            extra={"referrals": [r.pk for r in already_open]},
        )
    before = case.state
    if held:  # no transition: the row is saved for its version (what it shows has changed)
        save_case(case, acting_user=user, reason="conclude: held until the crime referral is accepted or returned")
    else:
        case.conclude(accountable=accountable)
        save_case(case, acting_user=user, reason="conclude")
    for subject, inp, output, snap in results:
        assessment = Assessment(
            subject=subject,
            kind=Assessment.Kind.CONCLUSION,
            input={"data": inp, "policy": snap},
            output=output,
            policy_version=snap["version"],
            created_by=user,
        )
        save_with_history(assessment, acting_user=user, reason="conclude")
    outcomes = {str(s.pk): {"outcome": o["outcome"], "policy_version": o["policy_version"]} for s, _d, o, _p in results}
    if held:
        sent = conclusion_referrals.send(case, planned, user)
        waiting = already_open + [r for r in sent if r.kind == Referral.Kind.CRIME]
        case_event_record(
            case=case,
            kind=CaseEventKind.CONCLUSION_HELD,
            acting_user=user,
            from_state=before,
            to_state=case.state,
            reason=data["reason"],
            payload={"subjects": outcomes, "waiting_for": [r.pk for r in waiting], "referrals": [r.pk for r in sent]},
        )
        return case
    case_event_record(
        case=case,
        kind=row.event,
        acting_user=user,
        from_state=before,
        to_state=case.state,
        reason=data["reason"],
        payload={"subjects": outcomes},
    )
    conclusion_referrals.send(case, planned, user)
    return case


def _propose(case: Case, user: Actor, payload: dict[str, Any], row: Transition) -> Case:
    data = _parse(row, case, payload)
    before = case.state
    case.propose(by=user)
    save_case(case, acting_user=user, reason="propose")
    now = timezone.now()
    rows = []
    organs = measure_organs(case, payload["measures"], data["measures"])
    for (subject, measure, kind), organ in zip(data["measures"], organs, strict=True):
        decision = MeasureDecision(
            subject=subject,
            measure=measure,
            sanction_kind=kind,
            proposed_by=user,
            proposed_at=now,
            deciding_department=organ,
        )
        save_with_history(decision, acting_user=user, reason="propose")
        rows.append(
            {"id": decision.pk, "subject": subject.pk, "measure": measure, "sanction_kind": kind, "deciding_department": organ.pk}
        )
    case_search_refresh(case)
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


def open_recommendations(case: Case) -> QuerySet[Referral]:
    """The 问责建议 of the approval under way still waiting for their organ's decision."""
    return case.referrals.filter(kind=Referral.Kind.RECOMMENDATION, state__in=OPEN_REFERRAL_STATES)


def _round(case: Case) -> QuerySet[MeasureDecision]:
    """The measures of the approval under way: proposed, or decided by an organ in this round
    (while a case is ``approving`` no earlier decision stands: a rejection withdrew them)."""
    return MeasureDecision.objects.filter(
        subject__case=case, state__in=[MeasureDecision.State.PROPOSED, MeasureDecision.State.DECIDED]
    )


def _measure_rows(decisions: Iterable[MeasureDecision]) -> list[dict[str, Any]]:
    return [{"id": d.pk, "subject": d.subject_id, "measure": d.measure, "sanction_kind": d.sanction_kind} for d in decisions]


def _reject(case: Case, user: Actor, payload: dict[str, Any], row: Transition) -> Case:
    """Any deciding organ's leader sends the whole proposal back (issue 14): every measure of
    the round is withdrawn — also those another organ already decided in it, since the decision
    is made and served as a whole — and the open 问责建议 are returned with the reason."""
    reason = _parse(row, case, payload)["reason"]
    before = case.state
    case.reject()
    case.approved_by = None
    save_case(case, acting_user=user, reason=f"reject: {reason}")
    withdrawn = list(_round(case))
    for decision in withdrawn:
        decision.state = MeasureDecision.State.WITHDRAWN
        save_with_history(decision, acting_user=user, reason=f"reject: {reason}")
    if withdrawn:
        case_search_refresh(case)
    returned = []
    for referral in open_recommendations(case):
        _settle_recommendation(referral, user, "return", reason=reason, note=f"reject: {reason}")
        returned.append(referral.pk)
    case_event_record(
        case=case,
        kind=row.event,
        acting_user=user,
        from_state=before,
        to_state=case.state,
        reason=reason,
        payload={
            "deciding_department": _acting_organ(case, user),
            "withdrawn": [d.pk for d in withdrawn],
            "recommendations_returned": returned,
        },
    )
    return case


def _settle_recommendation(referral: Referral, user: Actor, move: str, *, note: str, reason: str = "") -> None:
    """A 问责建议 accepted by its organ's ``approve`` or returned by a ``reject``, and its tasks done."""
    referral.state = Referral.State.ACCEPTED if move == "accept" else Referral.State.RETURNED
    if move == "return":
        referral.return_reason = reason
    referral.handled_by = user
    referral.handled_at = timezone.now()
    save_with_history(referral, acting_user=user, reason=note)
    workflow_event("referral_moved", referral=referral, move=move, acting_user=user)


def _acting_organ(case: Case, user: Actor) -> int | None:
    membership = membership_of(user)
    return membership.department_id if membership else None


def _approve(case: Case, user: Actor, payload: dict[str, Any], row: Transition) -> Case:
    """A leader of a deciding organ decides that organ's measures (issue 14; 问责条例第十二条).

    The owner (the discipline organ) decides first: its own measures, and it sends each other
    organ its measures as a 问责建议 (a referral of kind ``recommendation`` to that organ's
    queue, with the ``recommendation_decision`` limit). Each organ's ``approve`` then decides its
    part; the case is ``decided`` on the last one, dated that day."""
    reason = _parse(row, case, payload)["reason"]
    today = local_today()
    before = case.state
    organ = _acting_organ(case, user)
    pending = [d for d in _round(case).select_related("deciding_department") if d.state == MeasureDecision.State.PROPOSED]
    owner = case.owner_department_id
    payload_out: dict[str, Any] = {
        "deciding_department": organ,
        "decided_on": today.isoformat(),
        "proposed_by": case.proposed_by_id,
    }
    if organ == owner:
        mine = [d for d in pending if d.deciding_department_id in (None, owner)]
        others: dict[int, list[MeasureDecision]] = {}
        for d in pending:
            if d.deciding_department_id not in (None, owner):
                others.setdefault(int(d.deciding_department_id), []).append(d)
        case.approved_by = user
        recommendations = [_recommend(case, user, decisions, reason) for decisions in others.values()]
        payload_out["recommendations"] = [{"referral": r.pk, "to_department": r.to_department_id} for r in recommendations]
    else:
        mine = [d for d in pending if d.deciding_department_id == organ]
        for referral in open_recommendations(case).filter(to_department_id=organ):
            _settle_recommendation(referral, user, "accept", note=f"approve: {reason}" if reason else "approve")
    for decision in mine:
        decision.state = MeasureDecision.State.DECIDED
        decision.decided_on = today
        decision.decided_by = user
        save_with_history(decision, acting_user=user, reason="approve")
    payload_out["measures"] = _measure_rows(mine)
    complete = not open_recommendations(case).exists()
    if complete:
        case.approve(by=case.approved_by or user, on=today)
    save_case(case, acting_user=user, reason="approve" if complete else "approve: part decided")
    payload_out["complete"] = complete
    case_event_record(
        case=case,
        kind=row.event,
        acting_user=user,
        from_state=before,
        to_state=case.state,
        reason=reason,
        payload=payload_out,
    )
    return case


def _recommend(case: Case, user: Actor, decisions: list[MeasureDecision], reason: str) -> Referral:
    """The 问责建议 to the organ that decides ``decisions`` (one organ's measures)."""
    organ = decisions[0].deciding_department
    assert organ is not None  # grouped by it
    labels = "、".join(
        f"{d.subject.cadre.name}：{d.get_measure_display()}" + (f"（{d.get_sanction_kind_display()}）" if d.sanction_kind else "")
        for d in decisions
    )
    referral = Referral(
        case=case,
        kind=Referral.Kind.RECOMMENDATION,
        from_department_id=case.owner_department_id,
        to_department=organ,
        reason=_("Accountability recommendation (问责条例第十二条): %(measures)s") % {"measures": labels}
        + (f"。{reason}" if reason else ""),
        materials=[
            {"kind": "measure", "measure": d.pk, "subject": d.subject_id, "code": d.measure, "sanction_kind": d.sanction_kind}
            for d in decisions
        ],
        created_by=user,
        acknowledge_by=deadline_after("recommendation_decision", timezone.now(), department=case.owner_department_id),
    )
    save_with_history(referral, acting_user=user, reason="approve: recommendation")
    workflow_event("referral_created", referral=referral)
    return referral


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
    crimes = conclusion_referrals.open_crime_referrals(case)
    if crimes:
        raise PreconditionFailed(
            conclusion_referrals.CRIME_REFERRAL_OPEN_CLOSE % {"referrals": conclusion_referrals.describe_all(crimes)},
            extra={"referrals": [r.pk for r in crimes]},
        )
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
