"""Indexes for case lists and search at a million cases (issue 7, BENCH W3).

- ``case_created_idx``, ``case_owner_created_idx`` and ``case_source_created_idx``: the
  newest-first order of ``case_list``, overall, for the department that handles the cases and for
  the one that referred them, read off an index instead of sorted.
- ``execution_dept_case_idx`` and, on PostgreSQL, ``case_visibility_idx`` (the case id with its
  owner and source): the cases a department reaches through execution tasks, and whether it
  already owns them, read from indexes alone (``cases.selectors._visible_for_counting``).
- ``historicalcase_owner_date_idx`` (PostgreSQL): one department's changes over a period.
- Trigram (pg_trgm, GIN) indexes for ``?q=``: ``case_list`` matches with ``icontains``, which
  Django writes as ``UPPER(col::text) LIKE UPPER('%q%')``, so the indexes are on ``UPPER(col)``.
  PostgreSQL's text search does not segment Chinese; trigrams do, for queries of three or more
  characters. PostgreSQL only: on SQLite (the embedded default) these steps do nothing.
"""

from django.db import migrations, models

TRIGRAM_INDEXES = [
    # name, table, column
    ("case_number_trgm_idx", "cases_case", "number"),
    ("case_title_trgm_idx", "cases_case", "title"),
    ("case_facts_trgm_idx", "cases_case", "facts"),
    ("cadre_name_trgm_idx", "cases_cadre", "name"),
]


def create_postgresql_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in TRIGRAM_INDEXES:
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (UPPER("{column}") gin_trgm_ops)')
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS case_visibility_idx ON cases_case (id) INCLUDE (owner_department_id, source_department_id)"
    )
    # Audit: what changed in one department's cases over a period (BENCH W5), newest first.
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS historicalcase_owner_date_idx ON cases_historicalcase (owner_department_id, history_date)"
    )


def drop_postgresql_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in [*(index[0] for index in TRIGRAM_INDEXES), "case_visibility_idx", "historicalcase_owner_date_idx"]:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    # The extension stays: other databases objects may use it, and it costs nothing unused.


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_art31_exemption_justification"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["-created_at", "-id"], name="case_created_idx"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["owner_department", "-created_at", "-id"], name="case_owner_created_idx"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["source_department", "-created_at", "-id"], include=["owner_department"], name="case_source_created_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="executiontask",
            index=models.Index(fields=["department", "case"], name="execution_dept_case_idx"),
        ),
        migrations.RunPython(create_postgresql_indexes, drop_postgresql_indexes, elidable=False),
    ]
