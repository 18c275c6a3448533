"""The rows of the duty ledger the API and the pages show: the catalog, a user's visible
records with their evidence, a cadre with its posts, the units a keeper may pick. Each is one
query (or a queryset the caller pages), whatever the number of rows."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet

from core.typing import AnyUser
from duties.models import DutyRecord, Evidence, Obligation
from duties.selectors.scope import ledger_scope, visible_cadres_q
from org.models import Cadre, Department, Post
from org.selectors import organizations_of

# The picker groups a county's units the way the seed names them: the county's own leaders,
# its working departments, then townships and the park.
PICKER_LEVELS = (Department.Level.COUNTY, Department.Level.DEPARTMENT, Department.Level.TOWNSHIP)


# --- the catalog ---------------------------------------------------------------------------------


def obligations(
    role: str | None = None, *, organ: str | None = None, rulebook: str | None = None, on: dt.date | None = None
) -> QuerySet[Obligation]:
    """The obligations catalog in its order, every rulebook's and every version; with ``role`` or
    ``organ`` only the duties that bind it, with ``rulebook`` only that rulebook's catalog, with
    ``on`` only the rows in force that day."""
    qs = Obligation.objects.order_by("position", "id")
    if rulebook:
        qs = qs.filter(rulebook=rulebook)
    if on is not None:
        qs = qs.filter(Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on)))
    if role or organ:
        # JSON containment is not portable to SQLite; the catalog is small.
        ids = [o.pk for o in qs if (not role or role in o.roles) and (not organ or organ in o.organs)]
        qs = qs.filter(pk__in=ids)
    return qs


def in_force(catalog: str | None, day: dt.date, *, activity: str | None = None) -> list[Obligation]:
    """The rows of rulebook ``catalog``'s catalog in force on ``day`` (``None``: no catalog, no
    rows), with ``activity`` only that activity's, in the catalog's order."""
    if catalog is None:
        return []
    qs = obligations(rulebook=catalog, on=day)
    return list(qs.filter(activity=activity) if activity else qs)


def obligation(pk: int) -> Obligation:
    """One obligation (``Obligation.DoesNotExist`` when there is none)."""
    return Obligation.objects.get(pk=pk)


# --- records and evidence ------------------------------------------------------------------------


def visible_units_q(user: AnyUser) -> Q:
    """Filter for the organ records ``user`` may read: those of an organ of a unit in scope."""
    level, ids = ledger_scope(user)
    if ids is None:
        return Q(cadre__isnull=True)
    if level == "none":
        return Q(pk__in=[])
    return Q(cadre__isnull=True, unit_id__in=ids)


def visible_records(
    user: AnyUser,
    *,
    cadre_id: int | None = None,
    obligation_id: int | None = None,
    unit_id: int | None = None,
    organ: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    with_voided: bool = True,
) -> QuerySet[DutyRecord]:
    """The duty records of the cadres whose ledger ``user`` may read, and of the organs in their
    scope, newest first, with their cadre, duty, post, organ and evidence; ``with_voided=False``
    hides withdrawn ones."""
    qs = DutyRecord.objects.select_related(
        "cadre", "obligation", "post__organization", "recorded_by", "unit", "kept_by"
    ).prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("id")))
    visible = Cadre.objects.filter(visible_cadres_q(user)).values("pk")
    qs = qs.filter(Q(cadre_id__in=visible) | visible_units_q(user))
    if cadre_id is not None:
        qs = qs.filter(cadre_id=cadre_id)
    if obligation_id is not None:
        qs = qs.filter(obligation_id=obligation_id)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    if organ:
        qs = qs.filter(organ=organ)
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


def record_organizations(record: DutyRecord) -> set[int]:
    """The organizations whose ledger holds ``record``: an organ record's unit, or every
    organization the cadre held a post in (the right to it is judged on these)."""
    if record.cadre_id is None:
        return {record.unit_id} if record.unit_id is not None else set()
    return organizations_of(record.cadre_id)


def unit_has_record(unit_ids: list[int], record_id: int) -> bool:
    return DutyRecord.objects.filter(pk=record_id, cadre__isnull=True, unit_id__in=unit_ids).exists()


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
