"""What the case pages share: the case if the user may see it, department seats, conclusions."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from cases.codes import FILING_STATES
from cases.models import Case
from cases.selectors import FULL, case_access, case_detail_qs
from org.access import membership_of
from org.codes import DepartmentKind, Rank


def case_for(request, pk: int, *, full: bool = True) -> tuple[Case, str]:
    """The case if the user may see it (404 otherwise, like the API): ``full`` pages need full
    access; a referring agency's ``source`` access sees only the limited page."""
    case = get_object_or_404(case_detail_qs(), pk=pk)
    access = case_access(case, request.user)
    if access is None or (full and access != FULL):
        raise Http404
    return case, access


def is_member(user, department_id: int, *, leader: bool = False) -> bool:
    membership = membership_of(user)
    if membership is None or membership.department_id != department_id:
        return False
    return not leader or membership.rank == Rank.LEADER


def may_record_filing(user, case: Case) -> bool:
    """Whether the page offers the 立案 form: a leader of the discipline organ handling the case,
    while the case is under investigation (the service decides; this only hides the button)."""
    return (
        case.state in FILING_STATES
        and case.owner_department.kind == DepartmentKind.DISCIPLINE
        and is_member(user, case.owner_department_id, leader=True)
    )


def latest_conclusions(subjects) -> dict:
    """The conclusion each subject was assessed with (prefetched by ``case_detail_qs``)."""
    result = {}
    for subject in subjects:
        conclusions = list(subject.assessments.all())
        if conclusions:
            result[subject.pk] = conclusions[-1]
    return result
