"""``python manage.py verify_audit [--case ID]``: check every case's hash-chained event trail
(PRODUCT §8) and name the first row that no longer matches. Exit status 1 when one is found."""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.selectors.audit import verify_checkpoint, verify_events


class Command(BaseCommand):
    help = "Verify the hash chain of case events and name the first row that no longer matches."

    def add_arguments(self, parser):
        parser.add_argument("--case", type=int, help="only this case id")
        parser.add_argument(
            "--checkpoint", help="a file written by audit_checkpoint: every case head it names must still be in place"
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        checked, broken = verify_events(case_id=options.get("case"))
        elapsed = time.monotonic() - started
        if broken is not None:
            raise CommandError(f"Audit trail broken at {broken} (after checking {checked} events).")
        if options.get("checkpoint"):
            try:
                data = json.loads(Path(options["checkpoint"]).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read the checkpoint: {exc}") from exc
            problem = verify_checkpoint(data)
            if problem is not None:
                raise CommandError(f"Audit trail does not match the checkpoint of {data.get('created_at')}: {problem}.")
        self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {checked} events verified in {elapsed:.1f} s."))
