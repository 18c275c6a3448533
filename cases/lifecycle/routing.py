"""Art. 34 / PRODUCT §1.4: who carries out a decided measure. One function, read by the
execution tasks (``cases``), the flow's execution branches and the tasks' queues (``workflows``).

Sanctions (处分) go to the discipline organ, organizational measures and 诫勉 to the organization
department, a circulated notice (通报) stays with the department that decided it.
"""

from __future__ import annotations

from cases.codes import EXECUTED_BY_ORGANIZATION, MEASURE_ORDER
from org.codes import DepartmentKind

# The route of a measure: a department kind near the deciding department, or the deciding
# department itself. The values double as the flow's branch keys (``workflows.branches.BRANCHES``).
DISCIPLINE = DepartmentKind.DISCIPLINE.value
ORGANIZATION = DepartmentKind.ORGANIZATION.value
DECIDING = "deciding"
ROUTES = (ORGANIZATION, DISCIPLINE, DECIDING)


def execution_route(measure: str) -> str:
    """``"discipline"``, ``"organization"`` or ``"deciding"`` for an Art. 27 measure code."""
    if measure == "sanction":
        return DISCIPLINE
    if measure in EXECUTED_BY_ORGANIZATION:
        return ORGANIZATION
    return DECIDING


def measures_routed_to(route: str) -> tuple[str, ...]:
    """The Art. 27 measure codes ``execution_route`` sends to ``route``, in the seed's order."""
    return tuple(m for m in MEASURE_ORDER if execution_route(m) == route)
