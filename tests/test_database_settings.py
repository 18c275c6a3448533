"""On PostgreSQL, statements are bound on the server and prepared once sent five times on a
connection (``DATABASE_SERVER_SIDE_BINDING``, issue 17): PostgreSQL then stops planning the hot
reads and writes again. The whole suite runs with it in CI."""

from __future__ import annotations

import os

import pytest
from django.db import connection

from cases.models import Case

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL, as in CI"),
]


def test_a_statement_sent_five_times_is_prepared():
    options = connection.settings_dict["OPTIONS"]
    assert options["server_side_binding"] is True and options["prepare_threshold"] == 5
    marker = "prepared-probe"
    for _ in range(6):
        list(Case.objects.filter(title=marker).values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    # one statement, with its parameter as $1 (not the value written into the text)
    assert [s for s in prepared if '"cases_case"."title" = $1' in s and marker not in s]
