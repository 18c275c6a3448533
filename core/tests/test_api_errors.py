"""The API's error shape for a database that stayed busy (issue 15 item 3): SQLite's write lock
not obtained within its busy timeout is a 409 ``concurrent_modification`` (the client reloads and
retries); any other database error stays a bare 500 with nothing of the SQL in it."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from core.api.errors import exception_handler
from core.errors import CONCURRENT_MODIFICATION


def test_database_is_locked_is_a_409_in_the_error_shape():
    response = exception_handler(OperationalError("database is locked"), {})
    assert response.status_code == 409
    assert response.data == {"error": "concurrent_modification", "detail": str(CONCURRENT_MODIFICATION)}


@pytest.mark.parametrize("message", ["disk I/O error", "no such table: cases_case", "database disk image is malformed"])
def test_other_database_errors_stay_500_without_their_text(message):
    response = exception_handler(OperationalError(message), {})
    assert response.status_code == 500 and response.data["error"] == "server_error"
    assert message not in str(response.data)


def test_an_empty_list_is_estimated_without_explaining(db):
    """A list the caller may not see is ``.none()``: on PostgreSQL, EXPLAIN of it printed nothing
    and the estimate raised (a 500 on /api/v1/cadres/ for departments without the pages)."""
    from django.contrib.auth import get_user_model

    from core.api.pagination import planner_estimate

    qs = get_user_model().objects.none()
    assert planner_estimate(qs) in (0, None)  # 0 on PostgreSQL, None (not estimated) elsewhere
