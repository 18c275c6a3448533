"""The organs of a county and their compliance (issue 13; 第十四条、第十六条、第十七条).

An organ is found by its unit, the department row whose organ it is (``duties.codes.Organ``):
the county's safety committee and its government have the county as their unit, a park's
management committee the park. The committee's records are kept by its office, the county's
emergency management department (安委会办公室); the others' by the keeper who records them
(``duties.services.ledger.organ_record_create``).

An organ is measured like a cadre (``compliance.compute(..., by="organs")``): the organ "holds"
itself for as long as its unit exists, cut where the catalog measuring the unit changes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from duties.codes import Organ
from duties.models import DutyRecord, Evidence
from duties.selectors.catalog import Catalogs
from duties.selectors.compliance import (
    ObligationRow,
    PostRow,
    RecordRow,
    compute,
    describe,
    measured_rows,
    obligation_rows,
    reach,
    two_year_anchor,
    window_for_year,
)
from org.access import JURISDICTION_LEVELS
from org.codes import DepartmentKind
from org.jurisdiction import unit_ids
from org.models import Department

# The department that is an organ's office and keeps its records, by kind, under the organ's
# unit. PRODUCT ("Who uses it"): emergency management is the office of the county safety
# committee (安委会); the demo's 平罗县应急管理局 is named "（县安委会办公室）".
OFFICE_KIND = {Organ.COUNTY_SAFETY_COMMITTEE: DepartmentKind.EMERGENCY}

# The day an organ is taken to exist from: earlier than any rulebook, so that only the catalog
# decides when it is measured.
ALWAYS = dt.date(2000, 1, 1)


def organs_of(unit: Department) -> list[str]:
    """The organs whose unit is ``unit``: a county's committee and government, a park's committee."""
    if unit.level == Department.Level.COUNTY:
        return [Organ.COUNTY_SAFETY_COMMITTEE, Organ.COUNTY_GOVERNMENT]
    if unit.kind == DepartmentKind.PARK:
        return [Organ.PARK_COMMITTEE]
    return []


def organ_units(department: Department) -> list[Department]:
    """``department`` if it has organs, and for a jurisdiction every unit of it that has (the
    parks), in id order (one query)."""
    if department.level not in JURISDICTION_LEVELS:
        return [department] if organs_of(department) else []
    units = Department.objects.filter(
        Q(level=Department.Level.COUNTY) | Q(kind=DepartmentKind.PARK), pk__in=unit_ids(department)
    ).order_by("id")
    return [unit for unit in units if organs_of(unit)]


def offices(units: list[Department]) -> dict[tuple[str, int], Department]:
    """(organ, unit id) → the department that is the organ's office (one query)."""
    kinds = set(OFFICE_KIND.values())
    found: dict[tuple[str, int], Department] = {}
    rows = list(Department.objects.filter(parent_id__in=[u.pk for u in units], kind__in=kinds).order_by("id"))
    for unit in units:
        for organ in organs_of(unit):
            kind = OFFICE_KIND.get(Organ(organ))
            office = next((d for d in rows if d.parent_id == unit.pk and d.kind == kind), None) if kind else None
            if office is not None:
                found[(organ, unit.pk)] = office
    return found


def office_of(organ: str, unit: Department) -> Department | None:
    return offices([unit]).get((organ, unit.pk))


def organ_compliance(
    department: Department, *, start: dt.date, end: dt.date, as_of: dt.date, obligations: list[ObligationRow] | None = None
) -> list[dict[str, Any]]:
    """For each organ of ``department`` (a county: its committee, its government, each park's
    committee): the blocks of every duty bound to it, as ``compute`` gives them for a cadre,
    with the catalog used and the office keeping its records. A constant number of queries."""
    units = organ_units(department)
    obligations = obligation_rows() if obligations is None else obligations
    catalogs = Catalogs()
    bounds = reach(start, end)
    lo = min(start, dt.date(start.year - 1, 1, 1))
    hi = max(end, dt.date(end.year + 1, 12, 31))
    records: dict[tuple[str, int], list[RecordRow]] = defaultdict(list)
    for unit_id, organ, obligation_id, day in DutyRecord.objects.filter(
        unit_id__in=[u.pk for u in units], voided_at__isnull=True, date__range=(lo, hi)
    ).values_list("unit_id", "organ", "obligation_id", "date"):
        records[(organ, unit_id)].append(RecordRow(obligation_id, day))
    office = offices(units)
    anchor = two_year_anchor()
    out = []
    for unit in units:
        for organ in organs_of(unit):
            rows: list[PostRow] = measured_rows(organ, ALWAYS, None, unit.pk, catalogs, bounds)
            result = compute(
                obligations,
                rows,
                records.get((organ, unit.pk), []),
                start=start,
                end=end,
                as_of=as_of,
                two_year_anchor=anchor,
                by="organs",
            )
            keeper = office.get((organ, unit.pk))
            out.append(
                {
                    "organ": organ,
                    "organ_label": str(Organ(organ).label),
                    "unit": {"id": unit.pk, "name": unit.name},
                    "office": {"id": keeper.pk, "name": keeper.name} if keeper else None,
                    **describe(result, catalogs),
                }
            )
    return out


def organ_compliance_for_year(department: Department, *, year: int, as_of: dt.date) -> dict[str, Any]:
    start, end = window_for_year(year)
    return {
        "year": year,
        "as_of": as_of,
        "department": {"id": department.pk, "name": department.name},
        "organs": organ_compliance(department, start=start, end=end, as_of=as_of),
    }


def organ_records(department: Department, year: int) -> QuerySet[DutyRecord]:
    """The organ records of ``department``'s organs dated in ``year``, withdrawn ones too, newest
    first, with who recorded and withdrew them, the office and the evidence."""
    return (
        DutyRecord.objects.filter(
            unit_id__in=[u.pk for u in organ_units(department)],
            date__range=(dt.date(year, 1, 1), dt.date(year, 12, 31)),
        )
        .select_related("obligation", "recorded_by", "voided_by", "unit", "kept_by")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("id")))
        .order_by("-date", "-id")
    )
