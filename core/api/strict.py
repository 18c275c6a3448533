"""JSON types as the schema states them (issue 15, item 1).

DRF's ``CharField`` takes a number and turns it into text, and its ``DecimalField`` takes a
JSON number, while the schema (drf-spectacular) says ``type: string`` for both: a client that
sends ``{"reporter": 5}`` is told nothing, and a schema-violating request is accepted. Zeren's
API reads exactly the types its schema states: a number where text is expected is a 400 with
the field's ``invalid`` message. Multipart form fields are always text and so are unaffected.

Applied once, when the core app is ready (core.apps), to every text and decimal field of every
serializer, including the ones ModelSerializer builds.
"""

from __future__ import annotations

from typing import Any

from rest_framework import fields

_PATCHED = "_zeren_strict"


def strict_json_types() -> None:
    if getattr(fields.CharField, _PATCHED, False):
        return
    text_internal = fields.CharField.to_internal_value
    decimal_internal = fields.DecimalField.to_internal_value

    def text(self: fields.CharField, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid")
        return text_internal(self, data)

    def decimal(self: fields.DecimalField, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid")
        return decimal_internal(self, data)

    fields.CharField.to_internal_value = text  # type: ignore[method-assign,assignment]
    fields.DecimalField.to_internal_value = decimal  # type: ignore[method-assign,assignment]
    setattr(fields.CharField, _PATCHED, True)
