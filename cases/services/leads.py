"""Taking in a lead (PRODUCT §1.6, "create lead"; Art. 34: agencies hand leads over)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.codes import CaseState
from cases.models import Accident, Case, CaseNumberCounter, CaseSubject
from cases.rules.engine import CIRCUMSTANCES
from cases.search import case_search_refresh
from cases.services.common import case_event_record
from core.errors import field_error
from core.hooks import workflow_event
from core.persistence import lock, save_with_history
from core.typing import Actor
from org.access import department_of_kind, require_membership
from org.codes import DepartmentKind
from org.jurisdiction import OUTSIDE_ROUTES, cadres_visible_q, route_allowed
from org.models import Cadre, Department, Post


def next_case_number(year: int) -> str:
    """``ZR-2026-0001``: a per-year sequence taken under a row lock."""
    CaseNumberCounter.objects.get_or_create(year=year)
    counter = lock(CaseNumberCounter, year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"ZR-{year}-{counter.last:04d}"


def current_post(cadre: Cadre, day: dt.date | None = None) -> Post | None:
    day = day or timezone.localdate()
    for post in sorted(cadre.posts.all(), key=lambda p: (p.start, p.pk), reverse=True):
        if post.held_on(day):
            return post
    return None


@transaction.atomic
def lead_create(
    *,
    acting_user: Actor,
    title: str,
    facts: str,
    source_kind: str,
    subjects: list[Cadre],
    target_department: Department | None = None,
    accident: Accident | None = None,
    circumstances: list[str] | None = None,
) -> Case:
    """Create a case in ``received``. It goes to the county's discipline organ unless the caller
    names a target; the caller's department is the source and may follow status and outcome."""
    membership = require_membership(acting_user)
    source = membership.department
    if not subjects:
        raise field_error("subjects", _("Name at least one cadre."))
    if len({c.pk for c in subjects}) != len(subjects):
        raise field_error("subjects", _("A cadre is listed twice."))
    codes = list(circumstances or [])
    unknown = [c for c in codes if c not in CIRCUMSTANCES]
    if unknown:
        raise field_error("circumstances", _("Unknown circumstance code(s): %(codes)s") % {"codes": ", ".join(map(str, unknown))})

    visible = set(
        Cadre.objects.filter(cadres_visible_q(acting_user), pk__in=[c.pk for c in subjects]).values_list("pk", flat=True)
    )
    hidden = [c.pk for c in subjects if c.pk not in visible]
    if hidden:
        raise field_error("subjects", _("Unknown cadre id(s): %(ids)s") % {"ids": ", ".join(map(str, hidden))})
    if target_department is not None:
        managing = set(Post.objects.filter(cadre__in=subjects, end__isnull=True).values_list("managing_authority_id", flat=True))
        if not route_allowed(source, target_department, managing_ids=managing):
            raise field_error("target_department", OUTSIDE_ROUTES % {"d": target_department.name})
    owner = target_department or department_of_kind(DepartmentKind.DISCIPLINE, near=source)
    now = timezone.now()
    case: Case = Case(
        number=next_case_number(timezone.localdate(now).year),
        title=title,
        facts=facts,
        source_kind=source_kind,
        source_department=source,
        owner_department=owner,
        accident=accident,
        circumstances=[c for c in CIRCUMSTANCES if c in codes],
        created_by=acting_user,
        created_at=now,
    )
    save_with_history(case, acting_user=acting_user, reason="lead")
    for cadre in subjects:
        subject = CaseSubject(case=case, cadre=cadre, post=current_post(cadre))
        save_with_history(subject, acting_user=acting_user, reason="lead")
    case_search_refresh(case)
    case_event_record(
        case=case,
        kind="lead",
        acting_user=acting_user,
        to_state=CaseState.RECEIVED,
        payload={
            "source_department": source.pk,
            "owner_department": owner.pk,
            "subjects": [c.pk for c in subjects],
            "source_kind": source_kind,
        },
    )
    workflow_event("case_created", case=case, acting_user=acting_user)
    return case
