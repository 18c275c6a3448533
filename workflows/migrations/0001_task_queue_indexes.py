"""Indexes on viewflow's task table for the inbox and the queue (issue 7, BENCH W3).

viewflow indexes ``status`` and ``owner`` alone, and nothing in ``data``, where ``workflows.sync``
stamps the department whose queue a task sits in. These partial indexes hold only open human
tasks, so they stay as small as the open work while finished tasks pile up; each is ordered like
the selector that reads it (``workflows.selectors``). The expressions match what Django writes
for ``data__department=…`` and ``data__case=…`` (``data -> 'key'``). PostgreSQL only: on SQLite
these steps do nothing.
"""

from django.db import migrations

OPEN = "status IN ('NEW', 'ASSIGNED', 'STARTED') AND flow_task_type = 'HUMAN'"
INDEXES = [
    # queue() and department_tasks(): a department's open tasks, oldest first
    ("task_department_open_idx", f"((data -> 'department')), created, id) WHERE {OPEN}"),
    # my_tasks(): a user's taken tasks, oldest first
    ("task_owner_open_idx", f"owner_id, created, id) WHERE {OPEN}"),
    # case_tasks(): the tasks of one case (its page)
    ("task_case_idx", "((data -> 'case'))) WHERE flow_task_type = 'HUMAN'"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON viewflow_task ({definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _definition in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
