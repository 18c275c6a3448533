"""What the case pages share: the case if the user may see it, department seats, conclusions."""

from __future__ import annotations

from django.http import Http404

from cases.codes import FILING_STATES, INTERIM_STATES
from cases.models import Case, CaseSubject, InterimMeasure
from cases.selectors import FULL, case_access, case_detail
from cases.selectors.interim import current_posts
from org.access import membership_of
from org.codes import DepartmentKind, Rank
from org.models import Membership
from web.cases.forms import InterimForm


def case_for(request, pk: int, *, full: bool = True) -> tuple[Case, str]:
    """The case if the user may see it (404 otherwise, like the API): ``full`` pages need full
    access; a referring agency's ``source`` access sees only the limited page."""
    case = case_detail(pk)
    if case is None:
        raise Http404
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


def interim_authority(subjects: list[CaseSubject], case: Case, membership: Membership | None) -> None:
    """Set on each subject what the case page shows of its 先期处置: the measures (prefetched by
    ``case_detail``), whether the user may record one (a leader of the authority managing the
    cadre's current post, while the case is in ``INTERIM_STATES``) with the form to do it, and
    whether they may lift or settle one (a leader of the authority that ordered it). The services
    decide; this only shows the forms. Posts are read (one query) only for a leader."""
    leader_of = membership.department_id if membership is not None and membership.rank == Rank.LEADER else None
    posts = current_posts(s.cadre_id for s in subjects) if leader_of is not None and case.state in INTERIM_STATES else {}
    for subject in subjects:
        post = posts.get(subject.cadre_id)
        measures = list(subject.interim_measures.all())
        subject.interim_list = measures  # type: ignore[attr-defined]  # read by the template
        subject.can_end_interim = leader_of is not None and any(  # type: ignore[attr-defined]  # read by the template
            m.state == InterimMeasure.State.IN_FORCE and m.authority_id == leader_of for m in measures
        )
        form = (
            InterimForm(prefix="interim", auto_id=f"id_s{subject.pk}_%s")
            if post is not None and post.managing_authority_id == leader_of
            else None
        )
        subject.interim_form = form  # type: ignore[attr-defined]  # read by the template


def latest_conclusions(subjects) -> dict:
    """The conclusion each subject was assessed with (prefetched by ``case_detail``)."""
    result = {}
    for subject in subjects:
        conclusions = list(subject.assessments.all())
        if conclusions:
            result[subject.pk] = conclusions[-1]
    return result
