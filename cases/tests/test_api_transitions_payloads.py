"""The case lifecycle over HTTP (PRODUCT §1.6, §9), bad payloads: every transition refuses a malformed
body with 400 `invalid` naming the field, and writes nothing.

As in test_api_transitions.py, the demo county and one case in each of the 12 states are built once per
module (the ``shared`` fixture, conftest.py); every test runs in a savepoint rolled back after it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from cases.codes import MEASURE_ORDER, CaseState
from cases.models import Case
from cases.services.findings import finding_put
from cases.services.lifecycle import case_transition
from cases.tests._transitions_helpers import (
    LEADER,
    OFFICER,
    Shared,
    _cadre_name,
    assert_error,
    rejected,
    snapshot,
    subject_ids,
    transition_url,
)
from cases.tests.scenarios import ACCIDENT_FINDING, case_in_state
from core.persistence import local_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared, db):
    """Overrides the conftest ``world`` (and so the ``api`` clients) with the module's world."""
    return shared.world


# --- d. bad payloads: 400 `invalid` naming the field ---------------------------------------------


@dataclass
class Ctx:
    world: Any
    shared: Shared
    case_id: int

    def sids(self) -> list[int]:
        return subject_ids(self.case_id)

    def dept(self, code: str) -> int:
        return self.world.departments[code].pk


def _proposing_with(world, finding: dict, cadres=("pl-baofeng:township_deputy:0",)) -> int:
    """A case in `proposing` concluded on the given findings."""
    case = case_in_state(world, CaseState.INVESTIGATING, cadres=cadres)
    for sid in subject_ids(case.pk):
        finding_put(case_id=case.pk, subject_id=sid, data=dict(finding), acting_user=world.users[OFFICER])
    for name in ("submit_findings", "conclude"):
        case_transition(case_id=case.pk, name=name, payload={}, acting_user=world.users[OFFICER])
    assert Case.objects.get(pk=case.pk).state == CaseState.PROPOSING
    return case.pk


def _restricted_case(ctx_world) -> int:
    # 26.1 at standard severity allows notice, admonishment, suspension, reassignment, sanction only.
    return _proposing_with(ctx_world, {"circumstances": ["26.1"], "conduct_date": "2026-03-15"})


def _two_subjects(ctx_world) -> int:
    return _proposing_with(ctx_world, ACCIDENT_FINDING, cadres=("pl-baofeng:township_deputy:0", "pl-baofeng:township_deputy:1"))


def _future() -> str:
    return (local_today() + dt.timedelta(days=1)).isoformat()


def _before_decision() -> str:
    return (local_today() - dt.timedelta(days=1)).isoformat()


