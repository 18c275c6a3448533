"""Shared pieces of the case services: appending to the hash-chained case events (the digest and
its check are ``cases.selectors.audit``'s; the time limits ``cases.selectors.deadlines``')."""

from __future__ import annotations

import json
from typing import Any

from django.utils import timezone

from cases.models import Case, CaseEvent
from cases.selectors.audit import MAC_VERSION, event_digest
from core.audit import canonical_json, sign
from core.history import history_written
from core.hooks import events_appended
from core.typing import Actor


def case_event_record(
    *,
    case: Case,
    kind: str,
    acting_user: Actor | None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    payload: dict[str, Any] | None = None,
) -> CaseEvent:
    """Append a typed event to the case's chain. The caller holds the case row lock, so the
    sequence is taken without a race; the unique (case, seq) constraint is the backstop.
    Call it after the rows of the change are saved: the event lists (and signs) their history
    rows, so it is what makes their deletion visible (docs/audit.md)."""
    last = CaseEvent.objects.filter(case_id=case.pk).order_by("-seq").values_list("seq", "hash").first()
    event = CaseEvent(
        case=case,
        seq=(last[0] + 1) if last else 1,
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        actor=acting_user,
        reason=reason,
        payload=json.loads(canonical_json(payload or {})),
        created_at=timezone.now(),
        prev_hash=last[1] if last else "",
        # The signed history rows this transaction wrote so far, from memory (no query): an
        # edit of the event, a deleted or replaced row no longer verifies (issue 15 item 8).
        mac_version=MAC_VERSION,
        history=history_written(),
    )
    event.hash = event_digest(event)
    event.mac = sign(event.hash)
    event.save()
    events_appended()
    return event
