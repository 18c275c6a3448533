"""The rows of the duty ledger the API and the pages show: the catalog, a user's visible
records with their evidence, a cadre with its posts, the units a keeper may pick. Each is one
query (or a queryset the caller pages), whatever the number of rows."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet

from core.typing import AnyUser
from duties.models import DutyRecord, Evidence, Obligation
from duties.selectors.scope import visible_cadres_q
from org.models import Cadre, Department, Post

# The picker groups a county's units the way the seed names them: the county's own leaders,
# its working departments, then townships and the park.
PICKER_LEVELS = (Department.Level.COUNTY, Department.Level.DEPARTMENT, Department.Level.TOWNSHIP)


# --- the catalog ---------------------------------------------------------------------------------


def obligations(role: str | None = None) -> QuerySet[Obligation]:
    """The obligations catalog in its order; with ``role``, only the duties that bind it."""
    qs = Obligation.objects.order_by("position", "id")
    if role:
        # JSON containment is not portable to SQLite; the catalog is small.
        ids = [o.pk for o in qs if role in o.roles]
        qs = qs.filter(pk__in=ids)
    return qs


def obligation(pk: int) -> Obligation:
    """One obligation (``Obligation.DoesNotExist`` when there is none)."""
    return Obligation.objects.get(pk=pk)


# --- records and evidence ------------------------------------------------------------------------


def visible_records(
    user: AnyUser,
    *,
    cadre_id: int | None = None,
    obligation_id: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    with_voided: bool = True,
) -> QuerySet[DutyRecord]:
    """The duty records of the cadres whose ledger ``user`` may read, newest first, with their
    cadre, duty, post and evidence; ``with_voided=False`` hides withdrawn ones."""
    qs = DutyRecord.objects.select_related("cadre", "obligation", "post__organization", "recorded_by").prefetch_related(
        Prefetch("evidence", queryset=Evidence.objects.order_by("id"))
    )
    visible = Cadre.objects.filter(visible_cadres_q(user)).values("pk")
    qs = qs.filter(cadre_id__in=visible)
    if cadre_id is not None:
        qs = qs.filter(cadre_id=cadre_id)
    if obligation_id is not None:
        qs = qs.filter(obligation_id=obligation_id)
    if since is not None:
        qs = qs.filter(date__gte=since)
    if until is not None:
        qs = qs.filter(date__lte=until)
    if not with_voided:
        qs = qs.filter(voided_at__isnull=True)
    return qs.order_by("-date", "-id")


def record(pk: int) -> DutyRecord:
    """One duty record as stored (``DutyRecord.DoesNotExist`` when there is none)."""
    return DutyRecord.objects.get(pk=pk)


def cadre_has_record(cadre_id: int, record_id: int) -> bool:
    return DutyRecord.objects.filter(pk=record_id, cadre_id=cadre_id).exists()


def cadre_records(cadre_id: int, year: int) -> list[DutyRecord]:
    """A cadre's records dated in ``year``, withdrawn ones too, newest first, with who recorded
    and withdrew them, the post and the evidence (three queries)."""
    return list(
        DutyRecord.objects.filter(cadre_id=cadre_id, date__range=(dt.date(year, 1, 1), dt.date(year, 12, 31)))
        .select_related("obligation", "recorded_by", "voided_by", "post__organization")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("id")))
        .order_by("-date", "-id")
    )


def evidence(record_id: int, pk: int) -> Evidence | None:
    """An evidence file of a record, with the record; ``None`` when it is not that record's."""
    return Evidence.objects.select_related("record").filter(pk=pk, record_id=record_id).first()


# --- cadres and units ----------------------------------------------------------------------------


def cadres() -> QuerySet[Cadre]:
    """Every cadre: the caller picks one (``get_object_or_404``) and checks the right to its ledger."""
    return Cadre.objects.all()


def cadres_with_posts() -> QuerySet[Cadre]:
    """Cadres with their posts, the latest first, and each post's organization."""
    posts = Post.objects.select_related("organization").order_by("-start", "-id")
    return Cadre.objects.prefetch_related(Prefetch("posts", queryset=posts))


def departments() -> QuerySet[Department]:
    """Every department: the caller picks one and checks the right to its ledger."""
    return Department.objects.all()


def department_exists(pk: int) -> bool:
    return Department.objects.filter(pk=pk).exists()


def picker_units(scope_ids: list[int] | None) -> list[Department]:
    """The units a keeper or reader may look at (``None``: every one), in the picker's order:
    county, departments, townships (one query)."""
    units = Department.objects.filter(level__in=PICKER_LEVELS)
    if scope_ids is not None:
        units = units.filter(pk__in=scope_ids)
    order = {lvl.value: i for i, lvl in enumerate(PICKER_LEVELS)}
    return sorted(units, key=lambda d: (order[d.level], d.pk))
