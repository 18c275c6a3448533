"""A stage-to-stage transition writes viewflow's rows itself (``workflows.fast_path``,
BENCH W1): the same lifecycles, run once that way and once through viewflow's own activations,
leave the same tasks — node, type, status, owner, token, queue data, which timestamps are set,
and the links between tasks — in every process of the case."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from viewflow.workflow.models import Process, Task

import workflows.fast_path
import workflows.sync
from cases.codes import CaseState
from cases.models import Case, ExecutionTask
from cases.services.executions import execution_complete
from cases.services.lifecycle import case_transition
from cases.services.referrals import referral_move
from cases.tests.scenarios import ACCIDENT_FINDING, TEAM, new_lead
from core.persistence import local_today
from workflows.flows import CaseFlow
from workflows.services import task_claim
from workflows.sync import open_tasks, process_of

pytestmark = pytest.mark.django_db


def _through_viewflow(task, case, user):
    process = task.process
    process.artifact = case
    workflows.sync.complete(task, user)
    workflows.sync.stamp(process)


def _full_lifecycle(world) -> list[Case]:
    """Intake claimed by one officer and done by another, hold, accept, findings, a rejection and
    a second proposal, approval, delivery into the execution branches, execution, closing; and
    a lead transferred to the organization department and taken up there."""
    u = world.users
    officer, leader = u["discipline_officer"], u["discipline_leader"]

    def fire(case, name, user=officer, **payload):
        case_transition(case_id=case.pk, name=name, payload=payload, acting_user=user)

    case = new_lead(world)
    task_claim(task_id=open_tasks(process_of(CaseFlow, case), "intake").get().pk, acting_user=u["discipline_officer2"])
    fire(case, "hold", reason="线索笼统")
    fire(case, "accept", **TEAM)
    from cases.services.findings import finding_put

    for subject in case.subjects.all():
        finding_put(case_id=case.pk, subject_id=subject.pk, data=dict(ACCIDENT_FINDING), acting_user=officer)
    fire(case, "submit_findings")
    fire(case, "conclude")
    measures = [{"subject": s.pk, "measure": "admonishment"} for s in case.subjects.all()]
    fire(case, "propose", measures=measures)
    fire(case, "reject", leader, reason="问责方式需再研究")
    fire(case, "propose", measures=measures)
    fire(case, "approve", leader)
    fire(case, "deliver", delivered_on=local_today().isoformat())
    for task in ExecutionTask.objects.filter(case=case).order_by("pk"):
        executor = u["organization_officer"] if task.department.kind == "organization" else officer
        execution_complete(task_id=task.pk, acting_user=executor)
    fire(case, "close")

    transferred = new_lead(world)
    fire(transferred, "transfer", to_department=world.departments["pl-organization"].pk, reason="属组织处理范围")
    referral = transferred.referrals.get()
    referral_move(referral_id=referral.pk, move="acknowledge", acting_user=u["organization_officer"])
    referral_move(referral_id=referral.pk, move="accept", acting_user=u["organization_officer"])
    fire(transferred, "inquire", u["organization_officer"])
    return [Case.objects.get(pk=case.pk), Case.objects.get(pk=transferred.pk)]


def _graph(case: Case) -> list[list[tuple]]:
    """The tasks of every process about the case, ids replaced by positions."""
    graphs = []
    processes = Process.objects.filter(data__case=case.pk).order_by("pk")
    for process in processes:
        tasks = list(Task.objects.filter(process=process).select_related("owner").order_by("pk"))
        position = {t.pk: i for i, t in enumerate(tasks)}
        rows = []
        for t in tasks:
            data = dict(t.data)
            if "case" in data:
                data["case"] = data["case"] == case.pk
            for key in ("referral", "appeal"):
                data.pop(key, None)
            rows.append(
                (
                    t.flow_task.name,
                    t.flow_task_type,
                    t.status,
                    t.owner.username if t.owner_id else None,
                    # a split's token names the split task and the branch's number, which
                    # viewflow draws from a set: keep the split's position only
                    re.sub(r"/(\d+)_\d+", lambda m, position=position: f"/{position[int(m.group(1))]}", str(t.token)),
                    tuple(sorted(data.items())),
                    t.assigned is not None,
                    t.started is not None,
                    t.finished is not None,
                    tuple(sorted(position[p.pk] for p in t.previous.all())),
                )
            )
        graphs.append((process.flow_class.__name__, process.status, rows))
    return graphs


def test_the_fast_path_leaves_the_rows_viewflow_leaves(world, monkeypatch):
    fast = [_graph(case) for case in _full_lifecycle(world)]
    monkeypatch.setattr(workflows.fast_path, "stage_to_stage", _through_viewflow)
    slow = [_graph(case) for case in _full_lifecycle(world)]
    differences = [
        (c, p, i, f_row, s_row)
        for c, (f_case, s_case) in enumerate(zip(fast, slow, strict=True))
        for p, (f_proc, s_proc) in enumerate(zip(f_case, s_case, strict=True))
        for i, (f_row, s_row) in enumerate(zip(f_proc[2], s_proc[2], strict=False))
        if f_row != s_row
    ]
    assert not differences, differences[:3]
    assert fast == slow
    # the comparison saw the paths that matter: a reassigned intake, a rejection, the branches
    case_flow = fast[0][0][2]
    nodes = [row[0] for row in case_flow]
    assert nodes.count("proposal") == 2 and "execute_organization" in nodes and nodes[-1] == "end"
    assert case_flow[2][:4] == ("intake", "HUMAN", "DONE", "discipline_officer")
    assert (
        fast[1][0][2][-1][0] == "inquiry" and dict(fast[1][0][2][-1][5])["department"] == world.departments["pl-organization"].pk
    )


def test_a_stage_to_stage_transition_writes_the_tasks_in_two_statements_on_postgresql(world):
    case = new_lead(world)
    officer = world.users["discipline_officer"]
    with CaptureQueriesContext(connection) as queries:
        case_transition(case_id=case.pk, name="inquire", payload={}, acting_user=officer)
    task_sql = [q["sql"] for q in queries if "viewflow_" in q["sql"]]
    # find the stage; then finish it, add route + next and link them: one WITH on PostgreSQL,
    # three statements on SQLite (no data-modifying WITH)
    assert len(task_sql) == (2 if connection.vendor == "postgresql" else 4), task_sql
    assert [t.flow_task.name for t in open_tasks(process_of(CaseFlow, case))] == ["inquiry"]
    assert Case.objects.get(pk=case.pk).state == CaseState.INQUIRING
