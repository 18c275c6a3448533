"""Shared pieces of the domain services: locking, saving with history, events, routing, limits."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any, TypeVar, cast, overload

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Model, Q
from django.utils import timezone

from cases.codes import DepartmentKind, Rank
from cases.errors import (
    LEADER_REQUIRED,
    NO_DEPARTMENT,
    NOT_A_MEMBER,
    InvalidReference,
    NotPermitted,
)
from cases.models import Case, CaseEvent, DeadlinePolicy, Department, Membership
from cases.typing import Actor, AnyUser

User = AbstractBaseUser


def membership_of(user: AnyUser | None) -> Membership | None:
    """The user's department seat, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_zeren_membership", False)
    if cached is not False:
        return cast("Membership | None", cached)
    try:
        # The parent too: the jurisdiction (``county_of``) is read on most requests.
        # ``cast``: signed in (checked above), so not the anonymous user.
        membership = Membership.objects.select_related("department__parent").get(user=cast(Actor, user))
    except Membership.DoesNotExist:
        membership = None
    user._zeren_membership = membership  # type: ignore[union-attr]  # a per-request cache on the user object
    return membership


def require_membership(user: AnyUser) -> Membership:
    membership = membership_of(user)
    if membership is None:
        raise NotPermitted(NO_DEPARTMENT)
    return membership


def require_member_of(user: AnyUser, department: Department | int, *, leader: bool = False) -> Membership:
    """403 unless ``user`` sits in ``department`` (a row or its id; as a leader when ``leader``)."""
    membership = require_membership(user)
    if membership.department_id != (department if isinstance(department, int) else department.pk):
        raise NotPermitted(NOT_A_MEMBER)
    if leader and membership.rank != Rank.LEADER:
        raise NotPermitted(LEADER_REQUIRED)
    return membership


_M = TypeVar("_M", bound=Model)


def lock(model: type[_M], pk: int) -> _M:
    """Re-read a row under a row lock (PostgreSQL). SQLite has no row locks; there every write
    transaction is IMMEDIATE (settings), which serializes writers on the whole database, and
    ``ConcurrentTransitionMixin`` makes state updates conditional on the state read."""
    manager = model._default_manager
    if connection.features.has_select_for_update:
        return manager.select_for_update().get(pk=pk)
    return manager.get(pk=pk)


def save_with_history(obj: Model, *, acting_user: Actor | None, reason: str, **kwargs: Any) -> None:
    """Save a domain row so that its history row names who did it and why."""
    # simple-history reads these two attributes when it writes the history row of this save.
    obj._history_user = acting_user  # type: ignore[attr-defined]  # simple-history's per-save attribute
    obj._change_reason = reason  # type: ignore[attr-defined]  # simple-history's per-save attribute
    obj.save(**kwargs)


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
    if _commit_listeners:
        transaction.on_commit(_events_committed)
    return event


JURISDICTION_LEVELS = (Department.Level.COUNTY, Department.Level.CITY, Department.Level.REGION)


def county_of(department: Department) -> Department:
    """The county (or higher) unit a department belongs to: jurisdictions are counted from here."""
    node = department
    for _depth in range(20):  # the tree is shallow; the bound guards against a cycle in bad data
        if node.level in JURISDICTION_LEVELS or node.parent_id is None:
            break
        node = cast(Department, node.parent)  # not None: parent_id was checked above
    return node


def department_of_kind(kind: str, *, near: Department) -> Department:
    """The department of ``kind`` serving the county of ``near`` (Art. 34 routing)."""
    county = county_of(near)
    if county.kind == kind:
        return county
    found = Department.objects.filter(kind=kind).filter(Q(parent=county) | Q(pk=county.pk)).order_by("id").first()
    if found is None:
        raise InvalidReference(
            f"No department of kind “{DepartmentKind(kind).label}” is configured for {county.name}.",
        )
    return found


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


_Day = TypeVar("_Day", dt.date, dt.datetime)


def add_months(value: _Day, months: int) -> _Day:
    """Calendar months, clamped to the month's last day (1 Jan 31 + 1 month = Feb 28/29)."""
    import calendar

    month_index = value.month - 1 + months
    year = value.year + month_index // 12
    month = month_index % 12 + 1
    day = min(value.day, calendar.monthrange(year, month)[1])
    return value.replace(year=year, month=month, day=day)


def local_today() -> dt.date:
    return timezone.localdate()


# --- workflow listeners ---------------------------------------------------------------------------
# The services report what they did; ``workflows.sync`` registers listeners that start and
# complete the matching viewflow tasks inside the same transaction. ``cases`` does not import
# ``workflows``: the dependency points one way.
_Listener = TypeVar("_Listener", bound=Callable[..., Any])
_workflow_listeners: dict[str, list[Callable[..., Any]]] = {}


def on_workflow_event(kind: str) -> Callable[[_Listener], _Listener]:
    def register(fn: _Listener) -> _Listener:
        _workflow_listeners.setdefault(kind, []).append(fn)
        return fn

    return register


def workflow_event(kind: str, **kwargs: Any) -> None:
    for listener in _workflow_listeners.get(kind, []):
        listener(**kwargs)


# --- after-commit listeners -----------------------------------------------------------------------
# ``notifications`` registers its dispatcher here: every transaction that appended a case event
# asks for a dispatch once it has committed (never before: PRODUCT §7).
_commit_listeners: list[Callable[[], Any]] = []


def on_events_committed(fn: _Listener) -> _Listener:
    _commit_listeners.append(fn)
    return fn


def _events_committed() -> None:
    for listener in _commit_listeners:
        listener()
