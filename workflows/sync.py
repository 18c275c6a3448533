"""Keep the flows in step with the domain: the services report what they did, and this module
starts processes and completes the matching tasks, inside the service's transaction.

Each task carries in ``task.data`` the department whose queue it sits in and the rank it needs,
so the inbox and queue are plain indexed reads (``workflows.selectors``).
"""

from __future__ import annotations

from typing import cast

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, QuerySet
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from cases.codes import CaseState
from cases.lifecycle.routing import DECIDING, execution_route
from cases.models import Appeal, Case, ExecutionTask, MeasureDecision, Referral
from core.hooks import on_workflow_event
from org.access import department_of_kind
from org.codes import DepartmentKind
from workflows import fast_path
from workflows.branches import BRANCH_BY_ROUTE, BRANCHES, branch_tasks
from workflows.flows import LEADER_NODES, STAGE_BY_STATE, AppealFlow, CaseFlow, ReferralFlow
from workflows.teams import team_work

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
# The archive branches' departments; a measure branch's is its route's (Art. 34).
ARCHIVE_DEPARTMENT = {"archive_integrity": DepartmentKind.DISCIPLINE, "archive_personnel": DepartmentKind.ORGANIZATION}


def branch_of(task: ExecutionTask) -> str:
    if task.kind == ExecutionTask.Kind.ARCHIVE:
        return f"archive_{task.archive}"
    measure = cast(MeasureDecision, task.measure)  # not None: only archive tasks have no measure
    return BRANCH_BY_ROUTE[execution_route(measure.measure)]


def process_of(flow_class, artifact) -> Process | None:
    return (
        Process.objects.filter(
            flow_class=flow_class,
            artifact_content_type=ContentType.objects.get_for_model(type(artifact)),
            artifact_object_id=artifact.pk,
        )
        .order_by("-pk")
        .first()
    )


def open_tasks(process: Process | None, *node_names: str) -> QuerySet[Task]:
    if process is None:
        return Task.objects.none()
    qs = Task.objects.filter(process=process, status__in=OPEN)
    if node_names:
        flow_class = process.flow_class
        qs = qs.filter(flow_task__in=[getattr(flow_class, name) for name in node_names])
    return qs.order_by("pk")


def complete(task: Task, user) -> None:
    """Complete a human task as ``user`` (who did the step), creating the next tasks."""
    with task.activation() as activation:
        if task.status == STATUS.NEW:
            activation.assign(user)
        elif task.status == STATUS.ASSIGNED and task.owner_id != user.pk:
            activation.reassign(user)
        if task.status == STATUS.ASSIGNED:
            activation.start(None)
        activation.execute()


def _department_for(process: Process, task: Task):
    artifact = process.artifact
    name = task.flow_task.name
    if isinstance(artifact, Case):
        if name in BRANCHES:
            first = branch_tasks(artifact, name).select_related("department").first()
            if first is not None:
                return first.department
            kind = ARCHIVE_DEPARTMENT.get(name) or BRANCHES[name][1]
            if kind != DECIDING:
                return department_of_kind(kind, near=artifact.owner_department)
        return artifact.owner_department
    if isinstance(artifact, Referral):
        return artifact.to_department
    if isinstance(artifact, Appeal):
        return artifact.deciding_department
    return None


def stamp(process: Process) -> None:
    """Write department, rank and case into new tasks' data (their queue and their link)."""
    for task in Task.objects.filter(process=process, status__in=OPEN):
        if "department" in task.data:
            continue
        department = _department_for(process, task)
        if department is None:  # gateways and other non-human nodes
            continue
        artifact = process.artifact
        rank = "leader" if (task.flow_task.name in LEADER_NODES or isinstance(artifact, Appeal)) else "officer"
        task.data = {**task.data, "department": department.pk, "rank": rank, "case": process.data.get("case")}
        if isinstance(artifact, Case) and team_work(artifact, department.pk, rank):
            task.data["team"] = True
        task.save(update_fields=["data"])


# --- listeners: called by the services inside their transaction --------------------------------


@on_workflow_event("case_created")
def _case_created(*, case: Case, acting_user, **_kw) -> None:
    process = CaseFlow.start.run(case=case)
    stamp(process)


