"""Reads go through selectors (issue 12): pages (``web/``) and API modules (``<app>/api/``) do not
query the ORM themselves. A line that names a model manager (``X.objects.…``, ``_default_manager``)
or looks a row up with ``get_object_or_404(Model, …)`` fails this test unless it is one of the
allowed shapes below, each a declaration rather than a read:

- ``queryset = Model.objects.none()`` on a DRF view: the model for the schema; ``get_queryset``
  reads through a selector;
- ``queryset=Model.objects.all()`` in a serializer's ``PrimaryKeyRelatedField`` or a form's
  ``ModelChoiceField``: which rows an id may name (the service checks the rest);
- ``.none()`` on a form field's empty choices.

``get_object_or_404(selector_queryset, pk=…)`` on a queryset a selector returned is a read the
selector already filtered, and is allowed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

ALLOWED = [
    re.compile(r"\bqueryset\s*=\s*\w+\.objects\.none\(\)"),
    re.compile(r"\bqueryset\s*=\s*\w+\.objects\.all\(\)"),
    re.compile(r"\.objects\.none\(\)"),
]
MANAGER = re.compile(r"\b[A-Z]\w*\.objects\b|\._default_manager\b|\bget_object_or_404\(\s*[A-Z]\w*\s*,")


def _modules() -> list[Path]:
    found = [p for p in (ROOT / "web").rglob("*.py") if "tests" not in p.parts]
    for app in ("core", "org", "rulebooks", "duties", "cases", "appraisal", "workflows", "notifications"):
        api = ROOT / app / "api"
        if api.is_dir():
            found += api.rglob("*.py")
    return sorted(found)


def offending_lines(text: str) -> list[tuple[int, str]]:
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        code = line.split("#", 1)[0]
        if not MANAGER.search(code):
            continue
        if any(pattern.search(code) for pattern in ALLOWED) and len(MANAGER.findall(code)) == 1:
            continue
        out.append((number, line.strip()))
    return out


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_pages_and_api_read_through_selectors(path):
    found = offending_lines(path.read_text(encoding="utf-8"))
    assert not found, f"{path.relative_to(ROOT)} reads the ORM itself; move it to a selector:\n" + "\n".join(
        f"  line {n}: {line}" for n, line in found
    )


def test_the_check_sees_a_read_and_lets_a_declaration_pass():
    text = (
        "qs = Case.objects.filter(state='x')\n"
        "case = get_object_or_404(Case, pk=pk)\n"
        "    queryset = Case.objects.none()  # for the schema\n"
        "    cadre = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.all())\n"
        "    row = get_object_or_404(cadres_visible(user), pk=pk)\n"
    )
    assert [n for n, _line in offending_lines(text)] == [1, 2]
