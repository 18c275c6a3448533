"""The list pages' helpers: ``{{ text|highlight:q }}`` and ``{% sort_th controls "key" label %}``."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_MAX_TERMS = 8


@register.filter
def highlight(text: object, query: object) -> SafeString:
    """``text`` escaped, with each case-insensitive match of the query's words in ``<mark>``.

    The raw text is split around the matches and every piece escaped on its own, so a mark never
    lands inside an entity or a tag, and nothing of the text or query is ever trusted as HTML.
    Apply it to text only (never to an attribute or a URL)."""
    value = "" if text is None else str(text)
    terms = sorted({t for t in str(query or "").split() if t}, key=len, reverse=True)[:_MAX_TERMS]
    if not value or not terms:
        return escape(value)
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    out: list[str] = []
    pos = 0
    for match in pattern.finditer(value):
        out.append(escape(value[pos : match.start()]))
        out.append(f"<mark>{escape(match.group())}</mark>")
        pos = match.end()
    out.append(escape(value[pos:]))
    return mark_safe("".join(out))  # every piece escaped above


@register.inclusion_tag("web/lists/_sort_th.html")
def sort_th(controls, key: str, label: object, css: str = "") -> dict:
    return {"h": controls.header(key), "label": label, "css": css}
