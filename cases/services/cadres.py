"""Cadres and their post history (PRODUCT §4). Moves keep every case attached to the cadre."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from cases.codes import CadreStatus, DepartmentKind, MoveKind, Role
from cases.errors import NotPermitted, PreconditionFailed, field_error
from cases.models import Cadre, Department, Post
from cases.services.common import (
    department_of_kind,
    lock,
    require_membership,
    save_with_history,
)

PERSONNEL_KINDS = {DepartmentKind.ORGANIZATION}
MOVE_STATUS = {
    MoveKind.TRANSFER: CadreStatus.TRANSFERRED,
    MoveKind.PROMOTION: CadreStatus.PROMOTED,
    MoveKind.RETIREMENT: CadreStatus.RETIRED,
}


def _require_personnel(user) -> None:
    membership = require_membership(user)
    if membership.department.kind not in PERSONNEL_KINDS:
        raise NotPermitted(_("Only the organization and personnel department keeps cadre records."))


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise field_error("role", _("Unknown role “%(r)s”.") % {"r": role})


@transaction.atomic
def cadre_register(
    *,
    name: str,
    organization: Department,
    role: str,
    title: str,
    since: dt.date,
    acting_user,
    managing_authority: Department | None = None,
) -> Cadre:
    _require_personnel(acting_user)
    _check_role(role)
    name = (name or "").strip()
    if not name:
        raise field_error("name", _("This field is required."))
    cadre = Cadre(name=name)
    save_with_history(cadre, acting_user=acting_user, reason="register")
    post = Post(
        cadre=cadre,
        organization=organization,
        role=role,
        title=title,
        start=since,
        managing_authority=managing_authority or department_of_kind(DepartmentKind.ORGANIZATION, near=organization),
    )
    save_with_history(post, acting_user=acting_user, reason="register")
    return cadre


@transaction.atomic
def cadre_move(
    *,
    cadre_id: int,
    kind: str,
    effective_date: dt.date,
    acting_user,
    organization: Department | None = None,
    role: str = "",
    title: str = "",
    managing_authority: Department | None = None,
) -> Cadre:
    """Transfer, promote or retire a cadre: the current post ends the day before
    ``effective_date``. Open cases stay attached (they follow the cadre, Art. 32)."""
    _require_personnel(acting_user)
    cadre = lock(Cadre, cadre_id)
    if cadre.status == CadreStatus.RETIRED:
        raise PreconditionFailed(_("The cadre has retired; no further moves can be recorded."))
    if kind not in MOVE_STATUS:
        raise field_error("kind", _("Expected transfer, promotion or retirement."))
    current = cadre.posts.filter(end__isnull=True).order_by("-start").first()
    if current and effective_date <= current.start:
        raise field_error("effective_date", _("Must be after the start of the current post (%(d)s).") % {"d": current.start})
    if current:
        current.end = effective_date - dt.timedelta(days=1)
        save_with_history(current, acting_user=acting_user, reason=kind)
    if kind == MoveKind.RETIREMENT:
        cadre.retired_on = effective_date
    else:
        if organization is None:
            raise field_error("organization", _("This field is required."))
        _check_role(role)
        if not title.strip():
            raise field_error("title", _("This field is required."))
        post = Post(
            cadre=cadre,
            organization=organization,
            role=role,
            title=title.strip(),
            start=effective_date,
            move_kind=kind,
            managing_authority=managing_authority or department_of_kind(DepartmentKind.ORGANIZATION, near=organization),
        )
        save_with_history(post, acting_user=acting_user, reason=kind)
    cadre.status = MOVE_STATUS[kind]
    save_with_history(cadre, acting_user=acting_user, reason=kind)
    return cadre