# (id, source state or builder, persona, payload builder, field, substrings expected in the message)
BAD_PAYLOADS: list[tuple[str, Any, str, Callable[[Ctx], dict], str, Callable[[Ctx], list[str]]]] = [
    (
        "transfer-no-reason",
        "received",
        OFFICER,
        lambda c: {"name": "transfer", "to_department": c.dept("pl-organization")},
        "reason",
        lambda c: [],
    ),
    (
        "transfer-blank-reason",
        "received",
        OFFICER,
        lambda c: {"name": "transfer", "to_department": c.dept("pl-organization"), "reason": "  "},
        "reason",
        lambda c: [],
    ),
    (
        "transfer-unknown-department",
        "received",
        OFFICER,
        lambda c: {"name": "transfer", "to_department": 987654, "reason": "移送"},
        "to_department",
        lambda c: ["987654"],
    ),
    (
        "transfer-no-department",
        "received",
        OFFICER,
        lambda c: {"name": "transfer", "reason": "移送"},
        "to_department",
        lambda c: [],
    ),
    (
        "transfer-own-department",
        "received",
        OFFICER,
        lambda c: {"name": "transfer", "to_department": c.dept("pl-discipline"), "reason": "移送"},
        "to_department",
        lambda c: [],
    ),
    ("hold-no-reason", "received", OFFICER, lambda c: {"name": "hold"}, "reason", lambda c: []),
    ("dismiss-no-reason", "received", LEADER, lambda c: {"name": "dismiss"}, "reason", lambda c: []),
    (
        "dismiss-no-reason-investigating",
        "investigating",
        LEADER,
        lambda c: {"name": "dismiss", "reason": ""},
        "reason",
        lambda c: [],
    ),
    ("reject-no-reason", "approving", LEADER, lambda c: {"name": "reject"}, "reason", lambda c: []),
    (
        "accept-team-of-one",
        "received",
        OFFICER,
        lambda c: {"name": "accept", "team": ["discipline_officer"]},
        "team",
        lambda c: [],
    ),
    (
        "accept-team-repeated",
        "received",
        OFFICER,
        lambda c: {"name": "accept", "team": ["discipline_officer", "discipline_officer"]},
        "team",
        lambda c: [],
    ),
    (
        "accept-team-non-member",
        "inquiring",
        OFFICER,
        lambda c: {"name": "accept", "team": ["discipline_officer", "organization_officer"]},
        "team",
        lambda c: ["organization_officer"],
    ),
    (
        "accept-team-unknown-user",
        "held",
        OFFICER,
        lambda c: {"name": "accept", "team": ["discipline_officer", "nobody_here"]},
        "team",
        lambda c: ["nobody_here"],
    ),
    ("accept-no-team", "received", OFFICER, lambda c: {"name": "accept"}, "team", lambda c: []),
    ("propose-no-measures", "proposing", OFFICER, lambda c: {"name": "propose", "measures": []}, "measures", lambda c: []),
    (
        "propose-unknown-measure",
        "proposing",
        OFFICER,
        lambda c: {"name": "propose", "measures": [{"subject": c.sids()[0], "measure": "fine"}]},
        "measures[0].measure",
        lambda c: ["fine"],
    ),
    (
        "propose-interview",
        "proposing",
        OFFICER,
        lambda c: {"name": "propose", "measures": [{"subject": c.sids()[0], "measure": "interview"}]},
        "measures[0].measure",
        lambda c: ["约谈"],
    ),
    (
        "propose-not-allowed-for-subject",
        _restricted_case,
        OFFICER,
        lambda c: {"name": "propose", "measures": [{"subject": c.sids()[0], "measure": "demotion"}]},
        "measures[0].measure",
        # The measure by its name (an officer reads this message; the field names the item).
        lambda c: [zh_label("Demotion (降职)"), _cadre_name(c.case_id, 0), str(c.sids()[0])],
    ),
    (
        "propose-sanction-without-kind",
        "proposing",
        OFFICER,
        lambda c: {"name": "propose", "measures": [{"subject": c.sids()[0], "measure": "sanction"}]},
        "measures[0].sanction_kind",
        lambda c: [zh_label("Party warning (党内警告)"), zh_label("Demerit (记过)")],
    ),
    (
        "propose-sanction-unknown-kind",
        "proposing",
        OFFICER,
        lambda c: {"name": "propose", "measures": [{"subject": c.sids()[0], "measure": "sanction", "sanction_kind": "flogging"}]},
        "measures[0].sanction_kind",
        lambda c: [],
    ),
    (
        "propose-kind-on-non-sanction",
        "proposing",
        OFFICER,
        lambda c: {
            "name": "propose",
            "measures": [{"subject": c.sids()[0], "measure": "admonishment", "sanction_kind": "party_warning"}],
        },
        "measures[0].sanction_kind",
        lambda c: [],
    ),
    (
        "propose-subject-of-another-case",
        "proposing",
        OFFICER,
        lambda c: {
            "name": "propose",
            "measures": [{"subject": subject_ids(c.shared.cases["approving"])[0], "measure": "admonishment"}],
        },
        "measures[0].subject",
        lambda c: [],
    ),
    (
        "propose-second-item-bad",
        "proposing",
        OFFICER,
        lambda c: {
            "name": "propose",
            "measures": [{"subject": c.sids()[0], "measure": "admonishment"}, {"subject": c.sids()[0], "measure": "warning"}],
        },
        "measures[1].measure",
        lambda c: ["warning"],
    ),
    (
        "propose-accountable-subject-left-out",
        _two_subjects,
        OFFICER,
        lambda c: {"name": "propose", "measures": [{"subject": c.sids()[0], "measure": "admonishment"}]},
        "measures",
        lambda c: [_cadre_name(c.case_id, 1)],
    ),
    ("deliver-no-date", "decided", OFFICER, lambda c: {"name": "deliver"}, "delivered_on", lambda c: []),
    (
        "deliver-bad-date",
        "decided",
        OFFICER,
        lambda c: {"name": "deliver", "delivered_on": "31/12/2026"},
        "delivered_on",
        lambda c: [],
    ),
    (
        "deliver-future",
        "decided",
        OFFICER,
        lambda c: {"name": "deliver", "delivered_on": _future()},
        "delivered_on",
        lambda c: [],
    ),
    (
        "deliver-before-decision",
        "decided",
        OFFICER,
        lambda c: {"name": "deliver", "delivered_on": _before_decision()},
        "delivered_on",
        lambda c: [local_today().isoformat()],
    ),
    ("inquire-unknown-field", "received", OFFICER, lambda c: {"name": "inquire", "priority": "high"}, "priority", lambda c: []),
    ("approve-unknown-field", "approving", LEADER, lambda c: {"name": "approve", "measures": []}, "measures", lambda c: []),
    ("unknown-transition", "received", OFFICER, lambda c: {"name": "explode"}, "name", lambda c: ["explode"]),
    ("missing-name", "received", OFFICER, lambda c: {"reason": "x"}, "name", lambda c: []),
]


