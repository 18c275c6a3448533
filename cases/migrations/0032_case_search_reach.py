"""Who reaches a case only through its links, in its search row and the grams index (issue 16, item 7).

An officer's short search tested, besides the cases their department handles or referred, the
cases it reaches only through referrals, execution tasks or appeals: a subquery listed every link
of the department and dropped those of its own cases. Execution tasks mostly belong to the
handling department, so at a million cases it read ≈13,000 task rows and ≈13,000 owned ids to
keep a few hundred, and the search grew with the data. ``CaseSearch.reach`` holds those few
departments per case (space-separated ids); ``case_search_grams_idx`` holds it beside the grams
and the two department copies, so "reached through links and holds the gram" is one index scan
whose work is the matches'. Every read still rechecks the links on the case.

Forwards: the column, filled in one statement (``cases.search.departments_sql``: table names
only; 31 s at 100k cases, of which most is this statement), then the index rebuilt under its
name. Backwards: the index of migration 0031, then the
column goes. On SQLite the column only (it has no grams index).
"""

from django.db import migrations, models

GRAMS = "case_search_grams_idx"


def fill(apps, schema_editor):
    from cases.search import departments_sql

    schema_editor.execute(departments_sql("TRUE" if schema_editor.connection.vendor == "postgresql" else "1"))


def index_with_reach(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    schema_editor.execute(f"DROP INDEX IF EXISTS {GRAMS}")
    schema_editor.execute(
        f"CREATE INDEX {GRAMS} ON cases_casesearch USING gin"
        " (string_to_array(grams, ' '), owner_department_id, source_department_id, string_to_array(reach, ' '))"
    )


def index_without_reach(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {GRAMS}")
    schema_editor.execute(
        f"CREATE INDEX {GRAMS} ON cases_casesearch"
        " USING gin (string_to_array(grams, ' '), owner_department_id, source_department_id)"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0031_case_search_departments"),
    ]

    operations = [
        migrations.AddField(
            model_name="casesearch",
            name="reach",
            field=models.TextField(blank=True, default="", verbose_name="departments reaching through links"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(index_with_reach, index_without_reach),
    ]
