"""Reads of 先期处置 (interim suspension or removal from post; ``cases.services.interim``,
``docs/interim-measures.md``): who manages the post, who may see a subject's interim measures,
which decided measure absorbs one, and what is still in force on a case."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from cases.codes import SanctionKind
from cases.models import Case, CaseSubject, InterimMeasure, MeasureDecision
from cases.selectors.cases import FULL, case_access
from core.typing import AnyUser
from org.access import membership_of
from org.codes import DepartmentKind
from org.jurisdiction import user_units
from org.models import Post

K = InterimMeasure.Kind

# What absorbs (吸收) an interim measure when the case is decided: a final measure that takes the
# cadre off the same post covers a suspension or removal ahead of it, so the one ends where the
# other begins. 停职检查 covers only the suspension: it does not put back a cadre already removed.
# 撤职 and 开除 (政务处分), 撤销党内职务, 留党察看 and 开除党籍 (党纪处分) end the post too. A lighter final
# measure (通报, 诫勉, 警告, 记过, 记大过, 降级, 党内警告, 严重警告) absorbs nothing: the interim measure
# is lifted (解除). This is Zeren's reading of 《中国共产党问责条例》第八条 (the five 组织调整或者组织
# 处理 measures, VERIFIED-S) and of the practice described for the 中央纪委、中央组织部 opinion on
# 组织处理 in investigations ("先予组织处理的…可转化为终局性组织处理…及时解除停职措施", a secondary
# summary, UNVERIFIED); the officer states the reason of each settlement.
_OFF_POST_MEASURES = frozenset({"reassignment", "ordered_resignation", "demotion", "dismissal"})
_OFF_POST_SANCTIONS = frozenset(
    {
        SanctionKind.GOV_REMOVAL,
        SanctionKind.GOV_EXPULSION,
        SanctionKind.PARTY_REMOVAL_FROM_POST,
        SanctionKind.PARTY_PROBATION_1Y,
        SanctionKind.PARTY_PROBATION_2Y,
        SanctionKind.PARTY_EXPULSION,
    }
)
ABSORBING_MEASURES: dict[str, frozenset[str]] = {
    K.SUSPENSION: _OFF_POST_MEASURES | {"suspension"},
    K.REMOVAL: _OFF_POST_MEASURES,
}
ABSORBING_SANCTIONS: dict[str, frozenset[str]] = {K.SUSPENSION: _OFF_POST_SANCTIONS, K.REMOVAL: _OFF_POST_SANCTIONS}
# The order in which a covering measure is named when several do: the heaviest first.
_ABSORBING_ORDER = ("dismissal", "ordered_resignation", "demotion", "reassignment", "suspension", "sanction")


def case_subject_or_none(case: Case | None, subject_id: int) -> CaseSubject | None:
    """One subject of ``case``, with its cadre (the interim endpoints and page address it)."""
    if case is None:
        return None
    subject: CaseSubject | None = CaseSubject.objects.select_related("cadre").filter(case=case, pk=subject_id).first()
    return subject


def current_post(subject: CaseSubject) -> Post | None:
    """The post the subject's cadre holds now (no end date), with its managing authority: the
    post an interim measure suspends or removes them from."""
    post: Post | None = (
        Post.objects.select_related("organization", "managing_authority")
        .filter(cadre_id=subject.cadre_id, end__isnull=True)
        .order_by("-start", "-id")
        .first()
    )
    return post


def current_posts(cadre_ids: Iterable[int]) -> dict[int, Post]:
    """``current_post`` for many cadres in one query (the case page)."""
    found: dict[int, Post] = {}
    rows = Post.objects.select_related("managing_authority").filter(cadre_id__in=set(cadre_ids), end__isnull=True)
    for post in rows.order_by("start", "id"):
        found[post.cadre_id] = post  # the latest start wins
    return found


def subject_interim_measures(subject: CaseSubject) -> QuerySet[InterimMeasure]:
    measures: QuerySet[InterimMeasure] = InterimMeasure.objects.filter(subject=subject).select_related(
        "authority", "post", "post__organization", "ordered_by", "ended_by", "absorbed_by"
    )
    return measures.order_by("ordered_on", "id")


def interim_by_id(pk: int) -> InterimMeasure:
    """One interim measure as the API answers it."""
    found: InterimMeasure = InterimMeasure.objects.select_related(
        "authority", "post", "post__organization", "ordered_by", "ended_by", "absorbed_by"
    ).get(pk=pk)
    return found


def interim_in_force(case: Case) -> QuerySet[InterimMeasure]:
    """The case's interim measures neither lifted nor absorbed (``deliver`` waits for none)."""
    measures: QuerySet[InterimMeasure] = InterimMeasure.objects.filter(
        subject__case=case, state=InterimMeasure.State.IN_FORCE
    ).select_related("subject__cadre")
    return measures.order_by("id")


def interim_authorities(subject: CaseSubject, post: Post | None) -> set[int]:
    """The departments with authority over the subject's interim measures: the one managing the
    current post, and every one that recorded a measure (it lifts or settles its own)."""
    ids = set(InterimMeasure.objects.filter(subject=subject).values_list("authority_id", flat=True))
    if post is not None:
        ids.add(post.managing_authority_id)
    return ids


def interim_visible(user: AnyUser, case: Case, subject: CaseSubject) -> bool:
    """Who may read a subject's interim measures and reach their forms (others get 404): those
    who see the case in full; the members of the authority that manages the cadre's post
    (干部管理权限: the city's organization department for the cadres the city manages, who may not
    see the county's case otherwise); and the organization department and discipline organ of the
    case's jurisdiction, who keep and read cadre records (they are told 403 if they may not act)."""
    if case_access(case, user) == FULL:
        return True
    membership = membership_of(user)
    if membership is None:
        return False
    if membership.department_id in interim_authorities(subject, current_post(subject)):
        return True
    units = user_units(user)
    return membership.department.kind in (DepartmentKind.ORGANIZATION, DepartmentKind.DISCIPLINE) and (
        units is None or case.owner_department_id in units
    )


def interim_visible_subjects(user: AnyUser, subject_ids: Iterable[int]) -> set[int]:
    """The ids among ``subject_ids`` whose interim measures ``user`` may open (``interim_visible``;
    the cadre record's links)."""
    ids = set(subject_ids)
    if not ids:
        return set()
    subjects = CaseSubject.objects.select_related("case").filter(pk__in=ids)
    return {s.pk for s in subjects if interim_visible(user, s.case, s)}


def absorbing_measure(interim: InterimMeasure, decided: Iterable[MeasureDecision]) -> MeasureDecision | None:
    """The decided measure of the subject that absorbs ``interim`` (``ABSORBING_MEASURES``), the
    heaviest when several do; None when none covers it (it must be lifted)."""
    covering = [
        m
        for m in decided
        if m.state == MeasureDecision.State.DECIDED
        and m.subject_id == interim.subject_id
        and (
            m.measure in ABSORBING_MEASURES[interim.kind]
            or (m.measure == "sanction" and m.sanction_kind in ABSORBING_SANCTIONS[interim.kind])
        )
    ]
    covering.sort(key=lambda m: (_ABSORBING_ORDER.index(m.measure), m.pk))
    return covering[0] if covering else None
