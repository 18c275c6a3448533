"""Chapter 5 rewards (Art. 25), the reads: who is a candidate for which award. One excellent
assessment year → 通报嘉奖; three consecutive excellent years → 记功; neither while the cadre may
not receive awards (the Art. 28 veto, an influence period, an investigation:
``cases.services.records``). The grant is ``appraisal.services.rewards``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from appraisal.codes import AwardKind
from appraisal.models import AnnualAssessment, Award
from cases.selectors.records import cadre_records
from core.persistence import local_today
from org.models import Cadre

BASIS = {
    AwardKind.COMMENDATION: "细则第二十五条：安全生产工作一个年度考核成绩为优秀的，给予通报嘉奖",
    AwardKind.MERIT: "细则第二十五条：连续三个年度考核成绩为优秀的，给予记功",
}


def candidates(year: int, *, cadre_ids: list[int] | None = None, on: dt.date | None = None) -> list[dict[str, Any]]:
    """Every cadre with an excellent result for ``year``: the award it calls for and, if the
    cadre may not receive awards on ``on``, the blocking reasons. Constant number of queries."""
    on = on or local_today()
    qs = AnnualAssessment.objects.filter(cadre__isnull=False, year__in=[year - 2, year - 1, year], grade__excellent=True)
    if cadre_ids is not None:
        qs = qs.filter(cadre_id__in=cadre_ids)
    excellent: dict[int, set[int]] = defaultdict(set)
    for cadre_id, y in qs.values_list("cadre_id", "year"):
        excellent[cadre_id].add(y)
    ids = sorted(c for c, years in excellent.items() if year in years)
    cadres = list(Cadre.objects.filter(pk__in=ids).order_by("id"))
    records = {r["cadre"]["id"]: r for r in cadre_records(cadres, on)}
    granted = dict(Award.objects.filter(cadre_id__in=ids, year=year).values_list("cadre_id", "kind"))
    # A year already counted in a 记功 is not counted again: the next merit needs three new years.
    merited = set(
        Award.objects.filter(cadre_id__in=ids, kind=AwardKind.MERIT, year__in=[year - 2, year - 1]).values_list(
            "cadre_id", flat=True
        )
    )
    out = []
    for cadre in cadres:
        years = excellent[cadre.pk]
        streak = {year - 2, year - 1, year} <= years and cadre.pk not in merited
        kind = AwardKind.MERIT if streak else AwardKind.COMMENDATION
        record = records[cadre.pk]
        blocking = [b for b in record["blocking"] if "awards" in b["applies_to"]]
        out.append(
            {
                "cadre": {"id": cadre.pk, "name": cadre.name},
                "year": year,
                "kind": kind.value,
                "kind_label": str(kind.label),
                "excellent_years": sorted(y for y in years if y <= year),
                "basis": BASIS[kind],
                "eligible": not blocking,
                "blocking": blocking,
                "granted": granted.get(cadre.pk),
            }
        )
    return out
