"""The search document of a case (issue 16, ``cases.search``): the table, its backfill in
batches, and on PostgreSQL the GIN index over its character grams that serves one- and
two-character queries (trigram indexes need three). Reversible: backwards the table goes."""

import django.db.models.deletion
from django.db import migrations, models

GRAMS_INDEX = "case_search_grams_idx"
# Migration 0010's trigram indexes on the title and the facts: the search document replaces them
# (the number's stays, for parts of a number; the cadre name's serves the cadre pickers).
RETIRED_TRIGRAM_INDEXES = [("case_title_trgm_idx", "title"), ("case_facts_trgm_idx", "facts")]


def backfill(apps, schema_editor):
    # The documents are built by the application's own code (``cases.search``): the text a
    # search reads is defined once. It reads only columns present since this migration.
    from cases.search import case_search_rebuild

    case_search_rebuild(batch=2000, departments=False)  # 0031 adds and fills the departments


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Built after the backfill: one sorted build instead of a million insertions, with room to
    # sort in memory (a GIN build at the default 64 MB writes and merges many runs).
    schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {GRAMS_INDEX} ON cases_casesearch USING gin (string_to_array(grams, ' '))")
    for name, _column in RETIRED_TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {GRAMS_INDEX}")
        for name, column in RETIRED_TRIGRAM_INDEXES:
            schema_editor.execute(f'CREATE INDEX IF NOT EXISTS {name} ON cases_case USING gin (UPPER("{column}") gin_trgm_ops)')


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0028_case_materials"),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseSearch",
            fields=[
                (
                    "case",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search",
                        serialize=False,
                        to="cases.case",
                        verbose_name="case",
                    ),
                ),
                ("document", models.TextField(blank=True, verbose_name="search document")),
                ("grams", models.TextField(blank=True, verbose_name="character grams")),
            ],
            options={"verbose_name": "search document", "verbose_name_plural": "search documents"},
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_index, drop_index),
    ]
