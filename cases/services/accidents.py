"""Accidents and their grade (PRODUCT §1.5): the grade is recomputed on every change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cases.models import Accident, AccidentReport, ReportingFinding
from cases.rules.grading import grade_accident
from cases.selectors import accidents_visible_q
from core.errors import NOT_FOUND, NotFound, NotPermitted, field_error
from core.persistence import lock, save_with_history
from core.typing import Actor
from org.access import require_membership
from org.codes import DepartmentKind
from org.jurisdiction import user_units
from org.models import Department

ACCIDENT_KINDS = {DepartmentKind.EMERGENCY, DepartmentKind.DISCIPLINE, DepartmentKind.REGULATOR}
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
    _check_location(acting_user, data)
    before = accident.grade
    changed = _apply(accident, data)
    reason = f"changed {', '.join(changed) or 'nothing'}; grade {before} → {accident.grade}"
    save_with_history(accident, acting_user=acting_user, reason=reason)
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
