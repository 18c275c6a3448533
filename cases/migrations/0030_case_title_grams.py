"""The grams of a case's title, indexed (issue 16, ``cases.search``): on PostgreSQL an SQL
function ``case_grams(text)`` gives the unigrams and bigrams of a text normalised as
``cases.search.normalize`` does (NFKC, upper case, runs of whitespace), and a GIN index over
``case_grams(title)`` finds the cases whose title holds a one- or two-character query. It decides
the search's "title hits" tier and lets a page of a common query be read newest first, tier by
tier, without ranking every match. Nothing to backfill: the index is computed from the titles.
On SQLite nothing happens (its search reads the document with ``LIKE``)."""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION case_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(w, i, n)), '{}'::text[])
  FROM regexp_split_to_table(upper(normalize(coalesce(t, ''), NFKC)), '\s+') AS w,
       generate_series(1, 2) AS n,
       generate_series(1, length(w) - n + 1) AS i
  WHERE w <> ''
$$
"""
INDEX = "case_title_grams_idx"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON cases_case USING gin (case_grams(title))")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute("DROP FUNCTION IF EXISTS case_grams(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0029_case_search"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
