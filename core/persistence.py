"""Persistence helpers every service uses: row locks, saving with history, today's date."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.db import connection
from django.db.models import Model
from django.utils import timezone


def lock(model: type[Model], pk: int) -> Any:
    """Re-read a row under a row lock (PostgreSQL). SQLite has no row locks; there every write
    transaction is IMMEDIATE (settings), which serializes writers on the whole database, and
    ``ConcurrentTransitionMixin`` makes state updates conditional on the state read."""
    manager = model._default_manager
    if connection.features.has_select_for_update:
        return manager.select_for_update().get(pk=pk)
    return manager.get(pk=pk)


def save_with_history(obj: Model, *, acting_user, reason: str, **kwargs: Any) -> None:
    """Save a domain row so that its history row names who did it and why."""
    obj._history_user = acting_user
    obj._change_reason = reason
    obj.save(**kwargs)


def add_months(value, months: int):
    """Calendar months, clamped to the month's last day (1 Jan 31 + 1 month = Feb 28/29)."""
    month_index = value.month - 1 + months
    year = value.year + month_index // 12
    month = month_index % 12 + 1
    day = min(value.day, calendar.monthrange(year, month)[1])
    return value.replace(year=year, month=month, day=day)


def local_today() -> dt.date:
    return timezone.localdate()
