"""Who sees what of Chapters 4–5 (``duties.selectors.scope``): the organization department and
emergency management keep these records, the discipline organ reads them. The safety committee of
Chapters 4–5 is the county's (县安委会), so the pages show one county: the user's.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from appraisal.models import AnnualAssessment, Patrol
from core.persistence import local_today
from duties.selectors.scope import READERS, ledger_scope
from org.access import county_of, membership_of
from org.codes import DepartmentKind, Rank
from org.models import Cadre, Department, Membership, Post
from web.appraisal.forms import YearForm

ASSESSED_LEVELS = (Department.Level.DEPARTMENT, Department.Level.TOWNSHIP)  # Art. 16: departments, townships, the park

NO_ACCESS = gettext_lazy(
    "The assessment, patrol, 约谈 and reward pages are open to the county's organization department, emergency management and discipline organ."
)
KEEPERS_ONLY = gettext_lazy("Only the organization department or emergency management may record this.")
GRANTERS_ONLY = gettext_lazy("Only a leader of the organization department may grant awards (按照干部管理权限).")


# --- who sees what ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The user's view of Chapters 4–5: one county (``None`` for a superuser without a seat,
    who sees every county) and whether the user keeps the records or only reads them."""

    keeper: bool
    county: Department | None
    ids: list[int] | None  # the county and every unit under it; None = everything
    membership: Membership | None
    superuser: bool

    @property
    def can_grant(self) -> bool:
        # ``award_grant`` needs a department seat even from a superuser.
        m = self.membership
        return m is not None and (self.superuser or (m.department.kind == DepartmentKind.ORGANIZATION and m.rank == Rank.LEADER))

    @property
    def can_refer(self) -> bool:
        # A lead is filed on behalf of a department (``lead_create``): a seat is needed.
        return self.keeper and self.membership is not None

    def units(self):
        """What Art. 16 assesses and Art. 14 patrols: the county's departments, townships and park."""
        qs = Department.objects.filter(level__in=ASSESSED_LEVELS)
        qs = qs.filter(parent=self.county) if self.county is not None else qs.filter(parent__level=Department.Level.COUNTY)
        return qs.order_by("level", "id")

    def cadre_filter(self) -> Q:
        if self.ids is None:
            return Q()
        return Q(Exists(Post.objects.filter(cadre=OuterRef("pk"), organization_id__in=self.ids)))

    def cadres(self, *, organizations=None) -> list[Cadre]:
        """Cadres with a post in the county (or in ``organizations``), each with its current
        posts prefetched for the labels: two queries."""
        qs = Cadre.objects.filter(self.cadre_filter())
        if organizations is not None:
            qs = qs.filter(Exists(Post.objects.filter(cadre=OuterRef("pk"), organization__in=organizations)))
        return list(qs.order_by("name", "id").prefetch_related(current_posts()))

    def patrols(self):
        qs = Patrol.objects.all()
        return qs if self.county is None else qs.filter(county=self.county)

    def assessments(self):
        qs = AnnualAssessment.objects.all()
        return qs if self.ids is None else qs.filter(department_id__in=self.ids)


def current_posts(to_attr: str = "current_posts") -> Prefetch:
    current = Post.objects.filter(end__isnull=True).select_related("organization").order_by("-start", "-id")
    return Prefetch("posts", queryset=current, to_attr=to_attr)


def scope_of(request) -> Scope:
    """403 unless the user belongs to a county's organization department, emergency
    management or discipline organ (or is a superuser)."""
    user = request.user
    membership = membership_of(user)
    if user.is_superuser:
        county = county_of(membership.department) if membership else None
        return Scope(True, county, None, membership, True)
    if membership is None or membership.department.kind not in READERS:
        raise PermissionDenied(str(NO_ACCESS))
    county = county_of(membership.department)
    # A city or regional organ is not the county's safety committee, nor its discipline organ.
    if county.level != Department.Level.COUNTY:
        raise PermissionDenied(str(NO_ACCESS))
    level, ids = ledger_scope(user)
    if level not in ("keep", "read"):
        raise PermissionDenied(str(NO_ACCESS))
    return Scope(level == "keep", county, ids, membership, False)


def require_keeper(scope: Scope) -> None:
    if not scope.keeper:
        raise PermissionDenied(str(KEEPERS_ONLY))


def requested_year(request, default) -> tuple[YearForm, int]:
    """The year asked for in ``?year=``; without one (or with an invalid one, reported on the
    form) the default, a number or a function computing it."""
    this_year = local_today().year

    def fallback() -> int:
        return default() if callable(default) else default

    if "year" not in request.GET:
        year = fallback()
        return YearForm(initial={"year": year}, this_year=this_year), year
    form = YearForm(request.GET, this_year=this_year)
    if form.is_valid():
        return form, form.cleaned_data["year"]
    return form, fallback()


def with_year(name: str, year: int, **kwargs) -> str:
    return f"{reverse(name, kwargs=kwargs or None)}?{urlencode({'year': year})}"
