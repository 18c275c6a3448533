"""Who sees what of Chapters 4–5: ONE scope for the API (``appraisal.api.views``) and the pages
(``web.appraisal``).

The organization department and emergency management of a county keep these records, the
discipline organ reads them (``duties.services.access.ledger_scope``); any other department
reads the rows of its own (level ``own``); a user without a seat reads nothing (``none``); a
superuser reads everything.

The row rules are the methods of :class:`AppraisalScope`, the same for both. Where the API and
the pages differed before this scope was shared, this is what wins (appraisal/README.md):

1. *Who may open them.* The API answers every user with the rows of their level (``own`` gets
   its department's rows, ``none`` gets none); the pages are a desk of the county's safety
   committee and open only to a county keeper or reader, or to a superuser
   (:attr:`AppraisalScope.has_desk`; a city or regional organ has none). Both kept: the row rules
   are one, the pages add the desk check on top.
2. *Assessments.* The pages filtered them by department only, the API by department OR cadre
   holding a post in the scope. The API's rule wins (it is also the one the pages' own results
   table used, ``results``): :meth:`assessments`. The pages' other two uses keep their result:
   the 约谈 choices are departments' results anyway (:func:`~appraisal.selectors.assessment.interview_assessments`
   keeps ``department`` set), and the default year is now the latest year with any visible
   result (a year with only cadres' results counts too; no test pinned the other reading).
3. *Patrols.* The API filtered keepers and readers by the patrol's county among their units and
   ``own`` by the patrolled units; the pages by the user's county. For a county keeper or reader
   both are the same rows; the API's rule is :meth:`patrols`. The pages show one county — a
   superuser with a seat sees their county's patrols there, the ones the services let them add
   findings to — so they narrow with :meth:`desk_patrols` (only a superuser with a seat sees a
   difference; kept as it was on both sides).
4. *Interviews, awards, reward candidates.* Same rule on both sides already (department in the
   units; cadre holding a post in the units).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from appraisal.models import AnnualAssessment, Award, Interview, Patrol, Publication
from core.typing import AnyUser
from duties.selectors.scope import ledger_scope
from org.access import county_of, membership_of
from org.codes import DepartmentKind, Rank
from org.models import Cadre, Department, Membership, Post

Level = Literal["keep", "read", "own", "none"]
LEVELS: dict[str, Level] = {"keep": "keep", "read": "read", "own": "own", "none": "none"}

ASSESSED_LEVELS = (Department.Level.DEPARTMENT, Department.Level.TOWNSHIP)  # Art. 16: departments, townships, the park


@dataclass(frozen=True, eq=False)
class AppraisalScope:
    """The user's view of Chapters 4–5: the level, the units it reaches (``None`` = every unit,
    a superuser), the user's seat and county (``None`` without a seat; both read on first use,
    cached on the user for the request, so the API's lists pay no query for them)."""

    user: AnyUser
    level: Level
    ids: list[int] | None
    superuser: bool

    @cached_property
    def membership(self) -> Membership | None:
        return membership_of(self.user)

    @cached_property
    def county(self) -> Department | None:
        membership = self.membership
        return county_of(membership.department) if membership is not None else None

    # --- what the user may do -------------------------------------------------------------

    @property
    def keeper(self) -> bool:
        return self.level == "keep"

    @property
    def has_desk(self) -> bool:
        """The pages are the county safety committee's desk: a county keeper or reader, or a superuser."""
        if self.superuser:
            return True
        return self.level in ("keep", "read") and self.county is not None and self.county.level == Department.Level.COUNTY

    @property
    def can_grant(self) -> bool:
        # ``award_grant`` needs a department seat even from a superuser.
        m = self.membership
        return m is not None and (self.superuser or (m.department.kind == DepartmentKind.ORGANIZATION and m.rank == Rank.LEADER))

    @property
    def can_refer(self) -> bool:
        # A lead is filed on behalf of a department (``lead_create``): a seat is needed.
        return self.keeper and self.membership is not None

    # --- the row rules ----------------------------------------------------------------------

    def cadre_filter(self) -> Q:
        """Cadres holding a post (any, past or current) in the units."""
        if self.ids is None:
            return Q()
        return Q(Exists(Post.objects.filter(cadre=OuterRef("pk"), organization_id__in=self.ids)))

    def units(self) -> QuerySet[Department]:
        """What Art. 16 assesses and Art. 14 patrols: the county's departments, townships and park."""
        qs = Department.objects.filter(level__in=ASSESSED_LEVELS)
        qs = qs.filter(parent=self.county) if self.county is not None else qs.filter(parent__level=Department.Level.COUNTY)
        return qs.order_by("level", "id")

    def cadres(self, *, organizations: list[Department] | None = None) -> list[Cadre]:
        """Cadres with a post in the units (or in ``organizations``), each with its current
        posts prefetched for the labels: two queries."""
        qs = Cadre.objects.filter(self.cadre_filter())
        if organizations is not None:
            qs = qs.filter(Exists(Post.objects.filter(cadre=OuterRef("pk"), organization__in=organizations)))
        return list(qs.order_by("name", "id").prefetch_related(current_posts()))

    def cadre_rows(self) -> QuerySet[Cadre]:
        return Cadre.objects.filter(self.cadre_filter())

    def reward_candidate_cadre_ids(self) -> list[int] | None:
        """The cadres whose Art. 25 candidacy the user sees (``None`` = all)."""
        if self.ids is None:
            return None
        return list(self.cadre_rows().values_list("pk", flat=True))

    def assessments(self) -> QuerySet[AnnualAssessment]:
        """Results of a unit in scope, or of a cadre holding a post in one."""
        qs = AnnualAssessment.objects.all()
        if self.ids is None:
            return qs
        return qs.filter(
            Q(department_id__in=self.ids) | Q(cadre__in=Cadre.objects.filter(posts__organization_id__in=self.ids).values("pk"))
        )

    def patrols(self) -> QuerySet[Patrol]:
        """Keepers and readers: the patrols of their counties; ``own``: those that patrolled the department."""
        qs = Patrol.objects.all()
        if self.ids is None:
            return qs
        if self.level in ("keep", "read"):
            return qs.filter(county_id__in=self.ids)
        return qs.filter(targets__in=self.ids).distinct()

    def desk_patrols(self) -> QuerySet[Patrol]:
        """The pages' one county: :meth:`patrols` narrowed to the user's county (only narrower
        for a superuser with a seat, who may add findings only to those)."""
        qs = self.patrols()
        return qs if self.county is None else qs.filter(county=self.county)

    def interviews(self) -> QuerySet[Interview]:
        qs = Interview.objects.all()
        return qs if self.ids is None else qs.filter(department_id__in=self.ids)

    def awards(self) -> QuerySet[Award]:
        qs = Award.objects.all()
        if self.ids is None:
            return qs
        return qs.filter(cadre__in=Cadre.objects.filter(posts__organization_id__in=self.ids).values("pk"))

    def publications(self, year: int) -> QuerySet[Publication]:
        qs = Publication.objects.filter(year=year)
        return qs if self.county is None else qs.filter(county=self.county)


def appraisal_scope(user: AnyUser) -> AppraisalScope:
    """The one scope of Chapters 4–5 for ``user`` (see the module docstring)."""
    level, ids = ledger_scope(user)
    return AppraisalScope(
        user=user,
        level=LEVELS[level],
        ids=[] if level == "none" else ids,
        superuser=bool(getattr(user, "is_superuser", False)),
    )


def current_posts(to_attr: str = "current_posts") -> Prefetch[str, QuerySet[Post], str]:
    current = Post.objects.filter(end__isnull=True).select_related("organization").order_by("-start", "-id")
    return Prefetch("posts", queryset=current, to_attr=to_attr)
