"""The case's departments in its search row and in the two grams indexes (issue 16, item 7).

An officer's one- or two-character search was intersected with their department's cases row by
row: a common term was tested against every one of the department's documents (the exact count
of 燃气 at a million cases: 240 ms, ten times 100k's), and a term common overall but rare in the
department (王伟) walked all of them. With ``btree_gin`` the GIN indexes hold the handling and
the referring department beside the grams, so "holds the gram and is the department's" is one
index scan whose work is the matches'. ``case_search_grams_idx`` (migration 0029) and
``case_title_grams_idx`` (0030) are rebuilt with the two columns under their names; a grams-only
query (the superuser's) reads the first column alone, as before.

Forwards: the columns (nullable, no constraint: a derived copy, rechecked against the case on
every read), filled in one statement from the cases, then the indexes. ``btree_gin`` is a trusted
extension (PostgreSQL 13+): the database owner may create it. On SQLite only the columns.
"""

import django.db.models.deletion
from django.db import migrations, models

GRAMS = "case_search_grams_idx"
TITLE = "case_title_grams_idx"


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "UPDATE cases_casesearch s SET owner_department_id = c.owner_department_id,"
            " source_department_id = c.source_department_id FROM cases_case c WHERE c.id = s.case_id"
        )
    else:
        schema_editor.execute(
            "UPDATE cases_casesearch SET"
            " owner_department_id = (SELECT owner_department_id FROM cases_case WHERE id = case_id),"
            " source_department_id = (SELECT source_department_id FROM cases_case WHERE id = case_id)"
        )


def indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    schema_editor.execute(f"DROP INDEX IF EXISTS {GRAMS}")
    schema_editor.execute(
        f"CREATE INDEX {GRAMS} ON cases_casesearch"
        " USING gin (string_to_array(grams, ' '), owner_department_id, source_department_id)"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {TITLE}")
    schema_editor.execute(
        f"CREATE INDEX {TITLE} ON cases_case USING gin (case_grams(title), owner_department_id, source_department_id)"
    )


def single_column_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {GRAMS}")
    schema_editor.execute(f"CREATE INDEX {GRAMS} ON cases_casesearch USING gin (string_to_array(grams, ' '))")
    schema_editor.execute(f"DROP INDEX IF EXISTS {TITLE}")
    schema_editor.execute(f"CREATE INDEX {TITLE} ON cases_case USING gin (case_grams(title))")


def _department(verbose_name):
    return models.ForeignKey(
        blank=True,
        db_constraint=False,
        db_index=False,
        null=True,
        on_delete=django.db.models.deletion.DO_NOTHING,
        related_name="+",
        to="org.department",
        verbose_name=verbose_name,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0030_case_title_grams"),
        ("org", "0003_department_kind_public_security"),
    ]

    operations = [
        migrations.AddField(model_name="casesearch", name="owner_department", field=_department("handling department")),
        migrations.AddField(model_name="casesearch", name="source_department", field=_department("referring department")),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(indexes, single_column_indexes),
    ]
