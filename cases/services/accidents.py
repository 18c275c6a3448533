"""Accidents and their grade (PRODUCT §1.5): the grade is recomputed on every change."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cases.codes import DepartmentKind
from cases.errors import NotPermitted, field_error
from cases.models import Accident
from cases.rules.grading import grade_accident
from cases.services.common import lock, require_membership, save_with_history

ACCIDENT_KINDS = {DepartmentKind.EMERGENCY, DepartmentKind.DISCIPLINE, DepartmentKind.REGULATOR}
FIELDS = ("title", "occurred_at", "location", "description", "deaths", "serious_injuries", "direct_loss_yuan", "unit_reported_at")


def _require_recorder(user) -> None:
    membership = require_membership(user)
    if membership.department.kind not in ACCIDENT_KINDS:
        raise NotPermitted(_("Accidents are recorded by emergency management, regulators or the discipline organ."))


def _apply(accident: Accident, data: dict[str, Any]) -> list[str]:
    changed = []
    for name in FIELDS:
        if name in data and getattr(accident, name) != data[name]:
            setattr(accident, name, data[name])
            changed.append(name)
    if accident.unit_reported_at and accident.unit_reported_at < accident.occurred_at:
        raise field_error("unit_reported_at", _("The report cannot precede the accident."))
    accident.grade = grade_accident(
        deaths=accident.deaths, serious_injuries=accident.serious_injuries, direct_loss_yuan=accident.direct_loss_yuan
    )
    return changed


@transaction.atomic
def accident_create(*, data: dict[str, Any], acting_user) -> Accident:
    _require_recorder(acting_user)
    accident = Accident(created_by=acting_user)
    _apply(accident, data)
    save_with_history(accident, acting_user=acting_user, reason=f"recorded; grade {accident.grade}")
    return accident


@transaction.atomic
def accident_update(*, accident_id: int, data: dict[str, Any], acting_user) -> Accident:
    _require_recorder(acting_user)
    accident = lock(Accident, accident_id)
    before = accident.grade
    changed = _apply(accident, data)
    reason = f"changed {', '.join(changed) or 'nothing'}; grade {before} → {accident.grade}"
    save_with_history(accident, acting_user=acting_user, reason=reason)
    return accident
