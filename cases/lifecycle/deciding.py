"""Who decides each measure (issue 14 item 1).

《中国共产党问责条例》(2019) 第十二条 (VERIFIED-S, 中央纪委国家监委法规室《释义》): “问责决定应当由有
管理权限的党组织作出。……对同级党委管理的领导干部，纪委和党的工作机关报经同级党委或者其主要负责人批准，
可以采取通报、诫勉方式进行问责；提出组织调整或者组织处理的建议。采取纪律处分方式问责的，按照党章和有关
党内法规规定的权限、程序执行。” The county text says the same in Art. 34 (组织处理 by the organization
department on the discipline organ's recommendation). So:

- organizational measures (停职检查、调整职务、责令辞职、降职、免职) are decided by the organization
  department of the authority that manages the cadre's post (干部管理权限: the county's, or the
  city's for the cadres the city manages); the discipline organ only recommends them (问责建议);
- sanctions by the discipline organ: 党纪处分 as 纪委, 政务处分 as 监委 (《监察法》《公职人员政务处分法》
  第三条; in the county one 纪委监委 department, named by the side that decides);
- 通报 and 诫勉 by the organ that imposes them: the discipline organ (the default) or the
  organization department with authority over the post, as the proposal says.
"""

from __future__ import annotations

from collections.abc import Iterable

from cases.codes import ORGANIZATIONAL_MEASURES, SanctionKind
from cases.models import Case, CaseSubject
from org.access import department_of_kind
from org.codes import DepartmentKind
from org.models import Department, Post

# Measures the proposal may send to either the discipline organ or the organization department.
EITHER_ORGAN = frozenset({"notice", "admonishment"})
GOVERNMENT_SANCTIONS = frozenset(k for k in SanctionKind.values if k.startswith("gov_"))


def managing_authority(subject: CaseSubject, posts: Iterable[Post] | None = None) -> Department | None:
    """The organization department that manages the cadre's post now (the current post's
    ``managing_authority``; the subject's post when no post is current)."""
    current = [p for p in (posts if posts is not None else subject.cadre.posts.all()) if p.end is None]
    for post in sorted(current, key=lambda p: (p.start, p.pk), reverse=True):
        if post.managing_authority_id is not None:
            return post.managing_authority
    if subject.post_id is not None and subject.post is not None and subject.post.managing_authority_id is not None:
        return subject.post.managing_authority
    return None


def organization_for(case: Case, subject: CaseSubject, posts: Iterable[Post] | None = None) -> Department:
    return managing_authority(subject, posts) or department_of_kind(DepartmentKind.ORGANIZATION, near=case.owner_department)


def discipline_for(case: Case) -> Department:
    if case.owner_department.kind == DepartmentKind.DISCIPLINE:
        return case.owner_department
    return department_of_kind(DepartmentKind.DISCIPLINE, near=case.owner_department)


def deciding_organ(
    case: Case, subject: CaseSubject, measure: str, *, chosen: Department | None = None, posts: Iterable[Post] | None = None
) -> Department:
    """The department that decides ``measure`` for ``subject`` (the module's rules)."""
    if measure in ORGANIZATIONAL_MEASURES:
        return organization_for(case, subject, posts)
    if measure == "sanction":
        return discipline_for(case)
    return chosen or case.owner_department


def organs_allowed(case: Case, subject: CaseSubject, measure: str, posts: Iterable[Post] | None = None) -> list[Department]:
    """The organs a proposal may name for ``measure``: for 通报 and 诫勉 the case's owner or the
    organization department with authority over the post; otherwise the one organ of the rules."""
    if measure in EITHER_ORGAN:
        organs = [case.owner_department, organization_for(case, subject, posts)]
        return list({d.pk: d for d in organs}.values())
    return [deciding_organ(case, subject, measure, posts=posts)]


def organ_name(department: Department, sanction_kind: str = "") -> str:
    """How a document names the deciding organ: a 纪委监委 deciding a 政务处分 acts as 监委
    (政务处分法第三条); deciding anything else — a 党纪处分, a 通报 or 诫勉 (问责条例第十二条) — as 纪委."""
    name = department.name
    if department.kind != DepartmentKind.DISCIPLINE or not name.endswith("纪委监委"):
        return name
    return name.removesuffix("纪委监委") + ("监委" if sanction_kind in GOVERNMENT_SANCTIONS else "纪委")
