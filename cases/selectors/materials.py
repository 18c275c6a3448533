"""Reads of case materials (``cases.models.materials``): for those who see the case in full."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet

from cases.models import Case, CaseMaterial
from cases.selectors.cases import FULL, case_access
from core.typing import AnyUser


def materials_visible(user: AnyUser, case: Case) -> bool:
    """Everyone who sees the case in full may list and download its materials."""
    return case_access(case, user) == FULL


def materials_qs(case: Case | int) -> QuerySet[CaseMaterial]:
    """Every version of every material of the case, oldest series first, in version order."""
    return (
        CaseMaterial.objects.filter(case=case)
        .select_related("uploaded_by", "withdrawn_by", "superseded_by")
        .order_by("uploaded_at", "id")
    )


def material_or_none(case: Case | int, pk: int) -> CaseMaterial | None:
    return materials_qs(case).filter(pk=pk).first()


@dataclass
class MaterialSeries:
    """One material: its latest version and the earlier ones (newest first)."""

    latest: CaseMaterial
    earlier: list[CaseMaterial] = field(default_factory=list)

    @property
    def withdrawn(self) -> bool:
        return self.latest.withdrawn_at is not None


def material_series(case: Case | int) -> list[MaterialSeries]:
    """The case's materials, one entry per series in the order they were first added: one query."""
    by_series: dict[str, list[CaseMaterial]] = {}
    for material in materials_qs(case):
        by_series.setdefault(material.series, []).append(material)
    out = []
    for versions in by_series.values():
        versions.sort(key=lambda m: m.version, reverse=True)
        out.append(MaterialSeries(latest=versions[0], earlier=versions[1:]))
    return out


def materials_by_id(case: Case | int, ids: Iterable[int]) -> list[CaseMaterial]:
    """The given versions of the case's materials (others are ignored), in the order given."""
    wanted = [i for i in ids if isinstance(i, int)]
    if not wanted:
        return []
    found = {m.pk: m for m in materials_qs(case).filter(pk__in=wanted)}
    return [found[i] for i in wanted if i in found]
