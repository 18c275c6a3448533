"""The patrol API names a handed-over case only to a viewer who can open it, as the patrol page
does (issue 15, items 9 and 10).

Personas (``conftest.py``): emergency_officer keeps the patrols and hands a finding over (the
lead's source); discipline_officer handles the case; organization_officer reads the patrol but
cannot open the discipline organ's case.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appraisal.services.assessment import patrol_finding_refer
from cases.selectors.cases import case_access
from web.tests.helpers import make_finding, make_patrol

pytestmark = pytest.mark.django_db


def _findings(response) -> list[dict]:
    assert response.status_code == 200, response.content
    body = response.json()
    return body["findings"]


def test_a_patrol_finding_names_its_case_only_to_those_who_can_open_it(world, api):
    patrol = make_patrol(world)
    finding = make_finding(world, patrol)
    case = patrol_finding_refer(acting_user=world.users["emergency_officer"], finding_id=finding.pk)
    assert case_access(case, world.users["organization_officer"]) is None
    assert case_access(case, world.users["discipline_officer"]) is not None

    hidden = api("organization_officer")
    [detail] = _findings(hidden.get(f"/api/v1/patrols/{patrol.pk}/"))
    assert (detail["case"], detail["handed_over"]) == (None, True)
    listed = hidden.get("/api/v1/patrols/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    [row] = [f for p in rows if p["id"] == patrol.pk for f in p["findings"]]
    assert (row["case"], row["handed_over"]) == (None, True)
    assert str(case.pk) not in {str(f["case"]) for p in rows for f in p["findings"]}

    [shown] = _findings(api("discipline_officer").get(f"/api/v1/patrols/{patrol.pk}/"))
    assert (shown["case"], shown["handed_over"]) == (case.pk, True)

    # The visibility is read once per response, not once per finding.
    patrols = [make_patrol(world, title=f"巡查{i}") for i in range(3)]
    for patrol in patrols:
        patrol_finding_refer(acting_user=world.users["emergency_officer"], finding_id=make_finding(world, patrol).pk)
    client = api("organization_officer")
    client.get("/api/v1/patrols/")  # warm caches (the token, the scope)
    with CaptureQueriesContext(connection) as three:
        client.get("/api/v1/patrols/")
    patrol = make_patrol(world, title="巡查3")
    patrol_finding_refer(acting_user=world.users["emergency_officer"], finding_id=make_finding(world, patrol).pk)
    with CaptureQueriesContext(connection) as four:
        client.get("/api/v1/patrols/")
    assert len(four.captured_queries) == len(three.captured_queries)
