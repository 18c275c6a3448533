"""Cadre records and eligibility (PRODUCT §4; Art. 19, 25, 28, 32).

``cadre_record(cadre, on)`` answers whether a cadre may be promoted, and may receive awards or
评优, on a date, with every blocking reason, its basis and its end. It reads a constant number
of queries whatever the number of cases; ``cadre_records`` does the same for many cadres.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.codes import CrimeKind, Measure, SanctionKind
from cases.models import (
    Assessment,
    CaseSubject,
    DeadlinePolicy,
    Filing,
    InfluencePeriod,
    InterimMeasure,
    MeasureDecision,
    Referral,
    VetoOverride,
)
from core.errors import NotPermitted
from core.persistence import add_months
from core.typing import AnyUser
from org.access import membership_of, require_membership
from org.codes import DepartmentKind
from org.models import Cadre
from rulebooks.figures import FigureBook

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from cases.codes import DECIDED_STATES, OPEN_STATES, TERMINAL_STATES, UNDER_INVESTIGATION_STATES

# 《公职人员政务处分法》第五十二条第二款 (VERIFIED-P, LawRefBook/Laws 宪法相关法/公职人员政务处分法.md):
# “公职人员在被立案调查期间，未经监察机关同意，不得出境、辞去公职；被调查公职人员所在机关、单位及
# 上级机关、单位不得对其交流、晋升、奖励、处分或者办理退休手续。” The period runs from the subject's
# 立案 (``Filing.filed_on``) while the case is under investigation (``UNDER_INVESTIGATION_STATES``),
# and ends with the decision or with the end of the proceeding; an open case without a filing
# bars nothing under it (the record says so in ``notes``).
UNDER_INVESTIGATION = UNDER_INVESTIGATION_STATES
INVESTIGATION_BASIS = (
    "《公职人员政务处分法》第五十二条：公职人员在被立案调查期间，所在机关、单位及上级机关、单位"
    "不得对其交流、晋升、奖励、处分或者办理退休手续（VERIFIED-P）"
)
# Open and not yet decided: the states in which an open case is reported as such when nothing is filed.
_BEFORE_DECISION = tuple(s for s in OPEN_STATES if s not in DECIDED_STATES)
CRIME_BASIS = "细则第二十七条：涉嫌职务违法犯罪的，由纪检监察机关依法调查处置"
# 先期处置 (``cases.services.interim``): while a 先期停职 or 先期免职 is in force the cadre is off the
# post, and the record bars promotion. 政务处分法第五十二条第一款 (VERIFIED-P) gives the 任免机关 the
# suspension; no article stating that a cadre suspended or removed ahead of the findings may not
# be promoted was verified, so the bar is Zeren's rule and marked unverified on the record.
INTERIM_BAR_BASIS = (
    "先期停职、免职期间不予提拔：停职、免职在先，任职资格待调查结论（本系统规则，未见明文，UNVERIFIED）；"
    "暂停履行职务见《公职人员政务处分法》第五十二条第一款（VERIFIED-P）"
)
INTERIM_LABELS = dict(InterimMeasure.Kind.choices)
INTERIM_STATE_LABELS = dict(InterimMeasure.State.choices)
VETO_BASIS = "细则第二十八条：因发生生产安全事故被追究领导责任，在相关规定时限内取消考核评优和评选各类先进资格，不得晋升职务、职级或者重用任职"


# 党纪处分: the periods a later Party sanction may stack onto (whether it does is its row's ``stacks``).
PARTY_SANCTIONS = frozenset(
    {
        SanctionKind.PARTY_WARNING,
        SanctionKind.PARTY_SERIOUS_WARNING,
        SanctionKind.PARTY_REMOVAL_FROM_POST,
        SanctionKind.PARTY_PROBATION_1Y,
        SanctionKind.PARTY_PROBATION_2Y,
        SanctionKind.PARTY_EXPULSION,
    }
)


# Labels looked up once: ``get_measure_display()`` rebuilds its choices on every call, which
# dominated a batch of 1,000 records (BENCH W4).
MEASURE_LABELS = dict(Measure.choices)
SANCTION_LABELS = dict(SanctionKind.choices)


def _label(labels: Mapping[str, StrOrPromise], code: str) -> str:
    return str(labels.get(code, code))


_Row = TypeVar("_Row", InfluencePeriod, DeadlinePolicy)


def _valid_on(rows: Iterable[_Row], day: dt.date) -> _Row | None:
    for row in rows:  # newest first
        if row.valid_from <= day and (row.valid_to is None or day <= row.valid_to):
            return row
    return None


@dataclass
class Periods:
    """The influence periods in force: a rulebook's row where the rulebook in force for the case's
    jurisdiction on the decision date states one (issue 13), else the national table's. Loaded
    once (two queries, three when a rulebook states rows) for any number of records."""

    table: dict[tuple[str, str], list[InfluencePeriod]]
    figures: FigureBook

    def row(self, measure: str, sanction_kind: str, department_id: int | None, day: dt.date) -> InfluencePeriod | None:
        found = self.figures.influence_period(measure, sanction_kind, department_id, day)
        if found is None:
            return _valid_on(self.table.get((measure, sanction_kind), []), day)
        row = found.row
        return InfluencePeriod(
            measure=measure,
            sanction_kind=sanction_kind,
            months=row.get("months"),
            permanent=bool(row.get("permanent", False)),
            blocks_promotion=bool(row.get("blocks_promotion", True)),
            blocks_awards=bool(row.get("blocks_awards", True)),
            awards_until_year_end=bool(row.get("awards_until_year_end", False)),
            stacks=bool(row.get("stacks", False)),
            citation=found.citation,
            verified=bool(row.get("verified")),
            valid_from=found.valid_from,
            valid_to=found.valid_to,
        )


def influence_periods() -> Periods:
    """The influence periods in force anywhere (``Periods.row``), loaded once."""
    return _policies()


# The periods of one record with its extensions (``cadre_record_with_extensions``): the
# extensions read records too (Chapter 5's eligibility), and the periods do not change in between.
_PERIODS: ContextVar[Periods | None] = ContextVar("zeren_influence_periods", default=None)


def _policies() -> Periods:
    cached = _PERIODS.get()
    if cached is not None:
        return cached
    periods: dict[tuple[str, str], list[InfluencePeriod]] = defaultdict(list)
    for row in InfluencePeriod.objects.order_by("-valid_from"):
        periods[(row.measure, row.sanction_kind)].append(row)
    return Periods(periods, FigureBook.load())


def _subjects_qs() -> QuerySet[CaseSubject]:
    return CaseSubject.objects.select_related("case", "case__owner_department", "filing").prefetch_related(
        Prefetch(
            "measures",
            queryset=MeasureDecision.objects.filter(state=MeasureDecision.State.DECIDED).order_by("decided_on", "id"),
        ),
        Prefetch("assessments", queryset=Assessment.objects.filter(kind=Assessment.Kind.CONCLUSION).order_by("id")),
        Prefetch("veto_overrides", queryset=VetoOverride.objects.order_by("-decided_at", "-id")),
        # Crime (Art. 27) and lifelong (Art. 32) referrals of the subject: their outcome is part of
        # the record (issue 14); they bar nothing by themselves.
        Prefetch(
            "referrals",
            queryset=Referral.objects.filter(kind__in=(Referral.Kind.CRIME, Referral.Kind.LIFELONG))
            .select_related("to_department")
            .order_by("created_at", "id"),
        ),
        Prefetch("interim_measures", queryset=InterimMeasure.objects.select_related("authority").order_by("ordered_on", "id")),
    )


def _record(
    cadre: Cadre,
    subjects: list[CaseSubject],
    on: dt.date,
    periods: Periods,
) -> dict[str, Any]:
    blocking: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []  # what bars nothing but explains an eligible answer
    measures_out: list[dict[str, Any]] = []
    cases_out: list[dict[str, Any]] = []
    interim_out: list[dict[str, Any]] = []
    party_end: dt.date | None = None  # the end of the latest Party period so far (stacking, 2023 条例第二十一条)

    def block(
        reason: str,
        basis: str,
        until: dt.date | None,
        *,
        promotion: bool,
        awards: bool,
        verified: bool,
        case: int | None = None,
        since: dt.date | None = None,
    ) -> None:
        applies = [name for name, flag in (("promotion", promotion), ("awards", awards)) if flag]
        if applies:
            item = {"reason": reason, "basis": basis, "until": until, "applies_to": applies, "verified": verified, "case": case}
            if since is not None:  # when it began, where that is a recorded date (the 立案)
                item["since"] = since
            blocking.append(item)

    decided: list[tuple[MeasureDecision, CaseSubject]] = []
    referrals_out: list[dict[str, Any]] = []
    for subject in subjects:
        case = subject.case
        for referral in subject.referrals.all():
            referrals_out.append(_referral_entry(referral, case.number))
            if referral.kind == Referral.Kind.CRIME:
                notes.append({"reason": _crime_note(referral, case.number), "basis": CRIME_BASIS, "case": case.pk})
        filing = subject_filing(subject)
        cases_out.append(
            {
                "id": case.pk,
                "number": case.number,
                "title": case.title,
                "state": case.state,
                "subject": subject.pk,
                "filed_on": filing.filed_on if filing else None,
            }
        )
        investigated = investigation_period(subject)
        if investigated is not None and investigated[0] <= on and (investigated[1] is None or on < investigated[1]):
            block(
                _("Under investigation in case %(n)s") % {"n": case.number},
                INVESTIGATION_BASIS,
                investigated[1],
                promotion=True,
                awards=True,
                verified=True,
                case=case.pk,
                since=investigated[0],
            )
        elif case.state in _BEFORE_DECISION and timezone.localdate(case.created_at) <= on:
            notes.append(
                {
                    "reason": _(
                        "Case %(n)s is open, but no 立案 of this cadre was recorded by %(d)s: "
                        "the bar of 政务处分法第五十二条 does not apply yet."
                    )
                    % {"n": case.number, "d": on.isoformat()},
                    "basis": INVESTIGATION_BASIS,
                    "case": case.pk,
                }
            )
        for measure in subject.measures.all():
            if measure.decided_on and measure.decided_on <= on:
                decided.append((measure, subject))
        for interim in subject.interim_measures.all():
            if interim.ordered_on > on:
                continue  # not ordered yet on the day asked about
            in_force = interim.ended_on is None or on < interim.ended_on
            interim_out.append(
                {
                    "id": interim.pk,
                    "case": case.pk,
                    "case_number": case.number,
                    "subject": subject.pk,
                    "kind": interim.kind,
                    "label": _label(INTERIM_LABELS, interim.kind),
                    "ordered_on": interim.ordered_on,
                    "authority": interim.authority.name,
                    "state": interim.state if not in_force else InterimMeasure.State.IN_FORCE,
                    "state_label": _label(INTERIM_STATE_LABELS, interim.state if not in_force else InterimMeasure.State.IN_FORCE),
                    "ended_on": None if in_force else interim.ended_on,
                    "in_force": in_force,
                }
            )
            if in_force:
                block(
                    _("%(m)s since %(d)s in case %(n)s: off the post")
                    % {"m": _label(INTERIM_LABELS, interim.kind), "d": interim.ordered_on.isoformat(), "n": case.number},
                    INTERIM_BAR_BASIS,
                    interim.ended_on,
                    promotion=True,
                    awards=False,
                    verified=False,
                    case=case.pk,
                    since=interim.ordered_on,
                )

    ends_by_subject: dict[int, list[dt.date]] = defaultdict(list)
    for measure, subject in sorted(decided, key=lambda pair: (pair[0].decided_on, pair[0].pk)):
        assert measure.decided_on is not None  # only measures with a decision date were collected
        row = periods.row(measure.measure, measure.sanction_kind, subject.case.owner_department_id, measure.decided_on)
        start = measure.decided_on
        until: dt.date | None = None
        if row is not None and row.months and not row.permanent:
            # The row in force on this sanction's decision date says whether it stacks: from
            # 2024-01-01 (2023 条例第二十一条) its period is added to what remains of the earlier
            # Party periods, also of one decided before 2024; decided before, it runs on its own.
            if row.stacks and party_end and party_end > start:
                start = party_end
            until = add_months(start, row.months)
            if measure.sanction_kind in PARTY_SANCTIONS:
                party_end = max(party_end, until) if party_end else until
            ends_by_subject[subject.pk].append(until)
        label = _label(MEASURE_LABELS, measure.measure) + (
            f"（{_label(SANCTION_LABELS, measure.sanction_kind)}）" if measure.sanction_kind else ""
        )
        measures_out.append(
            {
                "case": subject.case.pk,
                "case_number": subject.case.number,
                "measure": measure.measure,
                "sanction_kind": measure.sanction_kind,
                "decided_on": measure.decided_on,
                "influence_until": until,
                "permanent": bool(row and row.permanent),
                "basis": row.citation if row else _("No influence period is configured for this measure."),
                "verified": bool(row and row.verified),
            }
        )
        if row is None:
            continue
        active = row.permanent or (until is not None and on < until)
        if active:
            block(
                _("%(m)s in case %(n)s") % {"m": label, "n": subject.case.number},
                row.citation,
                None if row.permanent else until,
                promotion=row.blocks_promotion,
                awards=row.blocks_awards,
                verified=row.verified,
                case=subject.case.pk,
            )
        if row.awards_until_year_end and measure.decided_on.year == on.year and not (active and row.blocks_awards):
            block(
                _("%(m)s this year: no 评优 for the year") % {"m": label},
                row.citation,
                dt.date(on.year, 12, 31),
                promotion=False,
                awards=True,
                verified=row.verified,
                case=subject.case.pk,
            )

    for subject in subjects:
        conclusion = next(iter(reversed(list(subject.assessments.all()))), None)
        decided_on = subject.case.decided_on
        if conclusion is None or not conclusion.output.get("veto", {}).get("applies") or not decided_on or decided_on > on:
            continue
        override = next(iter(subject.veto_overrides.all()), None)
        if override is not None:
            until, basis, verified = override.until, f"{VETO_BASIS}；{_('overridden')}: {override.reason}", True
        else:
            # No invented floor (issue 13): the veto lasts as long as the influence periods of the
            # measures decided, and at least a floor only where the applied rulebook states one
            # (engine 2 puts it in the conclusion: ``veto.floor_months`` and the rulebook's cite).
            floor = conclusion.output["veto"].get("floor_months")
            ends = list(ends_by_subject.get(subject.pk, []))
            if floor:
                ends.append(add_months(decided_on, int(floor)))
            until = max(ends) if ends else None
            verified = True
            rulebook = conclusion.output.get("rulebook") or {}
            basis = VETO_BASIS + (f"；《{rulebook.get('title', '')}》规定至少{floor}个月" if floor else "")
        if until is None or on < until:
            block(
                _("One-vote veto (Art. 28) from case %(n)s") % {"n": subject.case.number},
                basis,
                until,
                promotion=True,
                awards=True,
                verified=verified,
                case=subject.case.pk,
            )

    return {
        "cadre": {"id": cadre.pk, "name": cadre.name, "status": cadre.status},
        "on": on,
        "eligible_for_promotion": not any("promotion" in b["applies_to"] for b in blocking),
        "eligible_for_awards": not any("awards" in b["applies_to"] for b in blocking),
        "blocking": blocking,
        "notes": notes,
        "cases": cases_out,
        "measures": measures_out,
        "referrals": referrals_out,
        "interim_measures": interim_out,
    }


def _referral_entry(referral: Referral, case_number: str) -> dict[str, Any]:
    return {
        "id": referral.pk,
        "case": referral.case_id,
        "case_number": case_number,
        "kind": referral.kind,
        "crime": referral.crime,
        "to_department": {"id": referral.to_department_id, "name": referral.to_department.name},
        "state": referral.state,
        "sent_on": timezone.localdate(referral.created_at),
        "handled_on": timezone.localdate(referral.handled_at) if referral.handled_at else None,
        "return_reason": referral.return_reason,
    }


def _crime_note(referral: Referral, case_number: str) -> str:
    values = {
        "crime": _label(dict(CrimeKind.choices), referral.crime) if referral.crime else "",
        "n": case_number,
        "d": referral.to_department.name,
        "sent": timezone.localdate(referral.created_at).isoformat(),
        "handled": timezone.localdate(referral.handled_at).isoformat() if referral.handled_at else "",
        "why": referral.return_reason,
    }
    if referral.state == Referral.State.ACCEPTED:
        return _("%(crime)s from case %(n)s: referred to %(d)s on %(sent)s and accepted on %(handled)s (Art. 27).") % values
    if referral.state == Referral.State.RETURNED:
        return (
            _("%(crime)s from case %(n)s: referred to %(d)s on %(sent)s and returned on %(handled)s: %(why)s (Art. 27).") % values
        )
    return _("%(crime)s from case %(n)s: referred to %(d)s on %(sent)s, neither accepted nor returned yet (Art. 27).") % values


def subject_filing(subject: CaseSubject) -> Filing | None:
    """The subject's 立案, if recorded (selected with the subject by the reads here)."""
    try:
        return subject.filing
    except Filing.DoesNotExist:
        return None


