"""Statistics over HTTP: counts of what the user may see, at a fixed cost.

Personas (``conftest.py``): audit_officer and inspection_officer refer leads and follow only their
status and outcome; organization_officer keeps cadre records and records moves;
organization_leader may also override a veto; discipline_officer handles cases; emergency_officer
records accidents; admin is a superuser without a department.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from cases.codes import CaseState
from cases.tests.scenarios import case_in_state, new_lead
from web.tests.helpers import (
    TOUZHA_HEAD,
    chart_of,
    chart_values,
    count_queries,
)

pytestmark = pytest.mark.django_db


def test_stats_count_what_the_user_may_see(client_as, world):
    new_lead(world, circumstances=("26.1",))
    new_lead(world, source="audit_officer", circumstances=("26.1", "26.3"), cadres=(TOUZHA_HEAD,))
    executing = case_in_state(world, CaseState.EXECUTING)  # 26.5 at intake and in the findings; admonishment

    response = client_as("discipline_officer").get("/stats/")
    assert response.status_code == 200
    assert (response.context["total"], response.context["open"], response.context["measures"]) == (3, 3, 1)
    circumstances = {
        row["code"]: (row["value"], [c["value"] for c in row["cells"]]) for row in chart_of(response, "circumstance")["rows"]
    }
    assert circumstances["26.1"] == (2, [2, 0])
    assert circumstances["26.3"] == (1, [1, 0])
    assert circumstances["26.5"] == (1, [1, 1])
    assert circumstances["26.7"] == (0, [0, 0])
    measures = {row["label"]: row["value"] for row in chart_of(response, "measure")["rows"]}
    assert sum(measures.values()) == 1 and list(measures.values())[1] == 1  # admonishment, second in Art. 27
    states = {row["state"]: row["value"] for row in chart_of(response, "state")["rows"]}
    assert states == {CaseState.RECEIVED: 2, CaseState.EXECUTING: 1}
    assert chart_values(chart_of(response, "owner")) == {world.departments["pl-discipline"].name: 3}
    month = executing.created_at.astimezone(timezone.get_current_timezone()).strftime("%Y-%m")
    assert chart_values(chart_of(response, "month"))[month] == 3
    html = response.content.decode()
    assert html.count("<svg") == 5 and html.count("zm-datatable") == 5

    # The audit office sees only its own lead, and no findings.
    audit = client_as("audit_officer").get("/stats/")
    assert audit.context["total"] == 1
    assert {row["label"].split()[0]: row["value"] for row in chart_of(audit, "circumstance")["rows"]}["26.5"] == 0


def test_findings_of_a_referred_case_are_not_counted_for_the_referring_agency(client_as, world):
    case_in_state(world, CaseState.ASSESSING, source="audit_officer", circumstances=())  # findings say 26.5
    rows = {
        row["code"]: [c["value"] for c in row["cells"]]
        for row in chart_of(client_as("audit_officer").get("/stats/"), "circumstance")["rows"]
    }
    assert rows["26.5"] == [0, 0]
    rows = {
        row["code"]: [c["value"] for c in row["cells"]]
        for row in chart_of(client_as("discipline_officer").get("/stats/"), "circumstance")["rows"]
    }
    assert rows["26.5"] == [0, 1]


def test_stats_cost_the_same_for_small_and_larger_data(client_as, world):
    client = client_as("discipline_officer")
    case_in_state(world, CaseState.EXECUTING)
    small = count_queries(client, "/stats/")
    for key in (TOUZHA_HEAD, "pl-yaofu:township_head:0", "pl-chengguan:township_head:0"):
        case_in_state(world, CaseState.EXECUTING, cadres=(key,))
        new_lead(world, cadres=(key,), circumstances=("26.1", "26.2"))
    assert count_queries(client, "/stats/") == small
