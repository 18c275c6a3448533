"""The OpenAPI document tells what the server does (issue 15, item 1).

drf-spectacular documents what a view declares; the errors every operation can answer come from
layers no view declares (authentication, permissions, the parsers, ``core.middleware``, the
pagination, the URL resolver). ``document_errors`` is a postprocessing hook that adds them, all
with the one error shape ``Error`` (``core.api.errors``), to every operation that does not state
its own:

- 400 ``invalid``/``parse_error``: a parameter or body the operation cannot take (on every
  operation: a query string with a NUL byte or a lone surrogate is refused everywhere);
- 401 ``not_authenticated``/``authentication_failed`` (with ``WWW-Authenticate: Token``);
- 403 ``not_permitted``; 404 ``not_found`` (no such object, not visible to the caller, or a page
  past the end); 405 ``method_not_allowed``; 406 ``not_acceptable``;
- on writes: 409 (``transition_not_allowed``, ``concurrent_modification``, a business rule the
  current state refuses), 413 ``request_too_large``, 415 ``unsupported_media_type``;
- 429 ``throttled`` (django-axes' lockout of the token endpoint).

The hook also names the error shape ``Error`` in one place: the view-local error serializers
(``DocumentError``, ``RulebookError``) are folded into it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiSerializerExtension, OpenApiSerializerFieldExtension
from rest_framework import serializers

from core.inputs import past_date, past_datetime, plausible_date

ERROR_COMPONENT: dict[str, Any] = {
    "type": "object",
    "description": (
        "The one error shape (core.api.errors): a machine code and a message, or {field: [messages]} for "
        "invalid input. Some errors add fields (e.g. cases, basis)."
    ),
    "properties": {
        "error": {
            "type": "string",
            "description": (
                "invalid, parse_error, invalid_reference, not_authenticated, authentication_failed, not_permitted, "
                "not_found, method_not_allowed, not_acceptable, transition_not_allowed, concurrent_modification, "
                "precondition_failed, request_too_large, unsupported_media_type, throttled, server_error, …"
            ),
        },
        "detail": {
            "description": "A message, or {field: [messages]} for invalid input.",
            "oneOf": [
                {"type": "string"},
                {"type": "object", "additionalProperties": True},
                {"type": "array", "items": {}},
            ],
        },
    },
    "required": ["error", "detail"],
    "additionalProperties": True,
}

COMMON: dict[str, str] = {
    "401": "not_authenticated / authentication_failed: no, a wrong, an expired or a revoked token "
    "(header WWW-Authenticate: Token).",
    "403": "not_permitted: the caller has no right to this.",
    "404": "not_found: no such object, not visible to the caller, or a page past the end.",
    "405": "method_not_allowed.",
    "406": "not_acceptable: the Accept header names no type this operation answers.",
    "429": "throttled: too many failed sign-ins (the account and address are locked for a while).",
}
WITH_INPUT = {"400": "invalid / parse_error: a parameter or the body does not fit this operation (field messages in detail)."}
WRITES: dict[str, str] = {
    "409": "transition_not_allowed / concurrent_modification / precondition_failed: the current state refuses it, "
    "or someone changed it first.",
    "413": "request_too_large: the body is larger than the server accepts.",
    "415": "unsupported_media_type: the body's Content-Type is not one this operation reads.",
}
FOLDED = ("DocumentError", "RulebookError")
ERROR_REF = {"$ref": "#/components/schemas/Error"}
METHODS = ("get", "put", "post", "patch", "delete", "head", "options")


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": dict(ERROR_REF)}}}


def _fold(node: Any) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.rsplit("/", 1)[-1] in FOLDED:
            return dict(ERROR_REF)
        return {key: _fold(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_fold(value) for value in node]
    return node


RULE_PREFIX = "Server rule:"


def _mark_rules(node: Any) -> None:
    """A field whose description states a ``Server rule: …`` carries it as ``x-server-rule`` too."""
    if isinstance(node, dict):
        description = node.get("description")
        if isinstance(description, str) and RULE_PREFIX in description and "x-server-rule" not in node:
            node["x-server-rule"] = description.split(RULE_PREFIX, 1)[1].strip()
        for value in node.values():
            _mark_rules(value)
    elif isinstance(node, list):
        for value in node:
            _mark_rules(value)


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: every operation documents the errors it can answer."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name in FOLDED:
        schemas.pop(name, None)
    schemas["Error"] = ERROR_COMPONENT
    result["paths"] = _fold(result.get("paths", {}))
    _mark_rules(result)
    for item in result["paths"].values():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for parameter in operation.get("parameters", []):
                # Ids are 64-bit: a larger number names nothing (404), so the schema bounds them.
                schema = parameter.get("schema", {})
                if parameter.get("in") == "path" and schema.get("type") == "integer":
                    schema.setdefault("minimum", 0)
                    schema.setdefault("maximum", 2**63 - 1)
            # Even an operation without parameters refuses a query string it cannot store: 400 on all.
            wanted = {**COMMON, **WITH_INPUT}
            if method in ("post", "put", "patch", "delete"):
                wanted.update(WRITES)
            for status, description in wanted.items():
                existing = responses.get(status)
                if existing is None:
                    responses[status] = _error_response(description)
                elif "content" not in existing:
                    existing["content"] = {"application/json": {"schema": dict(ERROR_REF)}}
    return result


# --- rules the schema language cannot state ----------------------------------------------------
# A schema-valid request can still be refused with 400 and field errors (PRODUCT §9: "a bad
# payload returns 400 with field errors") where the rule depends on data: an id must name an
# object that exists and that the caller may see; a time must not lie in the future; a report
# must not precede its accident. Each such field carries ``x-server-rule`` saying which rule,
# so a client (and the schemathesis run in tests/test_schemathesis.py) knows which 400s a
# well-formed request can still meet; any other 400 to a schema-valid request is a bug.

SERVER_RULE = "x-server-rule"
EXISTS = "must name an existing object the caller may see"


class ReferenceFieldExtension(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    """Primary-key references in request bodies state the rule they are checked against."""

    target_class = "rest_framework.relations.PrimaryKeyRelatedField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if direction == "request":
            schema[SERVER_RULE] = EXISTS
        return schema


def server_rule(rule: str) -> dict[str, str]:
    """``extend_schema_field``-style extension for a field checked against ``rule`` by the server."""
    return {SERVER_RULE: rule}


# --- bodies that refuse fields they do not name ------------------------------------------------


class ClosedBody(serializers.Serializer):  # type: ignore[type-arg]  # a base for request bodies
    """A request body that refuses any field it does not declare (400 ``Unknown field.``); its
    schema says so with ``additionalProperties: false``. For bodies where a misspelt field
    would otherwise be dropped silently (a finding, an engine input, a decision)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return super().to_internal_value(data)


class ClosedBodyExtension(OpenApiSerializerExtension):  # type: ignore[no-untyped-call]
    target_class = ClosedBody
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_basic_serializer(self.target, direction)
        if direction == "request":
            schema["additionalProperties"] = False
        return schema


DATE_RULES: dict[Any, str] = {
    past_date: "from 1949, not after today",
    past_datetime: "from 1949, not after now",
    plausible_date: "from 1949 to the end of next year",
}


def _date_rule(field: Any) -> str | None:
    return next((rule for validator, rule in DATE_RULES.items() if validator in field.validators), None)


class _DateRuleExtension(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    """Dates and times checked against today (core.inputs) state the rule in the schema."""

    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        rule = _date_rule(self.target)
        if direction == "request" and rule is not None:
            schema.setdefault(SERVER_RULE, rule)
        return schema


class DateRuleExtension(_DateRuleExtension):  # type: ignore[no-untyped-call]
    target_class = "rest_framework.fields.DateField"


class DateTimeRuleExtension(_DateRuleExtension):  # type: ignore[no-untyped-call]
    target_class = "rest_framework.fields.DateTimeField"
