"""The flows follow the domain: one open human task per stage, in the right queue, completed by
the same service whether the step came from the API or the UI (issue 4)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from viewflow.workflow.status import STATUS

from cases.codes import CaseState
from cases.models import CaseEvent, DeadlineAlert, ExecutionTask
from cases.selectors.deadlines import open_deadlines
from cases.services.appeals import appeal_decide, appeal_file
from cases.services.deadlines import run_deadlines
from cases.services.executions import execution_complete
from cases.services.lifecycle import case_transition
from cases.services.referrals import referral_move
from cases.tests.scenarios import PATHS, case_in_state, new_lead
from core.persistence import local_today
from workflows.flows import STAGE_BY_STATE, AppealFlow, CaseFlow, ReferralFlow
from workflows.selectors import case_tasks, my_tasks, queue
from workflows.services import task_assign, task_claim, task_release
from workflows.sync import open_tasks, process_of

pytestmark = pytest.mark.django_db


def _open_nodes(case) -> list[str]:
    return sorted(t.flow_task.name for t in open_tasks(process_of(CaseFlow, case)) if t.flow_task_type == "HUMAN")


@pytest.mark.parametrize("state", sorted(set(PATHS) - {CaseState.EXECUTING}))
def test_each_state_has_exactly_its_stage_task_open(world, state):
    case = case_in_state(world, state)
    expected = [STAGE_BY_STATE[state]] if state in STAGE_BY_STATE else []
    assert _open_nodes(case) == expected


def test_stage_tasks_sit_in_the_owner_departments_queue_with_the_right_rank(world):
    officer, leader = world.users["discipline_officer"], world.users["discipline_leader"]
    case = case_in_state(world, CaseState.APPROVING)
    approval = open_tasks(process_of(CaseFlow, case), "approval").get()
    assert approval.data == {"department": world.departments["pl-discipline"].pk, "rank": "leader", "case": case.pk}
    assert approval in queue(leader)
    assert approval not in queue(officer)  # approval is a leader's step
    assert approval not in queue(world.users["organization_leader"])


def test_a_transition_through_the_api_completes_the_task_as_the_acting_user(world, api):
    case = new_lead(world)
    intake = open_tasks(process_of(CaseFlow, case), "intake").get()
    r = api("discipline_officer2").post(f"/api/v1/cases/{case.pk}/transitions/", {"name": "inquire"}, format="json")
    assert r.status_code == 200
    intake.refresh_from_db()
    assert intake.status == STATUS.DONE and intake.owner == world.users["discipline_officer2"]
    assert _open_nodes(case) == ["inquiry"]


def test_claim_assign_reassign_and_release_are_recorded_on_the_case(world):
    officer, officer2, leader = (world.users[u] for u in ("discipline_officer", "discipline_officer2", "discipline_leader"))
    case = new_lead(world)
    task = open_tasks(process_of(CaseFlow, case), "intake").get()
    task_claim(task_id=task.pk, acting_user=officer)
    assert task in my_tasks(officer) and task not in queue(officer2)
    task_assign(task_id=task.pk, to_username="discipline_officer2", acting_user=leader, reason="均衡工作量")
    assert task in my_tasks(officer2) and task not in my_tasks(officer)
    task_release(task_id=task.pk, acting_user=officer2)
    assert task in queue(officer)
    events = list(
        CaseEvent.objects.filter(case=case, kind__startswith="task_")
        .order_by("seq")
        .values_list("kind", "actor__username", "payload")
    )
    assert [(k, a, p.get("from"), p.get("to")) for k, a, p in events] == [
        ("task_claimed", "discipline_officer", None, "discipline_officer"),
        ("task_reassigned", "discipline_leader", "discipline_officer", "discipline_officer2"),
        ("task_released", "discipline_officer2", "discipline_officer2", None),
    ]


def test_only_a_leader_of_the_department_may_assign_and_only_members_may_claim(world):
    from core.errors import NotPermitted

    case = new_lead(world)
    task = open_tasks(process_of(CaseFlow, case), "intake").get()
    with pytest.raises(NotPermitted):
        task_assign(task_id=task.pk, to_username="discipline_officer2", acting_user=world.users["discipline_officer"])
    with pytest.raises(NotPermitted):
        task_claim(task_id=task.pk, acting_user=world.users["organization_officer"])
    with pytest.raises(NotPermitted):
        task_assign(task_id=task.pk, to_username="organization_officer", acting_user=world.users["discipline_leader"])
    assert task.status == STATUS.NEW


def test_accepting_a_transfer_moves_the_open_stage_to_the_new_owner(world):
    officer = world.users["discipline_officer"]
    case = new_lead(world)
    task = open_tasks(process_of(CaseFlow, case), "intake").get()
    task_claim(task_id=task.pk, acting_user=officer)
    case_transition(
        case_id=case.pk,
        name="transfer",
        payload={"to_department": world.departments["pl-organization"].pk, "reason": "组织处理"},
        acting_user=officer,
    )
    referral = case.referrals.get()
    assert sorted(t.flow_task.name for t in open_tasks(process_of(ReferralFlow, referral))) == ["acknowledge"]
    referral_move(referral_id=referral.pk, move="accept", acting_user=world.users["organization_officer"])
    task.refresh_from_db()
    assert task.status == STATUS.NEW and task.owner is None
    assert task.data["department"] == world.departments["pl-organization"].pk
    assert task in queue(world.users["organization_officer"])
    assert list(open_tasks(process_of(ReferralFlow, referral))) == []


def test_execution_branches_follow_the_measures_and_join_before_closing(world):
    officer, org = world.users["discipline_officer"], world.users["organization_officer"]
    case = case_in_state(world, CaseState.DECIDED)
    case_transition(case_id=case.pk, name="deliver", payload={"delivered_on": local_today().isoformat()}, acting_user=officer)
    # 诫勉 → organization; archives → discipline and organization.
    assert _open_nodes(case) == ["archive_integrity", "archive_personnel", "execute_organization"]
    for task in ExecutionTask.objects.filter(case=case).order_by("pk"):
        execution_complete(task_id=task.pk, acting_user=org if task.department.kind == "organization" else officer)
    assert _open_nodes(case) == ["closing"]
    case_transition(case_id=case.pk, name="close", payload={}, acting_user=officer)
    process = process_of(CaseFlow, case)
    process.refresh_from_db()
    assert _open_nodes(case) == [] and process.status == "DONE"


def test_an_appeal_is_a_leaders_task_of_the_deciding_department(world):
    case = case_in_state(world, CaseState.EXECUTING)
    subject = case.subjects.get()
    appeal = appeal_file(
        case_id=case.pk,
        subject_id=subject.pk,
        filed_on=local_today(),
        grounds="不服",
        acting_user=world.users["discipline_officer"],
    )
    task = open_tasks(process_of(AppealFlow, appeal), "decide").get()
    assert task.data["rank"] == "leader" and task in queue(world.users["discipline_leader"])
    appeal_decide(appeal_id=appeal.pk, outcome="upheld", reason="事实清楚", acting_user=world.users["discipline_leader"])
    task.refresh_from_db()
    assert task.status == STATUS.DONE
    # Execution was not suspended: the branch tasks are still open.
    assert "execute_organization" in _open_nodes(case)


def test_case_tasks_lists_every_human_step_of_the_case(world):
    case = case_in_state(world, CaseState.APPROVING)
    names = [t.flow_task.name for t in case_tasks(case.pk)]
    assert names == ["intake", "investigation", "assessment", "proposal", "approval"]


# --- deadlines (PRODUCT §6) --------------------------------------------------------------------


def test_run_deadlines_warns_then_escalates_exactly_once(world):
    case = case_in_state(world, CaseState.EXECUTING)
    task = ExecutionTask.objects.filter(case=case, kind="measure").get()
    due = dt.datetime.combine(task.due_on, dt.time(23, 59, 59), tzinfo=timezone.get_current_timezone())
    assert run_deadlines(now=due - dt.timedelta(days=5)) == {"warning": 0, "overdue": 0}
    first = run_deadlines(now=due - dt.timedelta(days=1))
    assert first["warning"] >= 1
    assert run_deadlines(now=due - dt.timedelta(days=1)) == {"warning": 0, "overdue": 0}
    late = run_deadlines(now=due + dt.timedelta(hours=1))
    assert late["overdue"] >= 1
    assert run_deadlines(now=due + dt.timedelta(days=3)) == {"warning": 0, "overdue": 0}
    key = f"execution:{task.pk}:overdue"
    assert DeadlineAlert.objects.filter(key=key).count() == 1
    event = CaseEvent.objects.get(case=case, kind="deadline_overdue", payload__item=f"execution:{task.pk}")
    assert event.payload["escalate_to"] == "leaders" and event.actor is None


def test_an_unacknowledged_referral_escalates_after_its_limit(world):
    case = new_lead(world)
    with time_machine.travel(timezone.now()):
        case_transition(
            case_id=case.pk,
            name="transfer",
            payload={"to_department": world.departments["pl-organization"].pk, "reason": "移送"},
            acting_user=world.users["discipline_officer"],
        )
    referral = case.referrals.get()
    items = [
        d for d in open_deadlines(department_id=world.departments["pl-organization"].pk) if d.key == f"referral:{referral.pk}"
    ]
    assert len(items) == 1 and items[0].due == referral.acknowledge_by
    run_deadlines(now=referral.acknowledge_by + dt.timedelta(minutes=1))
    assert CaseEvent.objects.filter(case=case, kind="deadline_overdue", payload__item=f"referral:{referral.pk}").count() == 1
    # Once acknowledged, the clock stops and nothing more is raised.
    referral_move(referral_id=referral.pk, move="acknowledge", acting_user=world.users["organization_officer"])
    assert not [d for d in open_deadlines() if d.key == f"referral:{referral.pk}"]


def test_run_deadlines_command_reports_counts(world, capsys):
    from django.core.management import call_command

    call_command("run_deadlines")
    import re

    assert re.fullmatch(r"warnings: \d+, escalations: \d+\n", capsys.readouterr().out)
