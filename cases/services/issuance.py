"""Confirming the unverified defaults a decision relied on before its documents are issued
(issue 14 item 6; ``cases.selectors.issuance``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cases.codes import DECIDED_STATES, CaseEventKind, CaseState
from cases.models import Case
from cases.selectors.issuance import issuance_checklist
from cases.services.common import case_event_record
from core.errors import PreconditionFailed, field_error
from core.persistence import lock
from core.typing import Actor
from org.access import require_member_of


@transaction.atomic
def documents_confirm(*, case_id: int, keys: Any, acting_user: Actor, reason: str = "") -> dict[str, Any]:
    """Record that a member of the case's department saw and confirmed every item of the
    checklist (``keys``: each item's key, all of them). Returns the checklist confirmed.
    400 when a key is missing or unknown; 409 before the measures are decided; nothing written."""
    case = lock(Case, case_id)
    require_member_of(acting_user, case.owner_department_id)
    if case.state not in DECIDED_STATES:
        raise PreconditionFailed(
            _("The documents exist only once the measures are decided (now: %(s)s).") % {"s": CaseState(case.state).label}
        )
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise field_error("items", _("Give the key of every item of the checklist."))
    checklist = issuance_checklist(case)
    expected = [item["key"] for item in checklist["items"]]
    unknown = sorted(set(keys) - set(expected))
    if unknown:
        raise field_error("items", _("Not on the checklist: %(keys)s") % {"keys": ", ".join(unknown)})
    missing = [item["label"] for item in checklist["items"] if item["key"] not in keys]
    if missing:
        raise field_error("items", _("Confirm every item; not confirmed: %(items)s") % {"items": "；".join(missing)})
    case_event_record(
        case=case,
        kind=CaseEventKind.DOCUMENTS_CONFIRMED,
        acting_user=acting_user,
        from_state=case.state,
        to_state=case.state,
        reason=(reason or "").strip(),
        payload={"digest": checklist["digest"], "items": checklist["items"]},
    )
    return checklist
