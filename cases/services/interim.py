"""先期处置: an interim suspension (先期停职) or removal from post (先期免职) of a subject, decided by
the authority that manages the cadre's post before the investigation's findings; lifted (解除) at
any time, and settled when the case is decided: absorbed (吸收) by the final measure that covers
it, or lifted. ``deliver`` waits until none is in force (``require_interim_settled``).

The real pattern is 栖霞 “1·10” (2021): the 山东省委 removed the 栖霞市委书记 from her post days after
the accident, before the investigation's findings, "将根据调查结果依法依规追究其相关责任"
(docs/interim-measures.md has the sources). Each step is its own audited row change and case event;
nothing is written when a step is refused.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.codes import INTERIM_STATES, CaseEventKind, CaseState
from cases.models import Case, CaseSubject, InterimMeasure, MeasureDecision
from cases.selectors.interim import absorbing_measure, current_post, interim_in_force
from cases.services.common import case_event_record
from core.errors import NOT_FOUND, NotFound, NotPermitted, PreconditionFailed, field_error
from core.persistence import local_today, lock, save_with_history
from core.typing import Actor
from org.access import membership_of
from org.codes import Rank
from org.models import Department

K = InterimMeasure.Kind
S = InterimMeasure.State

# 《公职人员政务处分法》第五十二条第一款 (VERIFIED-P, LawRefBook/Laws 宪法相关法/公职人员政务处分法(2020-06-20).md):
# “公职人员涉嫌违法，已经被立案调查，不宜继续履行职责的，公职人员任免机关、单位可以决定暂停其履行职务。”
# 先期免职 rests on the authority's power to appoint and remove under 干部管理权限; no article
# naming it was verified (the 栖霞 removal of 2021-01 is the precedent, VERIFIED-S).
SUSPENSION_BASIS = (
    "《公职人员政务处分法》第五十二条第一款：公职人员涉嫌违法，已经被立案调查，不宜继续履行职责的，"
    "公职人员任免机关、单位可以决定暂停其履行职务（VERIFIED-P）"
)
REMOVAL_BASIS = "按照干部管理权限由任免机关先期免职（专门条文未经核实，UNVERIFIED；先例：栖霞“1·10”事故后山东省委先期免职）"
BASIS = {K.SUSPENSION: SUSPENSION_BASIS, K.REMOVAL: REMOVAL_BASIS}

WRONG_STATE = gettext_lazy(
    "An interim measure can be recorded only from the investigation until the decision (now: %(s)s); "
    "once the case is decided the final measure stands."
)
NO_POST = gettext_lazy("%(name)s holds no post now (retired or left): there is no post to suspend or remove them from.")
AUTHORITY_ONLY = gettext_lazy(
    "Only a leader of %(d)s, the authority that manages the post of %(name)s (干部管理权限), may decide an interim "
    "suspension or removal."
)
OWN_ONLY = gettext_lazy("Only a leader of %(d)s, which ordered this interim measure, may lift or settle it.")
ALREADY = gettext_lazy("%(name)s already has this measure in force (%(kind)s, since %(d)s); lift it before recording another.")
REMOVED = gettext_lazy("%(name)s was already removed from post on %(d)s (先期免职): a suspension adds nothing.")
NOT_IN_FORCE = gettext_lazy("This interim measure is no longer in force (%(s)s).")
SETTLE_STATE = gettext_lazy(
    "An interim measure is settled when the case is decided, before the decision is delivered (now: %(s)s); "
    "before that it may be lifted."
)
UNSETTLED = gettext_lazy(
    "The decision cannot be delivered while an interim measure is in force: state for each whether the final "
    "measure absorbs it or it is lifted (%(names)s)."
)


def _leader_of(user: Actor, department: Department, message: str) -> None:
    membership = membership_of(user)
    if membership is None or membership.department_id != department.pk or membership.rank != Rank.LEADER:
        raise NotPermitted(message)


def _subject(case: Case, subject_id: int) -> CaseSubject:
    subject = CaseSubject.objects.select_related("cadre").filter(case=case, pk=subject_id).first()
    if subject is None:
        raise NotFound(NOT_FOUND)
    return subject


def _measure(subject: CaseSubject, measure_id: int) -> InterimMeasure:
    measure = InterimMeasure.objects.select_related("authority").filter(subject=subject, pk=measure_id).first()
    if measure is None:
        raise NotFound(NOT_FOUND)
    return measure


def _reason(reason: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", message)
    return reason


@transaction.atomic
def interim_record(
    *, case_id: int, subject_id: int, kind: str, ordered_on: dt.date, reason: str, acting_user: Actor
) -> InterimMeasure:
    """Record a 先期停职 or 先期免职 of one subject, decided by ``acting_user``: a leader of the
    authority that manages the cadre's current post (the county's organization department, or
    the city's for the cadres the city manages). While the case is in ``INTERIM_STATES``; the date
    is not in the future and not before the accident or the conduct, where known. Appends an
    ``interim_measure`` event; the cadre record bars promotion while it is in force.
    """
    case = lock(Case, case_id)
    subject = _subject(case, subject_id)
    if case.state not in INTERIM_STATES:
        raise PreconditionFailed(WRONG_STATE % {"s": CaseState(case.state).label}, extra={"state": case.state})
    post = current_post(subject)
    if post is None:
        raise PreconditionFailed(NO_POST % {"name": subject.cadre.name})
    authority = post.managing_authority
    _leader_of(acting_user, authority, str(AUTHORITY_ONLY % {"d": authority.name, "name": subject.cadre.name}))
    if kind not in K.values:
        raise field_error("kind", _("Expected suspension (先期停职) or removal (先期免职)."))
    reason = _reason(reason, _("Give the reason of the interim measure (what calls for it before the findings)."))
    _check_order_date(case, subject, ordered_on)
    in_force = {m.kind: m for m in InterimMeasure.objects.filter(subject=subject, state=S.IN_FORCE)}
    if kind in in_force:
        raise PreconditionFailed(
            ALREADY % {"name": subject.cadre.name, "kind": K(kind).label, "d": in_force[kind].ordered_on.isoformat()}
        )
    if kind == K.SUSPENSION and K.REMOVAL in in_force:
        raise PreconditionFailed(REMOVED % {"name": subject.cadre.name, "d": in_force[K.REMOVAL].ordered_on.isoformat()})
    measure = InterimMeasure(
        subject=subject,
        kind=kind,
        ordered_on=ordered_on,
        reason=reason,
        post=post,
        authority=authority,
        ordered_by=acting_user,
    )
    save_with_history(measure, acting_user=acting_user, reason=str(K(kind).label))
    case_event_record(
        case=case,
        kind=CaseEventKind.INTERIM_MEASURE,
        acting_user=acting_user,
        from_state=case.state,
        to_state=case.state,
        reason=reason,
        payload={
            "subject": subject.pk,
            "cadre": subject.cadre_id,
            "interim": measure.pk,
            "kind": kind,
            "ordered_on": ordered_on.isoformat(),
            "post": post.pk,
            "authority": authority.pk,
            "ordered_by": acting_user.get_username(),
            "basis": BASIS[K(kind)],
        },
    )
    return measure


def _check_order_date(case: Case, subject: CaseSubject, ordered_on: dt.date) -> None:
    """Not in the future; not before the accident or the conduct it answers, where recorded. It may
    precede the case: an authority can act before the discipline organ opens one (栖霞)."""
    if ordered_on > local_today():
        raise field_error("ordered_on", _("The date of the interim measure cannot be in the future."))
    if case.accident_id is not None:
        occurred = timezone.localdate(case.accident.occurred_at)  # type: ignore[union-attr]  # accident_id checked above
        if ordered_on < occurred:
            raise field_error(
                "ordered_on",
                _("The interim measure cannot precede the accident it answers (%(d)s).") % {"d": occurred.isoformat()},
            )
    finding = getattr(subject, "finding", None) if hasattr(subject, "finding") else None
    if finding is not None and ordered_on < finding.conduct_date:
        raise field_error(
            "ordered_on",
            _("The interim measure cannot precede the conduct found (%(d)s).") % {"d": finding.conduct_date.isoformat()},
        )


@transaction.atomic
def interim_lift(
    *, case_id: int, subject_id: int, measure_id: int, lifted_on: dt.date, reason: str, acting_user: Actor
) -> InterimMeasure:
    """Lift (解除) an interim measure in force, by a leader of the authority that ordered it, at any
    stage (also after the case ended without a decision: the cadre's record is barred until
    then). ``lifted_on`` is the first day it no longer applies: not in the future, not before the
    measure. Appends an ``interim_lifted`` event."""
    case = lock(Case, case_id)
    subject = _subject(case, subject_id)
    measure = _measure(subject, measure_id)
    if measure.state != S.IN_FORCE:
        raise PreconditionFailed(NOT_IN_FORCE % {"s": S(measure.state).label}, extra={"state": measure.state})
    _leader_of(acting_user, measure.authority, str(OWN_ONLY % {"d": measure.authority.name}))
    reason = _reason(reason, _("Give the reason for lifting the interim measure."))
    if lifted_on > local_today():
        raise field_error("lifted_on", _("The lifting date cannot be in the future."))
    if lifted_on < measure.ordered_on:
        raise field_error(
            "lifted_on", _("The lifting date cannot precede the measure (%(d)s).") % {"d": measure.ordered_on.isoformat()}
        )
    _end(measure, S.LIFTED, lifted_on, reason, acting_user, absorbed_by=None)
    case_event_record(
        case=case,
        kind=CaseEventKind.INTERIM_LIFTED,
        acting_user=acting_user,
        from_state=case.state,
        to_state=case.state,
        reason=reason,
        payload={
            "subject": subject.pk,
            "cadre": subject.cadre_id,
            "interim": measure.pk,
            "kind": measure.kind,
            "lifted_on": lifted_on.isoformat(),
        },
    )
    return measure


OUTCOMES = (S.ABSORBED, S.LIFTED)


@transaction.atomic
def interim_settle(
    *, case_id: int, subject_id: int, measure_id: int, outcome: str, reason: str, acting_user: Actor
) -> InterimMeasure:
    """State how the decision treats an interim measure still in force: ``absorbed`` (吸收) when a
    decided measure of the subject covers it (``ABSORBING_MEASURES``; it ends on that measure's
    decision date, from which the measure's own influence period applies) or ``lifted`` (解除,
    today). Only while the case is ``decided``, by a leader of the authority that ordered it.
    Appends an ``interim_settled`` event naming the outcome and the absorbing measure."""
    case = lock(Case, case_id)
    subject = _subject(case, subject_id)
    measure = _measure(subject, measure_id)
    if case.state != CaseState.DECIDED:
        raise PreconditionFailed(SETTLE_STATE % {"s": CaseState(case.state).label}, extra={"state": case.state})
    if measure.state != S.IN_FORCE:
        raise PreconditionFailed(NOT_IN_FORCE % {"s": S(measure.state).label}, extra={"state": measure.state})
    _leader_of(acting_user, measure.authority, str(OWN_ONLY % {"d": measure.authority.name}))
    if outcome not in OUTCOMES:
        raise field_error("outcome", _("Expected absorbed (吸收) or lifted (解除)."))
    reason = _reason(reason, _("Say how the decision treats the interim measure."))
    absorbing = None
    ended_on = local_today()
    if outcome == S.ABSORBED:
        decided = MeasureDecision.objects.filter(subject=subject, state=MeasureDecision.State.DECIDED)
        absorbing = absorbing_measure(measure, decided)
        if absorbing is None:
            raise field_error(
                "outcome",
                _("No decided measure of %(name)s takes them off the post, so nothing absorbs the %(kind)s: lift it.")
                % {"name": subject.cadre.name, "kind": K(measure.kind).label},
            )
        ended_on = absorbing.decided_on or ended_on
    _end(measure, S(outcome), ended_on, reason, acting_user, absorbed_by=absorbing)
    case_event_record(
        case=case,
        kind=CaseEventKind.INTERIM_SETTLED,
        acting_user=acting_user,
        from_state=case.state,
        to_state=case.state,
        reason=reason,
        payload={
            "subject": subject.pk,
            "cadre": subject.cadre_id,
            "interim": measure.pk,
            "kind": measure.kind,
            "outcome": outcome,
            "measure": absorbing.pk if absorbing else None,
            "absorbed_by": absorbing.measure if absorbing else None,
            "ended_on": ended_on.isoformat(),
        },
    )
    return measure


def _end(
    measure: InterimMeasure, state: str, ended_on: dt.date, reason: str, user: Actor, *, absorbed_by: MeasureDecision | None
) -> None:
    measure.state = state
    measure.ended_on = ended_on
    measure.end_reason = reason
    measure.ended_by = user
    measure.ended_at = timezone.now()
    measure.absorbed_by = absorbed_by
    save_with_history(measure, acting_user=user, reason=str(S(state).label))


def require_interim_settled(case: Case) -> None:
    """409 while an interim measure of ``case`` is in force: the decision must say whether the
    final measure absorbs it or it is lifted before it is delivered (the guard of ``deliver``)."""
    names = [m.subject.cadre.name for m in interim_in_force(case)]
    if names:
        raise PreconditionFailed(UNSETTLED % {"names": "、".join(dict.fromkeys(names))}, extra={"subjects": names})
