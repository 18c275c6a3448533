"""Small helpers the pages of several areas share."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import NoReverseMatch, reverse

from cases.codes import Measure, SanctionKind
from core.errors import NO_DEPARTMENT
from org.access import membership_of


def department_membership(request):
    """The user's department seat; pages about "my department" need one (403 otherwise)."""
    membership = membership_of(request.user)
    if membership is None:
        raise PermissionDenied(str(NO_DEPARTMENT))
    return membership


def case_url(pk: int) -> str | None:
    """The case page, once the case pages (``web.cases.urls``) provide one."""
    for name in ("web:case_detail", "web:case"):
        try:
            return reverse(name, args=[pk])
        except NoReverseMatch:
            continue
    return None


def measure_label(measure: str, sanction_kind: str = "") -> str:
    label = str(Measure(measure).label) if measure in Measure.values else measure
    if sanction_kind and sanction_kind in SanctionKind.values:
        label += f"（{SanctionKind(sanction_kind).label}）"
    return label
