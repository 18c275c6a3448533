"""Signing primitives of the audit trail (PRODUCT §8; issue 15 item 8): canonical JSON, HMACs
under keys kept outside the database (``settings.AUDIT_KEYS``) and the digest of a row's values
that is the same whether taken from the object about to be saved or from the row read back.

The case layer builds the event chain on these (``cases.selectors.audit``); ``core.history``
signs history rows with them.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Field, Model
from django.utils import timezone


def canonical_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def sign(digest: str, key_id: str | None = None) -> str:
    """``key id:HMAC-SHA256(key, digest)`` with the current key (or ``key_id``'s)."""
    from django.conf import settings

    key_id = key_id or settings.AUDIT_KEY_ID
    mac = hmac.new(settings.AUDIT_KEYS[key_id].encode(), digest.encode(), hashlib.sha256).hexdigest()
    return f"{key_id}:{mac}"


def signature_valid(digest: str, mac: str) -> bool:
    """Whether ``mac`` signs ``digest`` under one of the configured keys (its own key id)."""
    from django.conf import settings

    key_id, _sep, _value = mac.partition(":")
    if key_id not in settings.AUDIT_KEYS:
        return False
    return hmac.compare_digest(sign(digest, key_id), mac)


def field_value(field: Field[Any, Any], value: Any) -> Any:
    """``value`` of ``field`` as JSON the database round trip does not change: an object's value
    before ``save()`` and the same column read back give the same result (a string date, a naive
    or a +08:00 datetime, an unquantized decimal, a tuple in a JSON field)."""
    if value is None:
        return None
    if field.get_internal_type() == "JSONField":
        return json.loads(json.dumps(value, cls=getattr(field, "encoder", None)))
    try:
        value = field.to_python(value)
    except ValidationError:
        return str(value)
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        places = getattr(field, "decimal_places", None)
        return str(value.quantize(decimal.Decimal(1).scaleb(-places)) if places is not None else value)
    if isinstance(value, bool | int | float | str):
        return value
    return str(getattr(value, "name", value))  # a FieldFile's stored name


def row_digest(model: type[Model], values: Mapping[str, Any], exclude: Iterable[str] = ()) -> str:
    """SHA-256 of a row of ``model``: every concrete column (by attname) but ``exclude``, taken
    from ``values`` (a ``values()`` row or an object's ``__dict__``). NULL columns are left out,
    which changes nothing for a given set of columns (NULL is the only value left out) and keeps
    the rows signed before a *nullable* column was added valid; a migration that adds a column
    with another default, or drops one, re-signs the rows (``cases`` migration 0026)."""
    skip = set(exclude)
    body = {}
    for field in model._meta.concrete_fields:
        if field.attname not in skip:
            value = field_value(field, values.get(field.attname))
            if value is not None:
                body[field.attname] = value
    return hashlib.sha256(canonical_json({"model": model._meta.label_lower, "row": body})).hexdigest()
