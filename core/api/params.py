"""Query and path parameters shared by every app's API: a bad value is a 400 (or a 404 for a
path id), never a server error (found by schemathesis on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from core.errors import NOT_FOUND, InvalidInput, NotFound


def int_param(name: str, value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInput({name: [_("Expected an integer.")]}) from None
    if not 0 <= number < 2**63:  # ids are 64-bit; anything else can match nothing
        raise InvalidInput({name: [_("Expected an integer.")]})
    return number


def date_param(name: str, value: Any, default: Any = None) -> Any:
    if not value:
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput({name: [_("Expected an ISO date such as 2026-01-31.")]}) from None


def year_param(value: Any, default: int) -> int:
    if value in (None, ""):
        return default
    year = int_param("year", value)
    if not 2000 <= year <= 2100:
        raise InvalidInput({"year": [_("Expected a year such as 2026.")]})
    return year


def pk_param(value: Any) -> int:
    """A path id; anything but an integer is simply not found (never a server error)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise NotFound(NOT_FOUND) from None
    if not 0 <= number < 2**63:
        raise NotFound(NOT_FOUND)
    return number


def validated(serializer_class: Any, data: Any, **kwargs: Any) -> Any:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
