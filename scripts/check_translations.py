#!/usr/bin/env python3
"""Check gettext catalogs for untranslated, fuzzy or placeholder-mismatched entries.

Usage:
    python scripts/check_translations.py [PO_FILE ...]

Without arguments every ``locale/*/LC_MESSAGES/*.po`` under the project root is checked.
Exits 1 and lists each problem when any entry
  - has an empty msgstr (or an empty msgstr[n] for plural entries),
  - carries a ``fuzzy`` flag (the header included: msgfmt ignores fuzzy entries), or
  - uses different placeholders in msgid and msgstr: named ``%(name)s`` ones always, and for
    ``python-format`` entries also positional ``%s``/``%d`` ones, compared as multisets.
Obsolete entries (``#~``) are ignored. Standard library only.
"""

from __future__ import annotations

import ast
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

ROOT = Path(__file__).resolve().parent.parent

# A printf-style conversion, optionally named: %(name)s, %(n)d, %s, %5.2f …; "%%" is a literal.
PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<conv>[diouxXeEfFgGcrsa%])")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    has_msgid: bool = False

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None


def _unquote(text: str, path: Path, lineno: int) -> str:
    text = text.strip()
    if not (len(text) >= 2 and text[0] == '"' and text[-1] == '"'):
        raise ValueError(f"{path}:{lineno}: expected a quoted string, got {text!r}")
    # PO strings use C escapes, which coincide with Python's for what gettext emits.
    return ast.literal_eval(text)


def parse_po(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None  # which field continuation lines extend
    pending_flags: set[str] = set()
    pending_line = 0

    def finish() -> None:
        nonlocal current
        if current is not None:
            entries.append(current)
        current = None

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            target = None
            continue
        if line.startswith("#~"):  # obsolete entry
            target = None
            continue
        if line.startswith("#"):
            if current is not None and current.msgstr:
                finish()
            if line.startswith("#,"):
                pending_flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            if not pending_line:
                pending_line = lineno
            target = None
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            if current is None or target is None:
                raise ValueError(f"{path}:{lineno}: continuation line outside an entry")
            name, index = target
            value = _unquote(line, path, lineno)
            if name == "msgstr":
                current.msgstr[cast(int, index)] += value  # msgstr targets always carry their index
            else:
                setattr(current, name, getattr(current, name) + value)
            continue
        if keyword in ("msgctxt", "msgid") and current is not None:
            # A new entry starts unless this msgid follows the current entry's msgctxt.
            if current.msgstr or current.has_msgid or keyword == "msgctxt":
                finish()
        if current is None:
            if keyword not in ("msgctxt", "msgid"):
                raise ValueError(f"{path}:{lineno}: {keyword} before msgid")
            current = Entry(line=pending_line or lineno, flags=pending_flags)
            pending_flags, pending_line = set(), 0
        value = _unquote(rest, path, lineno)
        if keyword == "msgctxt":
            current.msgctxt, target = value, ("msgctxt", None)
        elif keyword == "msgid":
            current.msgid, target = value, ("msgid", None)
            current.has_msgid = True
        elif keyword == "msgid_plural":
            current.msgid_plural, target = value, ("msgid_plural", None)
        elif keyword == "msgstr":
            current.msgstr[0], target = value, ("msgstr", 0)
        elif m := re.fullmatch(r"msgstr\[(\d+)\]", keyword):
            index = int(m.group(1))
            current.msgstr[index], target = value, ("msgstr", index)
        else:
            raise ValueError(f"{path}:{lineno}: unknown keyword {keyword!r}")
    finish()
    return entries


def placeholders(text: str, *, positional: bool) -> Counter[str]:
    found: Counter[str] = Counter()
    for m in PLACEHOLDER.finditer(text):
        if m.group("conv") == "%":
            continue
        if m.group("name") is not None:
            found[m.group(0)] += 1
        elif positional:
            found[m.group(0)] += 1
    return found


def check_file(path: Path) -> list[str]:
    problems = []
    for entry in parse_po(path):
        label = "(header)" if entry.is_header else repr(entry.msgid)
        if entry.msgctxt is not None:
            label = f"[{entry.msgctxt}] {label}"
        where = f"{path}:{entry.line}: {label}"
        if "fuzzy" in entry.flags:
            problems.append(f"{where}: fuzzy")
        if entry.is_header:
            continue
        if not entry.msgstr or any(not s for s in entry.msgstr.values()):
            problems.append(f"{where}: empty msgstr")
            continue
        positional = "python-format" in entry.flags
        for index, translated in sorted(entry.msgstr.items()):
            source = entry.msgid if index == 0 or entry.msgid_plural is None else entry.msgid_plural
            expected = placeholders(source, positional=positional)
            got = placeholders(translated, positional=positional)
            if entry.msgid_plural is not None and expected != got:
                # A plural translation may use the singular's or the plural's placeholders.
                alternative = placeholders(entry.msgid, positional=positional)
                if alternative == got:
                    continue
            if expected != got:
                missing = sorted((expected - got).elements())
                extra = sorted((got - expected).elements())
                problems.append(f"{where}: placeholders differ in msgstr[{index}]: missing {missing}, unexpected {extra}")
    return problems


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted(ROOT.glob("locale/*/LC_MESSAGES/*.po"))
    if not paths:
        print("No .po files found.", file=sys.stderr)
        return 1
    problems: list[str] = []
    total = 0
    for path in paths:
        total += sum(1 for e in parse_po(path) if not e.is_header)
        problems += check_file(path)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in {len(paths)} file(s).", file=sys.stderr)
        return 1
    print(f"OK: {total} entries in {len(paths)} file(s) are translated, not fuzzy, with matching placeholders.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
