"""Mark the open steps that are already a case team's work (issue 16 item 3).

From this release ``workflows.sync`` and ``workflows.fast_path`` mark a case team's new step
``data["team"] = True`` (``workflows.teams``). Cases accepted before it have their open officer
step unmarked, in the department queue; this marks the unclaimed ones the same way, so they move
to their teams' inboxes. Reversing removes the marks (the steps return to the queue)."""

from django.db import migrations


def _candidates(apps):
    Task = apps.get_model("viewflow", "Task")
    return Task.objects.filter(status="NEW", flow_task_type="HUMAN", data__rank="officer").select_related("process")


def mark(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    links = Case.team.through.objects
    for task in _candidates(apps).iterator():
        flow_class = task.process.flow_class
        if getattr(flow_class, "__name__", "") != "CaseFlow" or "team" in task.data:
            continue
        case_id = task.data.get("case")
        owner = Case.objects.filter(pk=case_id).values_list("owner_department_id", flat=True).first()
        if owner is None or task.data.get("department") != owner or not links.filter(case_id=case_id).exists():
            continue
        task.data = {**task.data, "team": True}
        task.save(update_fields=["data"])


def unmark(apps, schema_editor):
    for task in _candidates(apps).filter(data__has_key="team").iterator():
        task.data = {k: v for k, v in task.data.items() if k != "team"}
        task.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0001_task_queue_indexes"),
        ("cases", "0025_facts_max_length"),
    ]

    operations = [
        migrations.RunPython(mark, unmark, elidable=True),
    ]
