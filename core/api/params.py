"""Query and path parameters shared by every app's API: a bad value is a 400 (or a 404 for a
path id), never a server error (found by schemathesis on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
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
    """An ISO date; absent (``None``) gives ``default``, an empty or malformed value is a 400."""
    if value is None:
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput({name: [_("Expected an ISO date such as 2026-01-31.")]}) from None


def year_param(value: Any, default: int) -> int:
    if value is None:
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


def bool_param(name: str, value: Any) -> bool:
    """``true``/``false`` (``1``/``0`` too); anything else is a 400, as the schema states."""
    if value is None:
        return False
    lowered = str(value).lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise InvalidInput({name: [_("Expected true or false.")]})


def choice_param(name: str, value: Any, choices: Any) -> str | None:
    """One code of ``choices`` or nothing (absent); an unknown or empty code is a 400 naming it."""
    if value is None:
        return None
    if value not in choices:
        raise InvalidInput({name: [_("Unknown value “%(v)s”.") % {"v": value}]})
    return str(value)


def choices_param(name: str, value: Any, choices: Any) -> list[str] | None:
    """A comma-separated list of codes of ``choices``; an unknown or empty one is a 400 naming it."""
    if value is None:
        return None
    values = str(value).split(",")
    for one in values:
        if one not in choices:
            raise InvalidInput({name: [_("Unknown value “%(v)s”.") % {"v": one}]})
    return values


# --- how the schema states them (drf-spectacular OpenApiParameter) -----------------------------

ID_SCHEMA: dict[str, Any] = {"type": "integer", "minimum": 0, "maximum": 2**63 - 1}
YEAR_SCHEMA: dict[str, Any] = {"type": "integer", "minimum": 2000, "maximum": 2100}


def id_query(name: str, description: str = "") -> OpenApiParameter:
    return OpenApiParameter(name, ID_SCHEMA, description=description or f"the id of a {name}")


def year_query(description: str = "") -> OpenApiParameter:
    return OpenApiParameter("year", YEAR_SCHEMA, description=description)


def date_query(name: str, description: str = "ISO date") -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.DATE, description=description)


def bool_query(name: str, description: str = "") -> OpenApiParameter:
    return OpenApiParameter(name, bool, description=description)


def choice_query(name: str, choices: Any, description: str = "") -> OpenApiParameter:
    return OpenApiParameter(name, str, enum=sorted(choices), description=description)


def choices_query(name: str, choices: Any, description: str = "") -> OpenApiParameter:
    """A comma-separated list (``?state=a,b``): an array, not exploded."""
    schema = {"type": "array", "items": {"type": "string", "enum": sorted(choices)}, "minItems": 1}
    return OpenApiParameter(name, schema, explode=False, style="form", description=description)


# A calendar date from 2000-01-01 to 2099-12-31 (leap days included), for the parameters whose
# answer is computed over periods that must stay inside ``datetime.date``.
DATE_2000S_PATTERN = (
    r"^20[0-9]{2}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    r"|02-(?:0[1-9]|1[0-9]|2[0-8]))$|^20(?:0[048]|[2468][048]|[13579][26])-02-29$"
)


def date_2000s_query(name: str, description: str = "ISO date from 2000 to 2099") -> OpenApiParameter:
    return OpenApiParameter(name, {"type": "string", "format": "date", "pattern": DATE_2000S_PATTERN}, description=description)


def date_2000s_param(name: str, value: Any, default: Any = None) -> Any:
    day = date_param(name, value, default)
    if day is not None and value is not None and not 2000 <= day.year <= 2099:
        raise InvalidInput({name: [_("Expected a date from 2000 to 2099.")]})
    return day


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