@on_workflow_event("case_transition")
def _case_transition(*, case: Case, name: str, acting_user, **_kw) -> None:
    if name == "transfer":
        return  # the lead waits at intake until the target accepts or returns it
    stages = [getattr(CaseFlow, node) for node in [*STAGE_BY_STATE.values(), "closing"]]
    task = (
        Task.objects.filter(
            process__flow_class=CaseFlow,
            process__artifact_content_type=ContentType.objects.get_for_model(Case),
            process__artifact_object_id=case.pk,
            status__in=OPEN,
            flow_task__in=stages,
        )
        # Whether the case has a team, in the same statement (the fast path's next task needs
        # it: ``workflows.teams``). Read after the case's lock, so it is as fresh as a query of
        # its own (issue 17: one round trip fewer per step).
        .annotate(case_has_team=Exists(Case.team.through.objects.filter(case_id=case.pk)))
        .order_by("-process_id", "pk")
        .first()
    )
    if task is None:
        return
    if name == "approve" and case.state == CaseState.APPROVING:
        _approval_waits(task, case)
        return
    if task.flow_task.name == STAGE_BY_STATE.get(case.state):
        # The case still waits in the same stage: a ``conclude`` held until a crime referral is
        # accepted or returned (Art. 27, ``cases.lifecycle.referrals``). Its task stays open.
        return
    if fast_path.applies(task, case):
        fast_path.stage_to_stage(task, case, acting_user)
        return
    # Into execution (a split on the branches), to the end, or from closing: viewflow's own
    # activations evaluate the gateways.
    process = task.process
    # The service's own instance, locked and with its owner loaded: stamp() reads it without
    # querying the case and its department again.
    process.artifact = case
    complete(task, acting_user)
    stamp(process)


def _approval_waits(task: Task, case: Case) -> None:
    """The owner decided its part and sent 问责建议 (issue 14): the approval stage leaves every
    queue — each organ decides from its recommendation's task — and is completed, opening
    delivery, by the ``approve`` that decides the last part."""
    if task.status == STATUS.ASSIGNED:
        with task.activation() as activation:
            activation.unassign()
        task.refresh_from_db()
    task.data = {**{k: v for k, v in task.data.items() if k != "team"}, "department": None, "waiting": True}
    task.save(update_fields=["data"])


@on_workflow_event("case_owner_changed")
def _case_owner_changed(*, case: Case, **_kw) -> None:
    """The transfer was accepted: the open stage moves to the new owner's queue."""
    process = process_of(CaseFlow, case)
    for task in open_tasks(process, *STAGE_BY_STATE.values()):
        if task.status == STATUS.ASSIGNED:
            with task.activation() as activation:  # back to the queue through viewflow's own transition
                activation.unassign()
            task.refresh_from_db()
        task.data = {**task.data, "department": case.owner_department_id}
        task.save(update_fields=["data"])


@on_workflow_event("execution_completed")
def _execution_completed(*, task: ExecutionTask, acting_user, **_kw) -> None:
    branch = branch_of(task)
    if branch_tasks(task.case, branch).filter(state=ExecutionTask.State.OPEN).exists():
        return
    process = process_of(CaseFlow, task.case)
    for flow_task in open_tasks(process, branch):
        complete(flow_task, acting_user)
    if process is not None:
        stamp(process)


@on_workflow_event("referral_created")
def _referral_created(*, referral: Referral, **_kw) -> None:
    stamp(ReferralFlow.start.run(referral=referral))


@on_workflow_event("referral_moved")
def _referral_moved(*, referral: Referral, move: str, acting_user, **_kw) -> None:
    process = process_of(ReferralFlow, referral)
    nodes = ["acknowledge"] if move == "acknowledge" else ["acknowledge", "decide"]
    for name in nodes:
        for task in open_tasks(process, name):
            complete(task, acting_user)
        if process is not None:
            stamp(process)


@on_workflow_event("appeal_filed")
def _appeal_filed(*, appeal: Appeal, **_kw) -> None:
    stamp(AppealFlow.start.run(appeal=appeal))


@on_workflow_event("appeal_decided")
def _appeal_decided(*, appeal: Appeal, acting_user, **_kw) -> None:
    for task in open_tasks(process_of(AppealFlow, appeal), "decide"):
        complete(task, acting_user)
