"""``python manage.py rulebook list|export|import``: rulebooks as files (issue 13, docs/rulebooks.md).

- ``list [--all]``: the current version of every code (``--all``: every version).
- ``export CODE [--version N] [--format yaml|json] [-o FILE]``: a version as a file (stdout by
  default); the current version unless ``--version``.
- ``import FILE|- [--dry-run] [--reason TEXT] [--user USERNAME]``: parse and validate the file
  (``rulebooks.content.parse``), check it can be loaded (``rulebooks.services.rulebook_check``),
  print what changes against the version in force, and load it as the next version. ``--dry-run``
  and an unchanged file write nothing.

A bad file, an unknown code or user exits with status 2 and one line ``error: PATH (line N): …``
naming the JSON path; nothing is written.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser

from core.errors import InvalidInput
from org.selectors import users_by_username
from rulebooks import content as files
from rulebooks import selectors
from rulebooks.services import load_rulebook, rulebook_check


def _short(value: Any, limit: int = 60) -> str:
    text = "—" if value in (None, "") else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _row(row: dict[str, Any]) -> str:
    return f"measures [{', '.join(row['measures']) or '—'}]; sanctions [{', '.join(row['sanctions']) or '—'}]"


def _signed(added: list[str], removed: list[str]) -> str:
    return " ".join([f"+{x}" for x in added] + [f"-{x}" for x in removed]) or "(order)"


def diff_lines(change: dict[str, Any]) -> list[str]:
    """``content.diff`` as lines a person reads: ``+`` added, ``-`` removed, ``~`` changed."""
    lines: list[str] = []
    if change["meta"]:
        lines.append("meta 基本信息:")
        lines += [f"  ~ {m['field']}: {_short(m['old'])} → {_short(m['new'])}" for m in change["meta"]]
    articles = change["articles"]
    if any(articles.values()):
        lines.append("articles 条文:")
        lines += [f"  + {a['code']} {a['cite']}: {_short(a['text'])}" for a in articles["added"]]
        lines += [f"  - {a['code']} {a['cite']}: {_short(a['text'])}" for a in articles["removed"]]
        for a in articles["changed"]:
            parts = [f"{f}: {_short(a['old'].get(f))} → {_short(a['new'].get(f))}" for f in a["fields"]]
            lines.append(f"  ~ {a['code']} " + "; ".join(parts))
    measures = change["measures"]
    if measures["added"] or measures["removed"] or measures["changed"] or measures["reordered"]:
        lines.append("measures 问责方式:")
        lines += [f"  + {r['key']}: {_row(r)}" for r in measures["added"]]
        lines += [f"  - {r['key']}: {_row(r)}" for r in measures["removed"]]
        for r in measures["changed"]:
            parts = []
            if r["measures_added"] or r["measures_removed"] or r["old"]["measures"] != r["new"]["measures"]:
                parts.append("measures " + _signed(r["measures_added"], r["measures_removed"]))
            if r["sanctions_added"] or r["sanctions_removed"] or r["old"]["sanctions"] != r["new"]["sanctions"]:
                parts.append("sanctions " + _signed(r["sanctions_added"], r["sanctions_removed"]))
            if r["reasoning"]:
                parts.append(f"reasoning: {_short(r['new']['reasoning'])}")
            lines.append(f"  ~ {r['key']}: " + ("; ".join(parts) or "(keys)"))
        if measures["reordered"]:
            lines.append("  ~ the same rows in another order")
    for key, label in (
        ("veto", "veto 一票否决"),
        ("measures_note", "measures_note 说明"),
        ("obligations", "obligations"),
        ("deadlines", "deadlines 期限"),
        ("influence_periods", "influence_periods 影响期"),
    ):
        if change[key]:
            lines.append(
                f"{label}: {_short(files.canonical(change[key]['old']), 80)} → {_short(files.canonical(change[key]['new']), 80)}"
            )
    return lines


class Command(BaseCommand):
    help = "Rulebooks as files: list them, export a version, import a file as the next version."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="list|export|import")
        listing = actions.add_parser("list", help="the current version of every rulebook")
        listing.add_argument("--all", action="store_true", help="every version, not only the current ones")
        export = actions.add_parser("export", help="write a version as a file")
        export.add_argument("code")
        export.add_argument("--version", type=int, dest="number", help="the version (default: the current one)")
        export.add_argument("--format", choices=["yaml", "json"], default="yaml")
        export.add_argument("-o", "--output", help="the file to write (default: stdout)")
        load = actions.add_parser("import", help="load a file as the next version of its code")
        load.add_argument("file", help="a YAML or JSON rulebook file, or - for stdin")
        load.add_argument("--dry-run", action="store_true", help="print what would change; write nothing")
        load.add_argument("--reason", default="", help="why this version is loaded (kept in the history)")
        load.add_argument("--user", help="the username the history names (default: none, the command line)")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(**options)

    # --- list ---------------------------------------------------------------------------------

    def _list(self, **options: Any) -> None:
        books = selectors.all_versions() if options["all"] else selectors.rulebooks()
        names = selectors.jurisdiction_names({b.jurisdiction for b in books})
        for b in books:
            until = b.valid_to.isoformat() if b.valid_to else "…"
            mark = "*" if b.current else " "
            self.stdout.write(
                f"{mark} {b.code} v{b.version}  {b.valid_from.isoformat()}–{until}  {names[b.jurisdiction]}"
                f"  parent={b.parent or '—'}  {b.verification}  {b.title}"
            )

    # --- export -------------------------------------------------------------------------------

    def _export(self, **options: Any) -> None:
        book = selectors.rulebook_by_code(options["code"], options["number"])
        if book is None:
            which = f" v{options['number']}" if options["number"] else ""
            self._fail(f"$.code: 没有规则集 {options['code']}{which} / no rulebook {options['code']!r}{which} is loaded")
        data = selectors.rulebook_file(book)
        text = files.dump(data, options["format"])
        if options["format"] == "yaml":
            text = (
                f"# {book.title}\n# exported from Zeren: {book.code} v{book.version}, digest {book.digest}. "
                "'version' is ignored on import: a changed file loads as the next version.\n" + text
            )
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stderr.write(f"wrote {book.code} v{book.version} to {options['output']}")
        else:
            self.stdout.write(text, ending="")

    # --- import -------------------------------------------------------------------------------

    def _import(self, **options: Any) -> None:
        name = options["file"]
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self._fail(f"(file): 无法读取 {name} / cannot read {name}: {getattr(exc, 'strerror', None) or exc}")
        try:
            data = files.parse(text)
        except files.RulebookFileError as exc:
            self._fail(str(exc))
        user = None
        if options["user"]:
            found = users_by_username([options["user"]])
            if not found:
                self._fail(f"--user: 没有用户 {options['user']} / no user {options['user']!r}")
            user = found[0]
        current = selectors.rulebook_by_code(data["code"])
        unchanged = current is not None and current.digest == files.file_digest(data)
        if unchanged:
            assert current is not None
            self.stdout.write(
                f"{data['code']}: unchanged, v{current.version} is current; nothing written / 与现行版本相同，未写入"
            )
            return
        try:
            rulebook_check(data)
        except InvalidInput as exc:
            self._fail_at(exc, text)
        change = files.diff(selectors.rulebook_file(current) if current else None, data)
        target = f"v{current.version + 1}" if current else "v1"
        where = f"v{current.version} (current)" if current else "not loaded yet"
        self.stdout.write(f"{data['code']}: {where} → {target}")
        for line in diff_lines(change):
            self.stdout.write(line)
        if options["dry_run"]:
            self.stdout.write(f"dry run: nothing written (would load as {target}) / 试运行，未写入")
            return
        reason = options["reason"].strip() or f"manage.py rulebook import {name}"
        try:
            book, _created = load_rulebook(data, acting_user=user, reason=reason)
        except InvalidInput as exc:
            self._fail_at(exc, text)
        self.stdout.write(f"loaded {book.code} v{book.version} (digest {book.digest[:12]}) / 已载入")

    def _fail_at(self, exc: InvalidInput, text: str) -> NoReturn:
        detail = exc.detail if isinstance(exc.detail, dict) else {"$": [exc.detail]}
        path, messages = next(iter(detail.items()))
        line = files.line_of(text, path) if path.startswith("$") else None
        self._fail(f"{path}" + (f" (line {line})" if line else "") + f": {messages[0]}")

    def _fail(self, message: str) -> NoReturn:
        self.stderr.write(f"error: {message}")
        sys.exit(2)
