"""The case page: subjects and the engine's assessment, the buttons of the transitions the user
may fire, open tasks and the process chart, the timeline, executions, referrals and appeals."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from cases.codes import DECIDED_STATES, FINDING_STATES, UNDER_INVESTIGATION_STATES, CaseState
from cases.models import Appeal, ExecutionTask, MeasureDecision, Referral
from cases.selectors import FULL
from cases.selectors.appeals import open_routes
from cases.selectors.materials import material_series
from cases.selectors.pages import case_page_related
from cases.selectors.transitions import available_transitions
from org.access import membership_of
from org.codes import Rank
from web.cases.forms import MaterialForm
from web.cases.helpers import case_for, interim_authority, is_member, latest_conclusions, may_record_filing
from web.cases.views.materials import may_write_materials
from web.common.charts import case_chart_svg
from web.common.labels import CAUTION, PRIMARY, TRANSITION_LABELS
from web.common.pages import (
    OPEN_TASK,
    case_timeline,
    decided_outcome,
    live_previews,
    open_case_tasks,
    stepper,
    subjects_with_records,
)
from workflows.flows import CaseFlow
from workflows.sync import process_of


@login_required
def case_detail(request, pk: int):
    case, access = case_for(request, pk, full=False)
    if access != FULL:
        return render(request, "web/cases/case_limited.html", {"case": case, "measures": decided_outcome(case)})
    user = request.user
    membership = membership_of(user)
    related = case_page_related(case)
    subjects = subjects_with_records(case)
    conclusions = latest_conclusions(subjects)
    previews = live_previews([s for s in subjects if s.pk not in conclusions])
    available = available_transitions(case, user)
    primary = PRIMARY.get(case.state)
    buttons = [
        {
            "name": n,
            "label": TRANSITION_LABELS[n],
            "style": "primary" if n == primary else ("caution" if n in CAUTION else ""),
        }
        for n in available
    ]
    buttons.sort(key=lambda b: (b["style"] != "primary", b["style"] == "caution"))
    tasks = open_case_tasks(case)
    team = list(case.team.all())
    owner_member = is_member(user, case.owner_department_id)
    interim_authority(subjects, case, membership)
    materials = material_series(case)
    versions = {m.pk: (m, item) for item in materials for m in (item.latest, *item.earlier)}
    for subject in subjects:
        finding = getattr(subject, "finding", None) if hasattr(subject, "finding") else None
        # The materials the findings cite, each with whether it was withdrawn or superseded.
        subject.cited_materials = [  # type: ignore[attr-defined]  # read by the template
            {"material": versions[i][0], "withdrawn": versions[i][1].withdrawn, "latest": versions[i][1].latest}
            for i in (finding.materials if finding is not None else [])
            if i in versions
        ]
        # What the template shows of each subject, set on the row it iterates.
        conclusion, preview = conclusions.get(subject.pk), previews.get(subject.pk)
        subject.conclusion = conclusion  # type: ignore[attr-defined]  # read by the template
        subject.preview = preview  # type: ignore[attr-defined]  # read by the template
        subject.engine = conclusion.output if conclusion else preview  # type: ignore[attr-defined]  # read by the template
        subject.active_measures = [  # type: ignore[attr-defined]  # read by the template
            m for m in subject.measures.all() if m.state != MeasureDecision.State.WITHDRAWN
        ]
    # A subject may appeal while one of the routes its decided measures open has none pending.
    appealable = [
        s
        for s in subjects
        if any(
            not any(a.subject_id == s.pk and a.route == r and a.state == Appeal.State.FILED for a in related["appeals"])
            for r in open_routes(s)
        )
    ]
    for task in related["executions"]:
        task.can_complete = (
            task.state == ExecutionTask.State.OPEN and membership is not None and membership.department_id == task.department_id
        )
    for appeal in related["appeals"]:
        appeal.can_decide = appeal.state == Appeal.State.FILED and is_member(user, appeal.deciding_department_id, leader=True)
    process = process_of(CaseFlow, case)
    return render(
        request,
        "web/cases/case_detail.html",
        {
            "case": case,
            "subjects": subjects,
            "buttons": buttons,
            "steps": stepper(case, related["events"]),
            "tasks": tasks,
            "chart": case_chart_svg(process, [t["task"] for t in tasks]),
            "timeline": case_timeline(case, related["events"]),
            "executions": related["executions"],
            "referrals": related["referrals"],
            # 问责建议 still waiting for their organ's decision (issue 14): who must still decide.
            "waiting_organs": [
                r.to_department
                for r in related["referrals"]
                if r.kind == Referral.Kind.RECOMMENDATION and r.state in (Referral.State.SENT, Referral.State.ACKNOWLEDGED)
            ]
            if case.state == CaseState.APPROVING
            else [],
            "blocking_referrals": [r for r in reversed(related["referrals"]) if r.blocks_end],
            "appeals": related["appeals"],
            "team": team,
            # A team's step (workflows.teams) is claimed by a member of the team or a leader.
            "may_claim_team_work": any(u.pk == user.pk for u in team) or bool(membership and membership.rank == Rank.LEADER),
            "can_findings": owner_member and case.state in FINDING_STATES,
            "can_file": may_record_filing(user, case),
            # Open and not yet decided: a subject without a 立案 is shown as such (no §52 bar yet).
            "subjects_open": case.state in UNDER_INVESTIGATION_STATES,
            "can_file_appeal": owner_member and case.state == CaseState.EXECUTING and appealable,
            "has_decision": case.state in DECIDED_STATES,
            "materials": materials,
            "can_materials": may_write_materials(user, case),
            "material_form": MaterialForm(prefix="material"),
            "membership": membership,
            "open_task_status": OPEN_TASK,
        },
    )