def investigation_period(subject: CaseSubject) -> tuple[dt.date, dt.date | None] | None:
    """``(from, until)`` of the subject's 被立案调查 (《公职人员政务处分法》第五十二条), or None when
    no 立案 is recorded. It starts on the filing date and lasts while the case is under
    investigation (``until`` None); once the case is decided it ended on the decision date, once
    disposed of or not pursued on the day it ended (``until`` is the first day it no longer applies)."""
    filing = subject_filing(subject)
    if filing is None:
        return None
    case = subject.case
    if case.state in UNDER_INVESTIGATION:
        return filing.filed_on, None
    if case.decided_on is not None:
        return filing.filed_on, case.decided_on
    ended = timezone.localdate(case.closed_at) if case.closed_at else filing.filed_on
    return filing.filed_on, max(ended, filing.filed_on)


def under_investigation(cadre: Cadre) -> list[CaseSubject]:
    """The cadre's subjects that are 被立案调查 now: a 立案 is recorded and the case is still
    under investigation (《公职人员政务处分法》第五十二条; read by ``cadre_move``)."""
    return list(
        CaseSubject.objects.select_related("case", "case__owner_department", "filing")
        .filter(cadre=cadre, filing__isnull=False, case__state__in=UNDER_INVESTIGATION)
        .order_by("case__created_at", "id")
    )


