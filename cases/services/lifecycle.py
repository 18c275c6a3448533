"""The case lifecycle of PRODUCT §1.6: one service function per transition, one dispatcher.

Every function runs in one transaction: lock the case, check the state (409), the right (403),
the payload (400) and the preconditions (409), then move the state, write the rows with history,
append the event. Any error raised before the commit leaves nothing written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, can_proceed

from cases.codes import EXECUTED_BY_ORGANIZATION, MEASURE_ORDER, ORGANIZATIONAL_MEASURES, CaseState, Measure, SanctionKind
from cases.models import Appeal, Assessment, Case, CaseSubject, ExecutionTask, MeasureDecision, Referral
from cases.services.assessments import evaluate_subject
from cases.services.common import case_event_record, deadline_after
from core.errors import (
    CONCURRENT_MODIFICATION,
    PROPOSER_CANNOT_APPROVE,
    TRANSITION_NOT_ALLOWED,
    UNKNOWN_TRANSITION,
    ConcurrentModification,
    InvalidInput,
    NotPermitted,
    PreconditionFailed,
    TransitionNotAllowed,
    field_error,
)
from core.hooks import workflow_event
from core.persistence import local_today, lock, save_with_history
from core.typing import Actor, AnyUser
from org.access import department_of_kind, membership_of, require_member_of
from org.codes import DepartmentKind, Rank
from org.jurisdiction import OUTSIDE_ROUTES, route_allowed
from org.models import Department, Post

OPEN_REFERRAL_STATES = (Referral.State.SENT, Referral.State.ACKNOWLEDGED)


@dataclass(frozen=True)
class TransitionSpec:
    name: str
    leader_only: bool
    run: Callable[..., Case]


def _check_state(case: Case, name: str) -> None:
    method = getattr(case, name)
    if not can_proceed(method, check_conditions=False):
        raise TransitionNotAllowed(
            TRANSITION_NOT_ALLOWED % {"name": name, "state": CaseState(case.state).label},
            extra={"state": case.state},
        )


def _authorize(case: Case, spec: TransitionSpec, user: Actor) -> None:
    # By the owner's id: the department row itself is not needed to decide (one query less).
    require_member_of(user, case.owner_department_id, leader=spec.leader_only)
    if spec.name == "approve" and case.proposed_by_id == user.pk:
        raise NotPermitted(PROPOSER_CANNOT_APPROVE)


def _save_case(case: Case, *, acting_user: Actor, reason: str) -> None:
    try:
        save_with_history(case, acting_user=acting_user, reason=reason)
    except ConcurrentTransition as exc:  # the state changed under us (SQLite path)
        raise ConcurrentModification(CONCURRENT_MODIFICATION) from exc


# --- payload helpers ----------------------------------------------------------------------------


def _text(payload: dict[str, Any], name: str, *, required: bool = True, max_length: int = 5000) -> str:
    value = payload.get(name, "")
    if not isinstance(value, str):
        raise field_error(name, _("Expected text."))
    value = value.strip()
    if required and not value:
        raise field_error(name, _("This field is required."))
    if len(value) > max_length:
        raise field_error(name, _("At most %(n)d characters.") % {"n": max_length})
    return value


def _date(payload: dict[str, Any], name: str) -> dt.date:
    value = payload.get(name)
    if not value:
        raise field_error(name, _("This field is required."))
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise field_error(name, _("Expected an ISO date such as 2026-01-31.")) from exc


def _no_extra(payload: dict[str, Any], allowed: set[str]) -> None:
    extra = sorted(set(payload) - allowed)
    if extra:
        raise InvalidInput({name: [_("Unknown field for this transition.")] for name in extra})


# --- the transitions ----------------------------------------------------------------------------


def _transfer(case: Case, user: Actor, payload: dict[str, Any]) -> Case:
    _no_extra(payload, {"to_department", "reason"})
    reason = _text(payload, "reason")
    target_id = payload.get("to_department")
    if not isinstance(target_id, int) or isinstance(target_id, bool):
        raise field_error("to_department", _("Expected a department id."))
    target = Department.objects.filter(pk=target_id).first()
    if target is None:
        raise field_error("to_department", _("No department with id %(id)s.") % {"id": target_id})
    if target.pk == case.owner_department_id:
        raise field_error("to_department", _("The case is already handled by this department."))

    managing = set(
        Post.objects.filter(cadre__subjects__case=case, end__isnull=True).values_list("managing_authority_id", flat=True)
    )
    if not route_allowed(case.owner_department, target, managing_ids=managing):
        raise field_error("to_department", OUTSIDE_ROUTES % {"d": target.name})
    if case.referrals.filter(kind=Referral.Kind.TRANSFER, state__in=OPEN_REFERRAL_STATES).exists():
        raise PreconditionFailed(_("A transfer of this case is already waiting for the receiving department."))
    case.transfer()
    _save_case(case, acting_user=user, reason=f"transfer: {reason}")
    now = timezone.now()
    referral = Referral(
        case=case,
        kind=Referral.Kind.TRANSFER,
        from_department=case.owner_department,
        to_department=target,
        reason=reason,
        created_by=user,
        created_at=now,
        acknowledge_by=deadline_after("referral_acknowledgement", now),
    )
    save_with_history(referral, acting_user=user, reason="transfer")
    case_event_record(
        case=case,
        kind="transfer",
        acting_user=user,
        from_state=CaseState.RECEIVED,
        to_state=CaseState.RECEIVED,
        reason=reason,
        payload={"referral": referral.pk, "to_department": target.pk},
    )
    workflow_event("referral_created", referral=referral, acting_user=user)
    return case


def _simple(name: str, *, reason_required: bool) -> Callable[[Case, Any, dict[str, Any]], Case]:
    def run(case: Case, user: Actor, payload: dict[str, Any]) -> Case:
        _no_extra(payload, {"reason"})
        reason = _text(payload, "reason", required=reason_required)
        before = case.state
        getattr(case, name)()
        _save_case(case, acting_user=user, reason=f"{name}: {reason}" if reason else name)
        case_event_record(case=case, kind=name, acting_user=user, from_state=before, to_state=case.state, reason=reason)
        return case

    return run


def _accept(case: Case, user: Actor, payload: dict[str, Any]) -> Case:
    _no_extra(payload, {"team", "reason"})
    team = payload.get("team")
    if not isinstance(team, list) or not all(isinstance(u, str) for u in team):
        raise field_error("team", _("Expected a list of usernames."))
    names = list(dict.fromkeys(team))
    # 问责条例释义: an investigation team has at least two members (domain-facts §1.4).
    if len(names) < 2:
        raise field_error("team", _("An investigation team needs at least two members."))
    users = list(
        get_user_model().objects.filter(username__in=names, is_active=True, membership__department_id=case.owner_department_id)
    )
    missing = sorted(set(names) - {u.username for u in users})
    if missing:
        raise field_error("team", _("Not active members of the handling department: %(names)s") % {"names": ", ".join(missing)})
    reason = _text(payload, "reason", required=False)
    before = case.state
    case.accept()
    _save_case(case, acting_user=user, reason="accept")
    case.team.set(users)
    case_event_record(
        case=case,
        kind="accept",
        acting_user=user,
        from_state=before,
        to_state=case.state,
        reason=reason,
        payload={"team": sorted(names)},
    )
    return case


def _submit_findings(case: Case, user: Actor, payload: dict[str, Any]) -> Case:
    _no_extra(payload, set())
    missing = [s.cadre.name for s in case.subjects.select_related("cadre") if not hasattr(s, "finding")]
    if missing:
        raise PreconditionFailed(
            _("Findings are missing for: %(names)s") % {"names": "、".join(missing)}, extra={"subjects": missing}
        )
    return _simple("submit_findings", reason_required=False)(case, user, {})


def _conclude(case: Case, user: Actor, payload: dict[str, Any]) -> Case:
    _no_extra(payload, set())
    subjects = list(case.subjects.select_related("cadre", "finding", "post"))
    missing = [s.cadre.name for s in subjects if not hasattr(s, "finding")]
    if missing:
        raise PreconditionFailed(_("Findings are missing for: %(names)s") % {"names": "、".join(missing)})
    results = []
    for subject in subjects:
        data, output, snap = evaluate_subject(subject)
        results.append((subject, data, output, snap))
    accountable = any(output["accountable"] for _s, _d, output, _p in results)
    before = case.state
    case.conclude(accountable=accountable)
    _save_case(case, acting_user=user, reason="conclude")
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
        kind="conclude",
        acting_user=user,
        from_state=before,
        to_state=case.state,
        payload={
            "subjects": {str(s.pk): {"outcome": o["outcome"], "policy_version": o["policy_version"]} for s, _d, o, _p in results}
        },
    )
    return case


def latest_conclusion(subject: CaseSubject) -> Assessment | None:
    return subject.assessments.filter(kind=Assessment.Kind.CONCLUSION).order_by("-id").first()


def validate_measures(case: Case, items: Any, *, only_subject: CaseSubject | None = None) -> list[tuple[CaseSubject, str, str]]:
    """Check a list of ``{subject, measure, sanction_kind?}`` against the concluded assessments.

    Each measure must be an Art. 27 measure allowed for its subject; every accountable subject
    needs at least one (Art. 15: an interview never replaces accountability).
    """

    if not isinstance(items, list) or not items:
        raise field_error("measures", _("Give at least one measure."))
    subjects = {s.pk: s for s in case.subjects.select_related("cadre")}
    if only_subject is not None:
        subjects = {only_subject.pk: only_subject}
    allowed: dict[int, list[str]] = {}
    accountable: dict[int, bool] = {}
    conclusions: dict[int, Assessment | None] = {}
    for sid, subject in subjects.items():
        conclusion = latest_conclusion(subject)
        conclusions[sid] = conclusion
        allowed[sid] = conclusion.output["allowed_measures"] if conclusion else []
        accountable[sid] = bool(conclusion and conclusion.output["accountable"])
    chosen: list[tuple[CaseSubject, str, str]] = []
    seen: set[tuple[int, str, str]] = set()
    for index, item in enumerate(items):
        where = f"measures[{index}]"
        if not isinstance(item, dict):
            raise field_error(where, _("Expected an object with subject and measure."))
        extra = set(item) - {"subject", "measure", "sanction_kind"}
        if extra:
            raise field_error(where, _("Unknown field(s): %(f)s") % {"f": ", ".join(sorted(extra))})
        sid = item.get("subject")  # type: ignore[assignment]  # reuses the int loop variable above; checked to be an int next
        if not isinstance(sid, int) or isinstance(sid, bool) or sid not in subjects:
            raise field_error(f"{where}.subject", _("Subject %(id)s is not a subject of this case.") % {"id": sid})
        measure = item.get("measure")
        if measure in ("interview", "yuetan", "约谈"):
            raise field_error(
                f"{where}.measure", _("An interview (约谈, Art. 15) is not an accountability measure and cannot replace one.")
            )
        if measure not in MEASURE_ORDER:
            raise field_error(
                f"{where}.measure",
                _("Unknown measure “%(m)s”; Art. 27 measures are: %(all)s") % {"m": measure, "all": ", ".join(MEASURE_ORDER)},
            )
        subject = subjects[sid]
        if measure not in allowed[sid]:
            raise field_error(
                f"{where}.measure",
                _("Measure “%(m)s” is not allowed for subject %(id)s (%(name)s); allowed: %(allowed)s")
                % {"m": measure, "id": sid, "name": subject.cadre.name, "allowed": _measure_labels(allowed[sid])},
            )
        kind = item.get("sanction_kind") or ""
        if measure == "sanction":
            if kind not in SanctionKind.values:
                raise field_error(
                    f"{where}.sanction_kind",
                    _("A sanction needs a sanction_kind, one of: %(all)s") % {"all": ", ".join(SanctionKind.values)},
                )
        elif kind:
            raise field_error(f"{where}.sanction_kind", _("Only the measure “sanction” takes a sanction_kind."))
        key = (sid, measure, kind)
        if key in seen:
            raise field_error(where, _("This measure is listed twice for the same subject."))
        seen.add(key)
        chosen.append((subject, measure, kind))
    without = [subjects[sid].cadre.name for sid in subjects if accountable[sid] and sid not in {s.pk for s, _m, _k in chosen}]
    if without:
        raise field_error("measures", _("Accountable subjects without a measure: %(names)s") % {"names": "、".join(without)})
    # With several circumstances, the chosen measures must answer each of them: a notice chosen
    # for an accident does not answer an obstruction whose policy row excludes a mere notice.
    for sid, subject in subjects.items():
        by_circumstance = (found.output.get("measures_by_circumstance") or {}) if (found := conclusions[sid]) else {}
        picked = {m for s, m, _k in chosen if s.pk == sid}
        if not picked:
            continue
        unanswered = [c for c, allowed_c in by_circumstance.items() if not picked & set(allowed_c)]
        if unanswered:
            raise field_error(
                "measures",
                _("For %(name)s, no chosen measure answers circumstance(s) %(codes)s; choose one of: %(allowed)s")
                % {
                    "name": subject.cadre.name,
                    "codes": ", ".join(unanswered),
                    "allowed": "; ".join(f"{c}: {_measure_labels(by_circumstance[c])}" for c in unanswered),
                },
            )
    return chosen


def _measure_labels(codes: list[str]) -> str:
    """Codes with their names in the active language, e.g. ``admonishment（诫勉）``."""

    return ", ".join(f"{code}（{Measure(code).label}）" for code in codes) or "—"


def _propose(case: Case, user: Actor, payload: dict[str, Any]) -> Case:
    _no_extra(payload, {"measures", "reason"})
    chosen = validate_measures(case, payload.get("measures"))
    reason = _text(payload, "reason", required=False)
    before = case.state
    case.propose(by=user)
    _save_case(case, acting_user=user, reason="propose")
    now = timezone.now()
    rows = []
    for subject, measure, kind in chosen:
        row = MeasureDecision(subject=subject, measure=measure, sanction_kind=kind, proposed_by=user, proposed_at=now)
        save_with_history(row, acting_user=user, reason="propose")
        rows.append({"id": row.pk, "subject": subject.pk, "measure": measure, "sanction_kind": kind})
    case_event_record(
        case=case,
        kind="propose",
        acting_user=user,
        from_state=before,
        to_state=case.state,
        reason=reason,
        payload={"measures": rows},
    )
    return case


def _proposed(case: Case) -> QuerySet[MeasureDecision]:
    return MeasureDecision.objects.filter(subject__case=case, state=MeasureDecision.State.PROPOSED)


def _reject(case: Case, user: Actor, payload: dict[str, Any]) -> Case:
    _no_extra(payload, {"reason"})
    reason = _text(payload, "reason")
    before = case.state
    case.reject()
    _save_case(case, acting_user=user, reason=f"reject: {reason}")
    for row in _proposed(case):
        row.state = MeasureDecision.State.WITHDRAWN
        save_with_history(row, acting_user=user, reason=f"reject: {reason}")
    case_event_record(case=case, kind="reject", acting_user=user, from_state=before, to_state=case.state, reason=reason)
    return case


def _approve(case: Case, user: Actor, payload: dict[str, Any]) -> Case:
    _no_extra(payload, {"reason"})
    reason = _text(payload, "reason", required=False)
    today = local_today()
    before = case.state
    proposer = case.proposed_by_id
    case.approve(by=user, on=today)
    _save_case(case, acting_user=user, reason="approve")
    for row in _proposed(case):
        row.state = MeasureDecision.State.DECIDED
        row.decided_on = today
        save_with_history(row, acting_user=user, reason="approve")
    case_event_record(
        case=case,
        kind="approve",
        acting_user=user,
        from_state=before,
        to_state=case.state,
        reason=reason,
        payload={"decided_on": today.isoformat(), "proposed_by": proposer},
    )
    return case


def executing_department(case: Case, measure: str) -> Department:
    """Art. 34 / PRODUCT §1.4: sanctions → discipline; organizational measures and 诫勉 →
    organization; a notice → the deciding department."""
    if measure == "sanction":
        return department_of_kind(DepartmentKind.DISCIPLINE, near=case.owner_department)
    if measure in EXECUTED_BY_ORGANIZATION:
        return department_of_kind(DepartmentKind.ORGANIZATION, near=case.owner_department)
    return case.owner_department


def measure_deadline_code(measure: str) -> str:
    return "organizational_measure" if measure in ORGANIZATIONAL_MEASURES else "measure_execution"


def create_execution_tasks(case: Case, rows: list[MeasureDecision], user: Actor, *, reason: str) -> list[ExecutionTask]:
    tasks = []
    for row in rows:
        task = ExecutionTask(
            case=case,
            subject=row.subject,
            kind=ExecutionTask.Kind.MEASURE,
            measure=row,
            department=executing_department(case, row.measure),
            due_on=deadline_after(measure_deadline_code(row.measure), row.decided_on or local_today()),
        )
        save_with_history(task, acting_user=user, reason=reason)
        tasks.append(task)
    return tasks


def _deliver(case: Case, user: Actor, payload: dict[str, Any]) -> Case:
    _no_extra(payload, {"delivered_on", "reason"})
    delivered_on = _date(payload, "delivered_on")
    if case.decided_on and delivered_on < case.decided_on:
        raise field_error("delivered_on", _("Delivery cannot be before the decision (%(d)s).") % {"d": case.decided_on})
    if delivered_on > local_today():
        raise field_error("delivered_on", _("Delivery cannot be in the future."))
    before = case.state
    case.deliver(on=delivered_on)
    _save_case(case, acting_user=user, reason="deliver")
    decided = list(
        MeasureDecision.objects.filter(subject__case=case, state=MeasureDecision.State.DECIDED).select_related("subject")
    )
    tasks = create_execution_tasks(case, decided, user, reason="deliver")
    # Two archive tasks per subject with measures: 廉政档案 (discipline) and 人事档案 (organization).
    for subject in {row.subject for row in decided}:
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
                due_on=deadline_after("archive_filing", case.decided_on or delivered_on),
            )
            save_with_history(task, acting_user=user, reason="deliver")
            tasks.append(task)
    case_event_record(
        case=case,
        kind="deliver",
        acting_user=user,
        from_state=before,
        to_state=case.state,
        payload={
            "delivered_on": delivered_on.isoformat(),
            "appeal_until": deadline_after("appeal_window", delivered_on).isoformat(),
            "executions": [{"id": t.pk, "department": t.department_id, "kind": t.kind} for t in tasks],
        },
    )
    return case


def _close(case: Case, user: Actor, payload: dict[str, Any]) -> Case:
    _no_extra(payload, {"reason"})
    open_tasks = case.executions.filter(state=ExecutionTask.State.OPEN).count()
    if open_tasks:
        raise PreconditionFailed(_("%(n)d execution or archive task(s) are not done yet.") % {"n": open_tasks})

    if case.appeals.filter(state=Appeal.State.FILED).exists():
        raise PreconditionFailed(_("An appeal is pending; decide it before closing."))
    return _simple("close", reason_required=False)(case, user, payload)


TRANSITIONS: dict[str, TransitionSpec] = {
    spec.name: spec
    for spec in [
        TransitionSpec("transfer", False, _transfer),
        TransitionSpec("inquire", False, _simple("inquire", reason_required=False)),
        TransitionSpec("hold", False, _simple("hold", reason_required=True)),
        TransitionSpec("accept", False, _accept),
        TransitionSpec("dismiss", True, _simple("dismiss", reason_required=True)),
        TransitionSpec("submit_findings", False, _submit_findings),
        TransitionSpec("conclude", False, _conclude),
        TransitionSpec("propose", False, _propose),
        TransitionSpec("reject", True, _reject),
        TransitionSpec("approve", True, _approve),
        TransitionSpec("deliver", False, _deliver),
        TransitionSpec("close", False, _close),
    ]
}


@transaction.atomic
def case_transition(
    *, case_id: int, name: str, payload: dict[str, Any] | None, acting_user: Actor, expected_version: int | None = None
) -> Case:
    """Fire transition ``name`` on a case: the one code path for the API, the UI and the flows.

    With ``expected_version`` (the version the caller saw), a case changed in between answers
    409 ``concurrent_modification`` even if the transition would still be allowed.
    """
    spec = TRANSITIONS.get(name) if isinstance(name, str) else None
    if spec is None:
        raise field_error("name", UNKNOWN_TRANSITION % {"name": name})
    case = lock(Case, case_id)
    if expected_version is not None and case.version != expected_version:
        raise ConcurrentModification(CONCURRENT_MODIFICATION, extra={"version": case.version, "state": case.state})
    _check_state(case, name)
    _authorize(case, spec, acting_user)
    if name != "transfer" and _transfer_pending(case):
        # Until the target accepts or returns it, the case belongs to neither side to move.
        raise PreconditionFailed(TRANSFER_PENDING)
    result = spec.run(case, acting_user, dict(payload or {}))
    workflow_event("case_transition", case=result, name=name, acting_user=acting_user)
    return result


TRANSFER_PENDING = gettext_lazy(
    "A transfer of this case is waiting for the receiving department; it must be accepted or returned first."
)


def _transfer_pending(case: Case) -> bool:
    return (
        case.state == CaseState.RECEIVED
        and case.referrals.filter(kind=Referral.Kind.TRANSFER, state__in=OPEN_REFERRAL_STATES).exists()
    )


def available_transitions(case: Case, user: AnyUser) -> list[str]:
    """Transitions the user may fire now: allowed from the state and within the user's rights."""
    membership = membership_of(user)
    if membership is None or membership.department_id != case.owner_department_id:
        return []
    if _transfer_pending(case):
        return []
    names: list[str] = []
    for name, spec in TRANSITIONS.items():
        if not can_proceed(getattr(case, name), check_conditions=False):
            continue
        if spec.leader_only and membership.rank != Rank.LEADER:
            continue
        if name == "approve" and case.proposed_by_id == user.pk:
            continue
        names.append(name)
    return names
