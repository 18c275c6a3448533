"""Appeals against decided measures, by route (issue 14 item 5; ``cases.rules.appeals``): 问责
申诉, 党纪处分申诉, 政务处分 复审 then 复核, the civil servant's 复核 then 申诉. Each is filed
within its stage's window (from the delivery of the decision, or of the first stage's decision),
decided by a leader of the body the route names; execution is not suspended (domain-facts §1.7)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.codes import AppealRoute, AppealStage, CaseState, Measure
from cases.lifecycle.measures import create_execution_tasks, validate_measures
from cases.models import Appeal, Case, CaseSubject, DeadlinePolicy, ExecutionTask, MeasureDecision
from cases.rules import appeals as rules
from cases.search import case_search_refresh
from cases.selectors.appeals import DECIDED_APPEAL_STATES, AppealContext
from cases.services.common import case_event_record
from core.errors import PreconditionFailed, TransitionNotAllowed, field_error
from core.hooks import workflow_event
from core.persistence import local_today, lock, save_with_history
from core.typing import Actor
from org.access import require_member_of


@transaction.atomic
def appeal_file(
    *,
    case_id: int,
    subject_id: int,
    filed_on: dt.date,
    grounds: str,
    acting_user: Actor,
    route: str | None = None,
    stage: str | None = None,
    previous_id: int | None = None,
    measure_ids: list[int] | None = None,
    deciding_department_id: int | None = None,
) -> Appeal:
    """Record an appeal received on behalf of the subject, on a route its decided measures open
    and at a stage of it (``cases.rules.appeals``). Without ``route``: the 问责条例 route when the
    measures open it, else their only route. Without ``stage``: the route's first. A second stage
    is filed against the decided first one (``previous_id``, else the latest) and its window runs
    from that decision's delivery. ``measure_ids`` (default: every decided measure of the subject
    on the route) must have been decided by one organ; ``deciding_department_id`` picks among the
    bodies the law allows (default: the first)."""
    case = lock(Case, case_id)
    require_member_of(acting_user, case.owner_department_id)
    if case.state != CaseState.EXECUTING:
        raise PreconditionFailed(_("Appeals are filed against a delivered decision while it is executed."))
    subject = CaseSubject.objects.filter(case=case, pk=subject_id).select_related("cadre").first()
    if subject is None:
        raise field_error("subject", _("Not a subject of this case."))
    decided = list(MeasureDecision.objects.filter(subject=subject, state=MeasureDecision.State.DECIDED).order_by("id"))
    if not decided:
        raise field_error("subject", _("This subject has no decided measure to appeal against."))
    grounds = (grounds or "").strip()
    if not grounds:
        raise field_error("grounds", _("State the grounds of the appeal."))
    opened = [r for r in rules.ROUTES if any(r in rules.routes_of(m.measure, m.sanction_kind) for m in decided)]
    route = _route(route, opened)
    rule = rules.ROUTES[route]
    stage_rule = _stage(rule, stage)
    ctx = AppealContext(case)
    on_route = [m for m in decided if route in rules.routes_of(m.measure, m.sanction_kind)]
    previous = _previous(ctx, subject, rule, stage_rule, previous_id, on_route)
    measures = _measures(ctx, subject, on_route, measure_ids, previous)
    decided_by = ctx.decided_by(subject, measures[0].measure)
    bodies = ctx.bodies(stage_rule, decided_by)
    if not bodies:
        raise PreconditionFailed(
            _("No department is configured to decide the %(stage)s on this route for %(organ)s.")
            % {"stage": AppealStage(stage_rule.code).label, "organ": decided_by.name if decided_by else "—"}
        )
    body = bodies[0]
    if deciding_department_id is not None:
        chosen = next((b for b in bodies if b.pk == deciding_department_id), None)
        if chosen is None:
            raise field_error(
                "deciding_department",
                _("This stage is decided by one of: %(bodies)s.") % {"bodies": "、".join(f"{b.name}（{b.pk}）" for b in bodies)},
            )
        body = chosen
    if previous is not None:
        start = previous.decision_delivered_on or timezone.localdate(previous.decided_at or timezone.now())
        if filed_on < start:
            raise field_error("filed_on", _("An appeal cannot be filed before the decision it is against was delivered."))
        window = stage_rule.window
    else:
        start = cast(dt.date, case.delivered_on)  # executing: delivered
        if filed_on < start:
            raise field_error("filed_on", _("An appeal cannot be filed before the decision was delivered."))
        window = stage_rule.direct_window or stage_rule.window
    if filed_on > local_today():
        raise field_error("filed_on", _("The filing date cannot be in the future."))
    limit = ctx.limit(window, start)
    if limit is None and not stage_rule.window_optional:
        raise PreconditionFailed(
            _("No time limit for the %(stage)s is in force on %(d)s; add the policy row “%(code)s”.")
            % {"stage": AppealStage(stage_rule.code).label, "d": start.isoformat(), "code": window}
        )
    if limit is not None and limit.ends_on is not None and filed_on > limit.ends_on:
        raise field_error(
            "filed_on",
            _("The window for the %(stage)s ended on %(d)s (%(n)s %(unit)s from %(start)s).")
            % {
                "stage": AppealStage(stage_rule.code).label,
                "d": limit.ends_on.isoformat(),
                "n": limit.amount,
                "unit": DeadlinePolicy.Unit(limit.unit).label,
                "start": start.isoformat(),
            },
        )
    # The deciding body's clock (``open_deadlines``) needs its limit in force on the filing date.
    if ctx.limit(stage_rule.decision, filed_on) is None:
        raise PreconditionFailed(
            _("No time limit for the %(stage)s is in force on %(d)s; add the policy row “%(code)s”.")
            % {"stage": AppealStage(stage_rule.code).label, "d": filed_on.isoformat(), "code": stage_rule.decision}
        )
    if Appeal.objects.filter(subject=subject, route=route, state=Appeal.State.FILED).exists():
        raise PreconditionFailed(_("An appeal of this subject is already pending."))
    appeal = Appeal(
        case=case,
        subject=subject,
        filed_on=filed_on,
        grounds=grounds,
        deciding_department=body,
        route=route,
        stage=stage_rule.code,
        previous=previous,
        window_ends_on=limit.ends_on if limit is not None else None,
        recorded_by=acting_user,
    )
    save_with_history(appeal, acting_user=acting_user, reason="appeal filed")
    appeal.measures.set(measures)
    case_event_record(
        case=case,
        kind="appeal_filed",
        acting_user=acting_user,
        from_state=case.state,
        to_state=case.state,
        reason=grounds,
        payload={
            "appeal": appeal.pk,
            "subject": subject.pk,
            "filed_on": filed_on.isoformat(),
            "route": route,
            "stage": stage_rule.code,
            "previous": previous.pk if previous is not None else None,
            "measures": [m.pk for m in measures],
            "deciding_department": body.pk,
            "window_ends_on": appeal.window_ends_on.isoformat() if appeal.window_ends_on else None,
        },
    )
    workflow_event("appeal_filed", appeal=appeal, acting_user=acting_user)
    return appeal


def _route(route: str | None, opened: list[str]) -> str:
    names = "、".join(f"{r}（{AppealRoute(r).label}）" for r in opened)
    if route in (None, ""):
        if AppealRoute.ACCOUNTABILITY in opened:
            return AppealRoute.ACCOUNTABILITY
        if len(opened) == 1:
            return opened[0]
        raise field_error("route", _("Name the route of the appeal: %(routes)s.") % {"routes": names})
    if route not in AppealRoute.values:
        raise field_error(
            "route", _("Unknown route “%(r)s”; routes are: %(all)s.") % {"r": route, "all": ", ".join(AppealRoute.values)}
        )
    if route not in opened:
        raise field_error(
            "route",
            _("The decided measures of this subject do not open the route “%(r)s”; they open: %(routes)s.")
            % {"r": AppealRoute(route).label, "routes": names},
        )
    return str(route)


def _stage(rule: rules.Route, stage: str | None) -> rules.Stage:
    if stage in (None, ""):
        return rule.first()
    found = rule.stage(str(stage))
    if found is None:
        raise field_error(
            "stage",
            _("The route “%(r)s” has the stages: %(stages)s.")
            % {
                "r": AppealRoute(rule.code).label,
                "stages": "、".join(f"{s.code}（{AppealStage(s.code).label}）" for s in rule.stages),
            },
        )
    return found


def _previous(
    ctx: AppealContext,
    subject: CaseSubject,
    rule: rules.Route,
    stage: rules.Stage,
    previous_id: int | None,
    on_route: list[MeasureDecision],
) -> Appeal | None:
    """The decided first-stage appeal a second stage is filed against (``None`` for a first stage
    and for the civil servant's 申诉 without 复核)."""
    label = AppealStage(stage.code).label
    if stage.after is None:
        if previous_id is not None:
            raise field_error(
                "previous", _("The %(stage)s is a first stage: it is not filed against another appeal.") % {"stage": label}
            )
        later = rule.next_after(stage.code)
        done = [
            a
            for a in ctx.appeals
            if a.subject_id == subject.pk and a.route == rule.code and a.stage == stage.code and a.state in DECIDED_APPEAL_STATES
        ]
        if later is not None and done:
            raise field_error(
                "stage",
                _("The %(stage)s was decided on %(d)s; what follows is the %(next)s against that decision.")
                % {
                    "stage": label,
                    "d": timezone.localdate(done[-1].decided_at).isoformat() if done[-1].decided_at else "—",
                    "next": AppealStage(later.code).label,
                },
            )
        return None
    before = AppealStage(stage.after).label
    candidates = [a for a in ctx.appeals if a.subject_id == subject.pk and a.route == rule.code and a.stage == stage.after]
    if previous_id is not None:
        previous = next((a for a in candidates if a.pk == previous_id), None)
        if previous is None:
            raise field_error(
                "previous",
                _("Appeal %(id)s is not a %(before)s of this subject on this route.") % {"id": previous_id, "before": before},
            )
    else:
        decided = [a for a in candidates if a.state in DECIDED_APPEAL_STATES]
        previous = decided[-1] if decided else None
        if previous is None:
            if stage.direct_window:
                return None  # 申诉 without 复核 (公务员法第九十五条)
            raise field_error(
                "stage",
                _(
                    "The %(stage)s is filed against the decision of the %(before)s; this subject has no decided %(before)s on this route."
                )
                % {"stage": label, "before": before},
            )
    if previous.state not in DECIDED_APPEAL_STATES:
        raise PreconditionFailed(_("The %(before)s is not decided yet.") % {"before": before})
    if any(a.previous_id == previous.pk for a in ctx.appeals):
        raise PreconditionFailed(_("A %(stage)s was already filed against this decision.") % {"stage": label})
    return previous


def _measures(
    ctx: AppealContext,
    subject: CaseSubject,
    on_route: list[MeasureDecision],
    measure_ids: list[int] | None,
    previous: Appeal | None,
) -> list[MeasureDecision]:
    """The measures appealed: the listed ones, or every decided measure of the route (for a
    second stage, those of the organ the first stage was decided against); one organ decided them."""
    if measure_ids:
        by_id = {m.pk: m for m in on_route}
        missing = [i for i in measure_ids if i not in by_id]
        if missing:
            raise field_error(
                "measures",
                _("Not decided measures of this subject on this route: %(ids)s.") % {"ids": ", ".join(str(i) for i in missing)},
            )
        chosen = [by_id[i] for i in dict.fromkeys(measure_ids)]
    else:
        chosen = list(on_route)
        if previous is not None:
            first = rules.ROUTES[previous.route].first()
            chosen = [
                m
                for m in chosen
                if previous.deciding_department_id in {b.pk for b in ctx.bodies(first, ctx.decided_by(subject, m.measure))}
            ]
    if not chosen:
        raise PreconditionFailed(_("No decided measure of this subject remains on this route."))
    organs = {}
    for m in chosen:
        organ = ctx.decided_by(subject, m.measure)
        organs[organ.pk if organ else None] = organ.name if organ else "—"
    if len(organs) > 1:
        raise field_error(
            "measures",
            _("These measures were decided by different organs (%(organs)s): name the measures of one of them.")
            % {"organs": "、".join(organs.values())},
        )
    return chosen


@transaction.atomic
def appeal_decide(
    *,
    appeal_id: int,
    outcome: str,
    reason: str,
    acting_user: Actor,
    measures: list[dict[str, Any]] | None = None,
    delivered_on: dt.date | None = None,
) -> Appeal:
    """Uphold, or revise: the new measures replace the measures appealed (for an appeal filed
    before routes existed, every decided measure of the subject), whose open execution tasks are
    cancelled and replaced; the new measures must be of the appeal's route. ``delivered_on``: the
    day the decision reached the appellant (default today), from which a next stage's window runs."""
    case_id = Appeal.objects.values_list("case_id", flat=True).get(pk=appeal_id)
    case = lock(Case, case_id)
    appeal = lock(Appeal, appeal_id)
    if appeal.state != Appeal.State.FILED:
        raise TransitionNotAllowed(_("This appeal was already decided."))
    require_member_of(acting_user, appeal.deciding_department_id, leader=True)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("Give the reasons for the decision."))
    today = local_today()
    delivered_on = delivered_on or today
    if delivered_on < appeal.filed_on:
        raise field_error("delivered_on", _("The decision cannot be delivered before the appeal was filed."))
    if delivered_on > today:
        raise field_error("delivered_on", _("The delivery date cannot be in the future."))
    payload: dict[str, Any] = {"appeal": appeal.pk, "outcome": outcome, "delivered_on": delivered_on.isoformat()}
    if outcome == "revised":
        chosen = validate_measures(case, measures, only_subject=appeal.subject)
        appealed = list(appeal.measures.filter(state=MeasureDecision.State.DECIDED))
        legacy = not appeal.measures.exists()
        if not legacy:
            for index, (_subject, measure, kind) in enumerate(chosen):
                if appeal.route not in rules.routes_of(measure, kind):
                    raise field_error(
                        f"measures[{index}].measure",
                        _("“%(m)s” is not a measure of the route “%(r)s”: this appeal revises only its own measures.")
                        % {"m": Measure(measure).label, "r": AppealRoute(appeal.route).label},
                    )
        if legacy:
            appealed = list(MeasureDecision.objects.filter(subject=appeal.subject, state=MeasureDecision.State.DECIDED))
        for row in appealed:
            row.state = MeasureDecision.State.REVOKED
            save_with_history(row, acting_user=acting_user, reason="appeal revised")
            for task in row.executions.filter(state=ExecutionTask.State.OPEN):
                task.state = ExecutionTask.State.CANCELLED
                save_with_history(task, acting_user=acting_user, reason="appeal revised")
        payload["revoked"] = [r.pk for r in appealed]
        new_rows = []
        for subject, measure, kind in chosen:
            row = MeasureDecision(
                subject=subject,
                measure=measure,
                sanction_kind=kind,
                state=MeasureDecision.State.DECIDED,
                proposed_by=acting_user,
                decided_on=today,
            )
            save_with_history(row, acting_user=acting_user, reason="appeal revised")
            new_rows.append(row)
        tasks = create_execution_tasks(case, new_rows, acting_user, reason="appeal revised")
        case_search_refresh(case)
        payload["measures"] = [{"id": r.pk, "measure": r.measure, "sanction_kind": r.sanction_kind} for r in new_rows]
        payload["executions"] = [t.pk for t in tasks]
        appeal.state = Appeal.State.REVISED
    elif outcome == "upheld":
        appeal.state = Appeal.State.UPHELD
    else:
        raise field_error("outcome", _("Expected upheld or revised."))
    appeal.decision_reason = reason
    appeal.decision_delivered_on = delivered_on
    appeal.decided_by = acting_user
    appeal.decided_at = timezone.now()
    save_with_history(appeal, acting_user=acting_user, reason=f"appeal {outcome}")
    case_event_record(
        case=case,
        kind=f"appeal_{outcome}",
        acting_user=acting_user,
        from_state=case.state,
        to_state=case.state,
        reason=reason,
        payload=payload,
    )
    workflow_event("appeal_decided", appeal=appeal, acting_user=acting_user)
    return appeal