def cadre_record(cadre: Cadre, on: dt.date) -> dict[str, Any]:
    periods = _policies()
    subjects = list(_subjects_qs().filter(cadre=cadre).order_by("case__created_at", "id"))
    return _record(cadre, subjects, on, periods)


# What upper layers add to a cadre's record (``appraisal`` adds Chapters 4–5: assessments, 约谈,
# awards); they register in their ``AppConfig.ready``, so ``cases`` does not import them.
_record_extensions: list[Callable[[Cadre, dt.date], dict[str, Any]]] = []


def on_cadre_record(fn: Callable[[Cadre, dt.date], dict[str, Any]]) -> Callable[[Cadre, dt.date], dict[str, Any]]:
    _record_extensions.append(fn)
    return fn


def cadre_record_with_extensions(cadre: Cadre, on: dt.date) -> dict[str, Any]:
    """The record of ``cadre_record`` with what every registered extension adds (the API's answer).
    The influence periods are read once for the record and every extension."""
    token = _PERIODS.set(_policies())
    try:
        record = cadre_record(cadre, on)
        for extension in _record_extensions:
            record.update(extension(cadre, on))
    finally:
        _PERIODS.reset(token)
    return record


def cadre_records(cadres: list[Cadre], on: dt.date) -> list[dict[str, Any]]:
    """Eligibility for many cadres in a constant number of queries (PRODUCT §4, BENCH W4)."""
    periods = _policies()
    by_cadre: dict[int, list[CaseSubject]] = defaultdict(list)
    for subject in _subjects_qs().filter(cadre__in=[c.pk for c in cadres]).order_by("case__created_at", "id"):
        by_cadre[subject.cadre_id].append(subject)
    return [_record(c, by_cadre.get(c.pk, []), on, periods) for c in cadres]


