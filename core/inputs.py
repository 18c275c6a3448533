"""Text no database or document can hold: NUL characters and lone surrogates (issue 15, item 7).

PostgreSQL refuses a NUL in text and no encoder writes a lone surrogate (``"\\ud800"`` in JSON,
``%ED%A0%80`` in a URL), so such input used to fail deep inside a view with a 500. It is refused
at the door instead (``core.middleware.BadInputMiddleware``) and by the WebSocket consumer.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, unquote_to_bytes

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable(text: str) -> bool:
    """Whether ``text`` holds a NUL or a lone surrogate."""
    return _UNSTORABLE.search(text) is not None


def bad_urlencoded(raw: str | bytes) -> bool:
    """Whether an ``a=b&c=d`` string (a query string or a form body) decodes to unstorable text:
    a percent-escaped NUL, or bytes that are not UTF-8 (a lone surrogate among them)."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    data = unquote_to_bytes(raw.replace(b"+", b" "))
    if b"\x00" in data:
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def bad_json(value: Any) -> bool:
    """Whether a parsed JSON document holds unstorable text in any key or string."""
    if isinstance(value, str):
        return unstorable(value)
    if isinstance(value, dict):
        return any(unstorable(str(k)) or bad_json(v) for k, v in value.items())
    if isinstance(value, list):
        return any(bad_json(v) for v in value)
    return False


def parse_query(raw: bytes) -> dict[str, list[str]] | None:
    """A WebSocket's query string as ``parse_qs`` gives it, or ``None`` when it is not clean UTF-8
    or holds unstorable text."""
    if bad_urlencoded(raw):
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return parse_qs(text, errors="strict")
