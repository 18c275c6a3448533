"""Who sees what of Chapters 4–5 on the pages: ``appraisal.selectors.scope.appraisal_scope``, the
one the API uses too, with the pages' desk check on top (``AppraisalScope.has_desk``): the
safety committee of Chapters 4–5 is the county's (县安委会), so the pages show one county, the
user's, to its organization department, emergency management and discipline organ.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from appraisal.selectors.scope import AppraisalScope, appraisal_scope
from core.persistence import local_today
from web.appraisal.forms import YearForm

NO_ACCESS = gettext_lazy(
    "The assessment, patrol, 约谈 and reward pages are open to the county's organization department, emergency management and discipline organ."
)
KEEPERS_ONLY = gettext_lazy("Only the organization department or emergency management may record this.")
GRANTERS_ONLY = gettext_lazy("Only a leader of the organization department may grant awards (按照干部管理权限).")


# --- who sees what ---------------------------------------------------------------------------

Scope = AppraisalScope  # the pages' name for it


def scope_of(request: HttpRequest) -> AppraisalScope:
    """The user's ``appraisal_scope``; 403 unless it has a desk: the user belongs to a county's
    organization department, emergency management or discipline organ (or is a superuser). A
    city or regional organ is not the county's safety committee, nor its discipline organ."""
    scope = appraisal_scope(request.user)
    if not scope.has_desk:
        raise PermissionDenied(str(NO_ACCESS))
    return scope


def require_keeper(scope: AppraisalScope) -> None:
    if not scope.keeper:
        raise PermissionDenied(str(KEEPERS_ONLY))


def requested_year(request: HttpRequest, default: int | Callable[[], int]) -> tuple[YearForm, int]:
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


def with_year(name: str, year: int, **kwargs: int) -> str:
    return f"{reverse(name, kwargs=kwargs or None)}?{urlencode({'year': year})}"