VETO_AUTHORITIES = {DepartmentKind.ORGANIZATION, DepartmentKind.DISCIPLINE}
RECORD_READERS = {DepartmentKind.ORGANIZATION, DepartmentKind.DISCIPLINE}


def reads_records(user: AnyUser) -> bool:
    """May ``user`` read cadres and their records (the cadre pages' check; the API lists the same rows)?"""
    if getattr(user, "is_superuser", False):
        return True
    membership = membership_of(user)
    return membership is not None and membership.department.kind in RECORD_READERS


def require_record_reader(user: AnyUser) -> None:
    """A cadre's record (cases, measures, eligibility) is for the organization department that
    keeps it and the discipline organ (Art. 19, 28); referring agencies see only their leads."""
    if getattr(user, "is_superuser", False):
        return
    membership = require_membership(user)
    if membership.department.kind not in RECORD_READERS:
        raise NotPermitted(_("Cadre records are open to the organization department and the discipline organ."))


def open_or_egregious_subjects(cadre: Cadre) -> list[tuple[CaseSubject, bool]]:
    """Subjects whose case must follow the cadre on a move (Art. 32): the case is open, or it was
    concluded with lifelong accountability (egregious accident responsibility)."""
    result = []
    for subject in _subjects_qs().filter(cadre=cadre).order_by("id"):
        conclusion = next(iter(reversed(list(subject.assessments.all()))), None)
        lifelong = bool(conclusion and conclusion.output.get("lifelong", {}).get("applies"))
        if subject.case.state not in TERMINAL_STATES or lifelong:
            result.append((subject, lifelong))
    return result
