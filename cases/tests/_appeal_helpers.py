"""Cases whose decided measures open the appeal routes (issue 14 item 5), driven through the
services, with the delivery moved into the past so the windows can be crossed without a clock."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from cases.codes import CaseState
from cases.models import Case
from cases.services.lifecycle import case_transition
from cases.tests.scenarios import approve_all, case_in_state
from core.persistence import local_today
from org.codes import Rank
from org.models import Membership

BAOFENG_DEPUTY = "pl-baofeng:township_deputy:0"  # managed by the county organization department
TOUZHA_HEAD = "pl-touzha:township_head:0"
DELIVERED = local_today() - dt.timedelta(days=120)

ADMONISHMENT = {"measure": "admonishment"}
DISMISSAL = {"measure": "dismissal"}
GOV_WARNING = {"measure": "sanction", "sanction_kind": "gov_warning"}
PARTY_WARNING = {"measure": "sanction", "sanction_kind": "party_warning"}


def executing(world, *measures: dict, cadres=(BAOFENG_DEPUTY,), delivered: dt.date | None = DELIVERED) -> Case:
    """A case in ``executing`` with ``measures`` decided for each subject, delivered on ``delivered``
    (the decision and delivery dates are moved back after the services ran)."""
    case = case_in_state(world, CaseState.PROPOSING, cadres=cadres)
    items = [{"subject": s.pk, **m} for s in case.subjects.order_by("id") for m in measures]
    case_transition(case_id=case.pk, name="propose", payload={"measures": items}, acting_user=world.users["discipline_officer"])
    approve_all(world, case)  # each deciding organ approves its part (issue 14 item 1)
    case_transition(
        case_id=case.pk,
        name="deliver",
        payload={"delivered_on": local_today().isoformat()},
        acting_user=world.users["discipline_officer"],
    )
    if delivered is not None:
        Case.objects.filter(pk=case.pk).update(decided_on=delivered, delivered_on=delivered)
    return Case.objects.get(pk=case.pk)


def leader_of(world, code: str, username: str):
    """A leader seated in department ``code`` (the city organs have no leader among the personas)."""
    user = get_user_model().objects.create_user(username=username, password="x")
    Membership.objects.create(user=user, department=world.departments[code], rank=Rank.LEADER)
    return user
