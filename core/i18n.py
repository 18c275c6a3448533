"""Messages written in both languages by code that has no request (the rule engine), shown in
the one the reader chose (issue 16 item 5: one vocabulary, never "中文 / English" side by side
in the UI)."""

from __future__ import annotations

from django.utils.functional import lazy
from django.utils.translation import get_language


def pick(chinese: str, english: str) -> str:
    """``chinese`` when Chinese is active, else ``english``; both where no language is active
    (a management command run without one)."""
    if not chinese:
        return english
    language = get_language()
    if not language:
        return f"{chinese} / {english}"
    return chinese if language.lower().startswith("zh") else english


bilingual = lazy(pick, str)
