"""Persistence helpers every service uses: row locks, saving with history, today's date."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from core.typing import Actor

_M = TypeVar("_M", bound=Model)


def lock(model: type[_M], pk: int) -> _M:
    """Re-read a row under a row lock (PostgreSQL). SQLite has no row locks; there every
    transaction is IMMEDIATE (settings: WAL, a busy timeout), which serializes writers on the whole
    database at BEGIN, and ``ConcurrentTransitionMixin`` makes state updates conditional on the
    state read. A writer that waited out the busy timeout is a 409 (``core.errors.database_busy``)."""
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


_Day = TypeVar("_Day", dt.date, dt.datetime)


def add_months(value: _Day, months: int) -> _Day:
    """Calendar months, clamped to the month's last day (1 Jan 31 + 1 month = Feb 28/29)."""
    month_index = value.month - 1 + months
    year = value.year + month_index // 12
    month = month_index % 12 + 1
    day = min(value.day, calendar.monthrange(year, month)[1])
    return value.replace(year=year, month=month, day=day)


def local_today() -> dt.date:
    return timezone.localdate()
