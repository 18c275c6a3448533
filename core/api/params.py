"""Query and path parameters shared by every app's API: a bad value is a 400 (or a 404 for a
path id), never a server error (found by schemathesis on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

from core.errors import NOT_FOUND, InvalidInput, NotFound
from core.inputs import too_long


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


def bounds_errors(serializer_class: type, data: Any) -> dict[str, Any]:
    """The length and date limits a serializer states (``max_length``, a date's validators),
    checked on the raw ``data`` of a view that hands its body to a service as it came (findings,
    transitions, the rule engine): ``{field: [messages]}``, empty when all hold. Other checks
    stay the service's, so its own messages and codes are unchanged."""
    if not isinstance(data, dict):
        return {}
    fields = serializer_class().fields
    errors: dict[str, Any] = {}
    for name, value in data.items():
        field = fields.get(name)
        if field is None:
            continue
        if isinstance(field, serializers.CharField) and field.max_length and isinstance(value, str):
            if len(value) > field.max_length:
                errors[name] = [too_long(field.max_length)]
        elif isinstance(field, serializers.ListField) and isinstance(value, list):
            child = field.child
            limit = getattr(child, "max_length", None) if isinstance(child, serializers.CharField) else None
            if limit and any(isinstance(item, str) and len(item) > limit for item in value):
                errors[name] = [too_long(limit)]
        elif isinstance(field, serializers.DateField) and isinstance(value, str):
            try:
                day = dt.date.fromisoformat(value)
            except ValueError:
                continue  # the service names a malformed date in its own words
            try:
                for validator in field.validators:
                    cast(Callable[[Any], None], validator)(day)
            except ValidationError as exc:
                errors[name] = list(exc.messages)
        elif isinstance(field, serializers.Serializer) and isinstance(value, dict):
            nested = bounds_errors(type(field), value)
            if nested:
                errors[name] = nested
    return errors


def check_bounds(serializer_class: type, data: Any) -> None:
    """``bounds_errors`` as a 400 naming the fields, before anything is written."""
    errors = bounds_errors(serializer_class, data)
    if errors:
        raise InvalidInput(errors)
