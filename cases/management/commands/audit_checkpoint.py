"""``python manage.py audit_checkpoint [--out FILE]``: the signed head of every case's event chain
(issue 15 item 8), for the superior organ to keep. ``verify_audit --checkpoint FILE`` later finds
any truncation or rewriting since (docs/audit.md)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from cases.selectors.audit import checkpoint


class Command(BaseCommand):
    help = "Write the signed heads of every case's audit chain (a checkpoint) to a file or stdout."

    def add_arguments(self, parser):
        parser.add_argument("--out", help="the file to write (default: standard output)")

    def handle(self, *args, **options):
        text = json.dumps(checkpoint(), ensure_ascii=False, indent=1) + "\n"
        if options.get("out"):
            Path(options["out"]).write_text(text, encoding="utf-8")
            self.stderr.write(f"checkpoint written to {options['out']}")
        else:
            self.stdout.write(text)
