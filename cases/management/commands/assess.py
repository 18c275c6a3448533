"""``python manage.py assess FILE|-``: the rule engine from the command line (PRODUCT §2).

Prints the output JSON, the same as ``POST /api/v1/assessments/evaluate/``. Bad input exits
with status 2 and one line naming the field.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand

from cases.rules.engine import AssessmentInputError
from cases.selectors.assessments import default_jurisdiction, department_named, evaluate


class Command(BaseCommand):
    help = "Evaluate one subject's findings (JSON from FILE, or - for stdin) and print the rule engine's output."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a JSON file with the rule-engine input, or - for stdin")
        parser.add_argument(
            "--jurisdiction",
            help="a department code or id whose rulebook applies (default: the input's jurisdiction, "
            "else ZEREN_DEFAULT_JURISDICTION)",
        )

    def handle(self, *args, **options):
        path = options["file"]
        try:
            text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
        except OSError as exc:
            self._fail(f"file: cannot read {path}: {exc.strerror}")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            self._fail(f"(body): not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})")
        place = default_jurisdiction()
        if options.get("jurisdiction"):
            place = department_named(options["jurisdiction"])
            if place is None:
                self._fail(f"jurisdiction: 未知部门 / unknown department {options['jurisdiction']!r}")
        try:
            output, _snapshot = evaluate(data, jurisdiction=place)
        except AssessmentInputError as exc:
            self._fail(f"{exc.field}: {exc.message}")
        self.stdout.write(json.dumps(output, ensure_ascii=False, indent=2))

    def _fail(self, message: str) -> None:
        self.stderr.write(f"error: {message}")
        sys.exit(2)
