"""Accidents and their grade (PRODUCT §1.5): the grade is recomputed on every change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cases.codes import TERMINAL_STATES, CaseEventKind
from cases.models import Accident, AccidentReport, Case, ReportingFinding
from cases.rules.grading import grade_accident
from cases.selectors import accidents_visible_q
from cases.selectors.handling import ACCIDENT_KINDS
from cases.services.common import case_event_record
from core.errors import NOT_FOUND, NotFound, NotPermitted, field_error
from core.persistence import lock, save_with_history
from core.typing import Actor
from org.access import membership_of, require_membership
from org.codes import DepartmentKind
from org.jurisdiction import user_units
from org.models import Department

FIELDS = (
    "title",
    "occurred_at",
    "known_at",
    "location",
    "description",
    "deaths",
    "serious_injuries",
    "direct_loss_yuan",
    "unit_reported_at",
)
# The figures that grade the accident (《生产安全事故报告和调查处理条例》第三条): only the department
# that recorded the accident (the emergency department, as a rule) changes them.
FIGURES = ("deaths", "serious_injuries", "direct_loss_yuan")
FIGURES_BY_RECORDER = _lazy(
    "Only %(d)s, which recorded the accident, may change its deaths, serious injuries or direct loss (they decide "
    "its grade). 事故的死亡、重伤人数和直接经济损失只能由记录该事故的%(d)s修改。"
)
FIGURES_BY_RECORDER_UNKNOWN = _lazy(
    "Only the emergency management department may change the deaths, serious injuries or direct loss of an accident "
    "whose recorder is not known. 记录人不明的事故，其伤亡和损失数字只能由应急管理部门修改。"
)
# How far ahead of the server's clock a time may lie and still count as "now": a device whose clock
# runs a little fast, or a time typed to the minute, is not a time in the future.
CLOCK_SKEW = dt.timedelta(minutes=5)
FUTURE_TIME = _lazy("This time is in the future: only what has already happened can be recorded.")
BEFORE_ACCIDENT = _lazy("The report cannot precede the accident.")
KNOWN_BEFORE_ACCIDENT = _lazy("The unit head cannot have learned of the accident before it occurred.")
REPORT_BEFORE_KNOWN = _lazy("The unit cannot have reported before its head learned of the accident.")


def _require_recorder(user: Actor) -> None:
    membership = require_membership(user)
    if membership.department.kind not in ACCIDENT_KINDS:
        raise NotPermitted(_("Accidents are recorded by emergency management, regulators or the discipline organ."))


def _require_in_jurisdiction(user: Actor, accident: Accident) -> None:
    """An accident is kept by the jurisdiction where it happened (or, unplaced, that recorded it)."""

    if not Accident.objects.filter(accidents_visible_q(user), pk=accident.pk).exists():
        raise NotFound(NOT_FOUND)


def _require_figure_keeper(user: Actor, accident: Accident, data: dict[str, Any]) -> None:
    """403 when ``data`` changes a figure and ``user`` is not of the department that recorded the
    accident (its ``created_by``'s; the emergency department when the recorder is not known)."""
    if getattr(user, "is_superuser", False):
        return
    if not any(name in data and getattr(accident, name) != data[name] for name in FIGURES):
        return
    membership = require_membership(user)
    recorder = membership_of(accident.created_by) if accident.created_by_id is not None else None
    if recorder is None:
        if membership.department.kind != DepartmentKind.EMERGENCY:
            raise NotPermitted(str(FIGURES_BY_RECORDER_UNKNOWN))
        return
    if recorder.department_id != membership.department_id:
        raise NotPermitted(str(FIGURES_BY_RECORDER % {"d": recorder.department.name}))


def _record_regrade(accident: Accident, before: str, acting_user: Actor) -> None:
    """A regrade behind an open case is an event on that case (the organ handling it is told)."""
    for case_id in Case.objects.filter(accident=accident).exclude(state__in=TERMINAL_STATES).values_list("pk", flat=True):
        case = lock(Case, case_id)
        if case.state in TERMINAL_STATES:
            continue
        case_event_record(
            case=case,
            kind=CaseEventKind.ACCIDENT_REGRADED,
            acting_user=acting_user,
            from_state=case.state,
            to_state=case.state,
            payload={
                "accident": accident.pk,
                "old_grade": before,
                "new_grade": accident.grade,
                "deaths": accident.deaths,
                "serious_injuries": accident.serious_injuries,
                "direct_loss_yuan": str(accident.direct_loss_yuan),
            },
        )


def _check_location(user: Actor, data: dict[str, Any]) -> None:

    location = data.get("location")
    units = user_units(user)
    if location is not None and units is not None and location.pk not in units:
        raise field_error("location", _("%(d)s is outside your jurisdiction.") % {"d": location.name})


def _refuse_future(field: str, value: dt.datetime | None) -> None:
    """A recorded time must have happened (issue 13): the accident, when its unit head learned of
    it, each report. 400 naming the field."""
    if value is not None and value > timezone.now() + CLOCK_SKEW:
        raise field_error(field, str(FUTURE_TIME))


def _apply(accident: Accident, data: dict[str, Any]) -> list[str]:
    changed = []
    for name in FIELDS:
        if name in data and getattr(accident, name) != data[name]:
            setattr(accident, name, data[name])
            changed.append(name)
    for name in ("occurred_at", "known_at", "unit_reported_at"):
        if name in changed:
            _refuse_future(name, getattr(accident, name))
    if accident.known_at and accident.known_at < accident.occurred_at:
        raise field_error("known_at", str(KNOWN_BEFORE_ACCIDENT))
    if accident.unit_reported_at and accident.unit_reported_at < accident.occurred_at:
        raise field_error("unit_reported_at", str(BEFORE_ACCIDENT))
    if accident.known_at and accident.unit_reported_at and accident.unit_reported_at < accident.known_at:
        raise field_error("unit_reported_at", str(REPORT_BEFORE_KNOWN))
    if accident.known_at and accident.pk is not None:
        unit_report = AccidentReport.objects.filter(accident=accident, level=0).values_list("reported_at", flat=True).first()
        if unit_report is not None and unit_report < accident.known_at:
            raise field_error("known_at", str(REPORT_BEFORE_KNOWN))
    accident.grade = grade_accident(
        deaths=accident.deaths, serious_injuries=accident.serious_injuries, direct_loss_yuan=accident.direct_loss_yuan
    )
    return changed


@transaction.atomic
def accident_create(*, data: dict[str, Any], acting_user: Actor) -> Accident:
    _require_recorder(acting_user)
    _check_location(acting_user, data)
    accident = Accident(created_by=acting_user)
    _apply(accident, data)
    save_with_history(accident, acting_user=acting_user, reason=f"recorded; grade {accident.grade}")
    return accident


@transaction.atomic
def accident_update(*, accident_id: int, data: dict[str, Any], acting_user: Actor) -> Accident:
    _require_recorder(acting_user)
    accident = lock(Accident, accident_id)
    _require_in_jurisdiction(acting_user, accident)
    _require_figure_keeper(acting_user, accident, data)
    _check_location(acting_user, data)
    before = accident.grade
    changed = _apply(accident, data)
    reason = f"changed {', '.join(changed) or 'nothing'}; grade {before} → {accident.grade}"
    save_with_history(accident, acting_user=acting_user, reason=reason)
    if accident.grade != before:
        _record_regrade(accident, before, acting_user)
    return accident


@transaction.atomic
def accident_report_add(
    *,
    accident_id: int,
    level: int,
    reporter: str,
    reported_at: dt.datetime,
    recipient: Department | None = None,
    acting_user: Actor,
) -> AccidentReport:
    _require_recorder(acting_user)
    accident = lock(Accident, accident_id)
    _require_in_jurisdiction(acting_user, accident)
    _refuse_future("reported_at", reported_at)
    if reported_at < accident.occurred_at:
        raise field_error("reported_at", str(BEFORE_ACCIDENT))
    if level == 0 and accident.known_at and reported_at < accident.known_at:
        raise field_error("reported_at", str(REPORT_BEFORE_KNOWN))
    if AccidentReport.objects.filter(accident=accident, level=level).exists():
        raise field_error("level", _("This level's report is already recorded."))
    report = AccidentReport(
        accident=accident, level=level, reporter=reporter, reported_at=reported_at, recipient=recipient, recorded_by=acting_user
    )
    save_with_history(report, acting_user=acting_user, reason="report recorded")
    return report


@transaction.atomic
def reporting_finding_add(*, accident_id: int, kind: str, evidence: str, acting_user: Actor) -> ReportingFinding:
    """Record 漏报, 谎报 or 瞒报 with its evidence (never inferred by the system)."""
    _require_recorder(acting_user)
    accident = lock(Accident, accident_id)
    _require_in_jurisdiction(acting_user, accident)
    evidence = (evidence or "").strip()
    if not evidence:
        raise field_error("evidence", _("A reporting finding needs its evidence."))
    if kind not in ReportingFinding.Kind.values:
        raise field_error("kind", _("Expected omitted, false or concealed."))
    finding = ReportingFinding(accident=accident, kind=kind, evidence=evidence, recorded_by=acting_user)
    save_with_history(finding, acting_user=acting_user, reason=f"reporting finding: {kind}")
    return finding