def zh_label(msgid: str) -> str:
    from django.utils import translation

    with translation.override("zh-hans"):
        return translation.gettext(msgid)


@pytest.mark.parametrize(
    ("source", "persona", "payload", "field", "expect"), [row[1:] for row in BAD_PAYLOADS], ids=[row[0] for row in BAD_PAYLOADS]
)
def test_bad_payload_is_400_naming_the_field(shared, api, source, persona, payload, field, expect):
    world = shared.world
    case_id = shared.cases[source] if isinstance(source, str) else source(world)
    ctx = Ctx(world, shared, case_id)
    state = Case.objects.get(pk=case_id).state

    body = rejected(api(persona), case_id, payload(ctx), 400, "invalid", fields=(field,))

    message = " ".join(body["detail"][field])
    for text in expect(ctx):
        assert text in message, (text, message)
    assert Case.objects.get(pk=case_id).state == state


def test_a_measure_not_allowed_is_checked_against_the_concluded_assessment(shared, api):
    """The restricted case really restricts: the measure refused above is absent from the engine's list."""
    case_id = _restricted_case(shared.world)
    detail = api(OFFICER).get(f"/api/v1/cases/{case_id}/").json()
    allowed = detail["subjects"][0]["assessment"]["output"]["allowed_measures"]
    assert "demotion" not in allowed and set(allowed) <= set(MEASURE_ORDER)
    response = api(OFFICER).post(
        transition_url(case_id),
        {"name": "propose", "measures": [{"subject": detail["subjects"][0]["id"], "measure": allowed[0]}]},
        format="json",
    )
    assert response.status_code == 200, response.content


BUG_NAME_TYPE = (
    "BUG: a non-string transition name (a JSON list or object) reaches `TRANSITIONS.get(name)` in "
    "cases.services.lifecycle.case_transition, which raises TypeError (unhashable) and answers 500 server_error "
    "instead of 400 invalid naming `name`."
)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(7, id="number"),
        pytest.param(["inquire"], id="list"),
        pytest.param({"transition": "inquire"}, id="object"),
    ],
)
def test_non_string_transition_name_is_400(shared, api, name):
    rejected(api(OFFICER), shared.cases["received"], {"name": name}, 400, "invalid", fields=("name",))


@pytest.mark.parametrize("fmt", ["multipart", "urlencoded"])
def test_form_encoded_transition_is_not_a_server_error(shared, api, fmt):
    case_id = shared.cases["received"]
    client = api(OFFICER)
    before = snapshot(case_id)
    if fmt == "multipart":
        response = client.post(transition_url(case_id), {"name": "inquire"}, format="multipart")
    else:
        response = client.post(transition_url(case_id), "name=inquire", content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500, response.content
    if response.status_code == 200:
        assert Case.objects.get(pk=case_id).state == "inquiring"
    else:
        assert_error(response, response.status_code, response.json()["error"])
        assert snapshot(case_id) == before


BUG_SUBJECT_TYPE = (
    "BUG: cases.lifecycle.measures.validate_measures tests `sid not in subjects` on a dict, so a measure whose "
    "`subject` is a JSON list or object raises TypeError (unhashable) and answers 500 server_error instead of "
    "400 invalid naming `measures[0].subject` (also reachable through POST /appeals/{id}/revise/)."
)


@pytest.mark.parametrize(
    "shape",
    [
        pytest.param("string", id="string"),
        pytest.param("list", id="list"),
        pytest.param("object", id="object"),
    ],
)
def test_propose_with_a_malformed_subject_is_400(shared, api, shape):
    case_id = shared.cases["proposing"]
    sid = subject_ids(case_id)[0]
    subject = {"string": str(sid), "list": [sid], "object": {"id": sid}}[shape]
    rejected(
        api(OFFICER),
        case_id,
        {"name": "propose", "measures": [{"subject": subject, "measure": "admonishment"}]},
        400,
        "invalid",
        fields=("measures[0].subject",),
    )
