"""Team work (issue 16 item 3): once ``accept`` gave a case its investigation team, the case's
next officer steps in the owning department belong to the team. ``workflows.sync`` and
``workflows.fast_path`` mark such a task ``data["team"] = True``; it then sits in every member's
inbox (``workflows.selectors.my_tasks``) until one member claims it, and not in the department
queue. Only a member of the team, or a leader of the department, may claim it
(``workflows.services.task_claim``)."""

from __future__ import annotations

from cases.models import Case


def team_work(case: Case, department_id: int | None, rank: str, *, has_team: bool | None = None) -> bool:
    """Whether a new step of ``case`` in ``department_id`` needing ``rank`` is the team's.
    ``has_team``: whether the case has a team, when the caller read it already (in the statement
    that found the open task: ``workflows.sync``); else it is asked here (one query)."""
    if rank != "officer" or department_id is None or department_id != case.owner_department_id:
        return False
    return case.team.exists() if has_team is None else has_team
