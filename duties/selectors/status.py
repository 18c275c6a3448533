"""A department's view of the duty ledger: who is behind in the period running now."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from duties.codes import Period
from duties.selectors.catalog import catalog_for
from duties.selectors.compliance import compliances
from org.models import Cadre, Department


def department_status(department: Department, on: dt.date) -> dict[str, Any]:
    """For each cadre holding a post in ``department`` on ``on``: the block of every duty that
    contains ``on``, done against required (a standing duty's block is the calendar year).
    Constant number of queries."""
    cadres = list(
        Cadre.objects.filter(
            Q(posts__organization=department) & Q(posts__start__lte=on) & (Q(posts__end__isnull=True) | Q(posts__end__gte=on))
        )
        .distinct()
        .order_by("name", "id")
    )
    # A standing duty (no frequency) has no block of its own: the one running now is the year.
    year = (dt.date(on.year, 1, 1), dt.date(on.year, 12, 31))
    results = compliances([c.pk for c in cadres], start=on, end=on, as_of=on, standing_block=year)
    rows = []
    for cadre in cadres:
        result = results[cadre.pk]
        duties = []
        for obligation in result["obligations"]:
            block = obligation["periods"][0]
            duties.append(
                {
                    "obligation": obligation["obligation"],
                    "code": obligation["code"],
                    "citation": obligation["citation"],
                    "activity": obligation["activity"],
                    "period": obligation["period"],
                    "start": block["start"],
                    "end": block["end"],
                    "required": block["required"],
                    "done": block["done"],
                    "status": block["status"],
                    # A standing duty is due over the whole year: nobody is behind on it before the
                    # year is over, and the year running now is never over.
                    "behind": block["done"] < block["required"] and obligation["period"] != Period.STANDING,
                }
            )
        rows.append(
            {
                "cadre": {"id": cadre.pk, "name": cadre.name},
                "roles": sorted({r for o in result["obligations"] for r in o["roles"]}),
                "behind": any(d["behind"] for d in duties),
                "duties": duties,
                # The post's catalog (issue 13); a post with none loaded has no duties to show,
                # which is not "on track".
                "catalogs": result["catalogs"],
                "no_catalog": result["no_catalog"],
            }
        )
    return {
        "on": on,
        "department": {"id": department.pk, "name": department.name},
        "catalog": catalog_for(department, on).as_dict(),
        "behind_count": sum(1 for r in rows if r["behind"]),
        "cadres": rows,
    }
