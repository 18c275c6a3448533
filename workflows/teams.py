"""Team work (issue 16 item 3): once ``accept`` gave a case its investigation team, the case's
next officer steps in the owning department belong to the team. ``workflows.sync`` and
``workflows.fast_path`` mark such a task ``data["team"] = True``; it then sits in every member's
inbox (``workflows.selectors.my_tasks``) until one member claims it, and not in the department
queue. Only a member of the team, or a leader of the department, may claim it
(``workflows.services.task_claim``)."""

from __future__ import annotations

from cases.models import Case


def team_work(case: Case, department_id: int | None, rank: str) -> bool:
    """Whether a new step of ``case`` in ``department_id`` needing ``rank`` is the team's."""
    return rank == "officer" and department_id is not None and department_id == case.owner_department_id and case.team.exists()
