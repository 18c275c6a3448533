"""The execution tasks behind each branch of the case flow (Art. 34 routes), read by the flow's
branch conditions and by the listeners; apart from both so neither imports the other."""

from __future__ import annotations

from django.db.models import QuerySet

from cases.lifecycle import routing
from cases.lifecycle.routing import DECIDING, ROUTES, measures_routed_to
from cases.models import Case, ExecutionTask

# The flow's branch nodes: a measure branch per Art. 34 route, an archive branch per file.
BRANCHES = {
    "execute_organization": ("measure", routing.ORGANIZATION),
    "execute_discipline": ("measure", routing.DISCIPLINE),
    "execute_notice": ("measure", routing.DECIDING),
    "archive_integrity": ("archive", "integrity"),
    "archive_personnel": ("archive", "personnel"),
}
# The branch a measure's execution task waits in, by its route.
BRANCH_BY_ROUTE = {which: node for node, (kind, which) in BRANCHES.items() if kind == "measure"}


def branch_tasks(case: Case, node_name: str) -> QuerySet[ExecutionTask]:
    kind, which = BRANCHES[node_name]
    qs = ExecutionTask.objects.filter(case=case, kind=kind).exclude(state=ExecutionTask.State.CANCELLED)
    if kind == "archive":
        return qs.filter(archive=which)
    if which == DECIDING:  # everything not routed to another department
        elsewhere = [m for route in ROUTES if route != DECIDING for m in measures_routed_to(route)]
        return qs.exclude(measure__measure__in=elsewhere)
    return qs.filter(measure__measure__in=measures_routed_to(which))
