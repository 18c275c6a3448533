"""Shared pieces of the case services: the hash-chained case events and the time limits."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from types import SimpleNamespace
from typing import Any, overload

from django.utils import timezone

from cases.models import Case, CaseEvent, DeadlinePolicy
from core.hooks import events_appended
from core.persistence import add_months
from core.typing import Actor


def _canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def event_digest(event: CaseEvent | SimpleNamespace) -> str:
    """The hash of an event's content chained to its predecessor (PRODUCT §8). ``event`` may be a
    namespace of a row's values (the audit streams ``values()``)."""
    body = {
        "case": event.case_id,
        "seq": event.seq,
        "kind": event.kind,
        "from": event.from_state,
        "to": event.to_state,
        "actor": event.actor_id,
        "reason": event.reason,
        "payload": event.payload,
        "created_at": event.created_at.isoformat(),
        "prev": event.prev_hash,
    }
    return hashlib.sha256(_canonical(body)).hexdigest()


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
    sequence is taken without a race; the unique (case, seq) constraint is the backstop."""
    last = CaseEvent.objects.filter(case_id=case.pk).order_by("-seq").values_list("seq", "hash").first()
    event = CaseEvent(
        case=case,
        seq=(last[0] + 1) if last else 1,
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        actor=acting_user,
        reason=reason,
        payload=json.loads(_canonical(payload or {})),
        created_at=timezone.now(),
        prev_hash=last[1] if last else "",
    )
    event.hash = event_digest(event)
    event.save()
    events_appended()
    return event


def deadline_policies(code: str) -> list[DeadlinePolicy]:
    """Every version of one limit, newest first: load once, then pick per date in Python."""
    return list(DeadlinePolicy.objects.filter(code=code).order_by("-valid_from"))


@overload
def deadline_after(
    code: str, start: dt.datetime, *, on: dt.date | None = None, policies: list[DeadlinePolicy] | None = None
) -> dt.datetime: ...
@overload
def deadline_after(
    code: str, start: dt.date, *, on: dt.date | None = None, policies: list[DeadlinePolicy] | None = None
) -> dt.datetime | dt.date: ...
def deadline_after(
    code: str, start: dt.datetime | dt.date, *, on: dt.date | None = None, policies: list[DeadlinePolicy] | None = None
) -> dt.datetime | dt.date:
    """``start`` plus the limit named ``code`` in force on ``on`` (default: the start date).
    Pass ``policies`` (from ``deadline_policies``) to compute many deadlines without a query each."""
    day = on or (start.date() if isinstance(start, dt.datetime) else start)
    rows = policies if policies is not None else deadline_policies(code)
    policy = next((p for p in rows if p.valid_from <= day and (p.valid_to is None or day <= p.valid_to)), None)
    if policy is None:
        raise LookupError(f"no deadline policy {code!r} in force on {day}")
    if policy.unit == DeadlinePolicy.Unit.HOURS:
        if not isinstance(start, dt.datetime):
            start = dt.datetime.combine(start, dt.time(), tzinfo=timezone.get_current_timezone())
        return start + dt.timedelta(hours=policy.amount)
    if policy.unit == DeadlinePolicy.Unit.DAYS:
        return start + dt.timedelta(days=policy.amount)
    return add_months(start, policy.amount)
