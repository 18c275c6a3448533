"""The stage-to-stage fast path (BENCH W1): viewflow's rows for the commonest step, written by hand.

When a transition takes a case from one waiting stage to another (``TASK_STAGES`` of
``cases.lifecycle.spec``, e.g. ``intake`` → ``inquiry``), completing the stage through viewflow's
activations (``workflows.sync.complete`` + ``stamp``) takes nineteen statements. This module
writes the same rows in one statement on PostgreSQL (three on SQLite), after the one read that
found the stage.

Contract: the rows django-viewflow 2.4.0 writes for it, reproduced here.

1. The finished stage task (``viewflow_task``, UPDATE of one row): ``status`` ``DONE``,
   ``finished`` now; if it was not ``STARTED`` yet, also ``owner`` the acting user and
   ``started`` now (viewflow's assign-or-reassign, then start, then execute). ``assigned``,
   ``data`` and ``token`` stay as they were.
2. The ``route`` switch task (INSERT): the same process and token, ``flow_task`` the switch,
   ``flow_task_type`` its type (``SWITCH``), ``status`` ``DONE``, ``created`` and ``finished``
   now, no owner, ``data`` ``{}``, ``started``/``assigned`` unset.
3. The next stage's task (INSERT, same statement as 2): the same process and token,
   ``flow_task`` the stage of the case's new state, its type (``HUMAN``), ``status`` ``NEW``,
   ``created`` now, no owner, and the queue data ``stamp`` would write:
   ``{"department": owner department id, "rank": "leader" | "officer", "case": case id}``,
   plus ``"team": true`` when it is the case team's work (``workflows.teams.team_work``).
4. The links (``viewflow_task_previous``, one INSERT of two rows): switch → finished stage,
   next stage → switch.

The process row is not written: viewflow 2.4.0 only reads it on this step (and locks it with
``select_for_update_lock`` on PostgreSQL). Here the case row lock held by the caller serializes
the step with every other change to the case's tasks (``workflows.services``).

``workflows/tests/test_fast_path.py`` runs the same lifecycles once through here and once
through viewflow's activations and compares every task row and link. Any other viewflow version
refuses to import this module until that test has been re-run against it and this contract
brought up to date.
"""

from __future__ import annotations

from importlib.metadata import version

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models.sql import InsertQuery, UpdateQuery
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cases.lifecycle.spec import TASK_STAGES
from cases.models import Case
from org.codes import Rank
from workflows.flows import CaseFlow
from workflows.teams import team_work

VIEWFLOW_VERSION = "2.4.0"  # the version whose rows the contract above describes


def check_viewflow_version(installed: str) -> None:
    if installed != VIEWFLOW_VERSION:
        raise ImproperlyConfigured(
            f"workflows.fast_path reproduces the rows django-viewflow {VIEWFLOW_VERSION} writes, but "
            f"{installed} is installed. Re-run workflows/tests/test_fast_path.py against it, update "
            "the contract in workflows/fast_path.py to what it writes, then set VIEWFLOW_VERSION."
        )


check_viewflow_version(version("django-viewflow"))


STAGE_NODES = frozenset(stage.node for stage in TASK_STAGES.values())


def applies(task: Task, case: Case) -> bool:
    """Whether completing ``task`` opens another waiting stage: the case's new state has one."""
    return task.flow_task.name in STAGE_NODES and case.state in TASK_STAGES


def stage_to_stage(task: Task, case: Case, user) -> None:
    """Complete ``task`` as done by ``user`` and open the stage of ``case.state`` (the contract)."""
    now = timezone.now()
    done = {"status": STATUS.DONE, "finished": now}
    if task.status != STATUS.STARTED:  # assign (or reassign) to the user, then start
        done.update(owner=user, started=now)
    next_stage = TASK_STAGES[case.state]
    route, stage = CaseFlow.route, getattr(CaseFlow, next_stage.node)
    common = {"process_id": task.process_id, "token": task.token, "created": now}
    switch = Task(flow_task=route, flow_task_type=route.task_type, status=STATUS.DONE, finished=now, data={}, **common)
    rank = "leader" if next_stage.rank == Rank.LEADER else "officer"
    data: dict[str, object] = {"department": case.owner_department_id, "rank": rank, "case": case.pk}
    if team_work(case, case.owner_department_id, rank, has_team=getattr(task, "case_has_team", None)):
        data["team"] = True
    following = Task(flow_task=stage, flow_task_type=stage.task_type, status=STATUS.NEW, data=data, **common)
    if connection.vendor == "postgresql":
        _in_one_statement(task, done, switch, following)
        return
    Task.objects.filter(pk=task.pk).update(**done)
    Task.objects.bulk_create([switch, following])
    link = Task.previous.through
    link.objects.bulk_create(
        [link(from_task_id=switch.pk, to_task_id=task.pk), link(from_task_id=following.pk, to_task_id=switch.pk)]
    )


def _in_one_statement(task: Task, done: dict[str, object], switch: Task, following: Task) -> None:
    """Rows 1–4 of the contract in one PostgreSQL statement (data-modifying ``WITH``, each part
    run once and to completion whether or not the final query reads it). The UPDATE and the
    INSERT are the SQL Django compiles for ``update()`` and ``bulk_create()``, so every column is
    written and adapted as there; the links take the new ids by node, not by row order. SQLite
    has no data-modifying ``WITH``: it sends the three statements."""
    update = Task.objects.filter(pk=task.pk).query.chain(UpdateQuery)
    update.add_update_values(done)
    update_sql, update_params = update.get_compiler(connection.alias).as_sql()
    insert = InsertQuery(Task)
    insert.insert_values([f for f in Task._meta.concrete_fields if not f.primary_key], [switch, following])
    [(insert_sql, insert_params)] = insert.get_compiler(connection.alias).as_sql()
    table, link = Task._meta.db_table, Task.previous.through._meta.db_table
    qn = connection.ops.quote_name
    node = Task._meta.get_field("flow_task")
    route, stage = node.get_prep_value(switch.flow_task), node.get_prep_value(following.flow_task)
    sql = (
        f"WITH done AS ({update_sql} RETURNING {qn(table)}.{qn('id')}), "
        f"made AS ({insert_sql} RETURNING {qn('id')}, {qn('flow_task')}) "
        f"INSERT INTO {qn(link)} ({qn('from_task_id')}, {qn('to_task_id')}) "
        "SELECT s.id, d.id FROM made s, done d WHERE s.flow_task = %s "
        "UNION ALL SELECT f.id, s.id FROM made f, made s WHERE f.flow_task = %s AND s.flow_task = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*update_params, *insert_params, route, stage, route])
        if cursor.rowcount != 2:  # the finished task is gone: nothing may be half-written
            raise RuntimeError(f"workflows.fast_path: expected 2 task links, wrote {cursor.rowcount}")
