"""The ``<id:…>`` path converter: a row id as the database can hold it (64-bit).

Django's ``<int:…>`` matches any run of digits, and a 24-digit id reaches the database, where
SQLite refuses it ("Python int too large to convert to SQLite INTEGER") and answers 500. An id
above 2**63 - 1 names nothing: the URL does not match and the answer is 404, as the schema says
(core.api.schema bounds path ids). Registered when the core app is ready (core.apps).
"""

from __future__ import annotations

from django.urls import register_converter

MAX_ID = 2**63 - 1


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError(value)  # no match: 404
        return number

    def to_url(self, value: int) -> str:
        return str(value)


def register() -> None:
    register_converter(IdConverter, "id")
