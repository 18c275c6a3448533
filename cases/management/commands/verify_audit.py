"""``python manage.py verify_audit [--case ID] [--checkpoint FILE]``: check every case's signed
event chain, the signed history rows and the live case rows (PRODUCT §8; docs/audit.md) and name
the first row that no longer matches (case id and number, which row, what). Exit status 1 when
one is found. Messages are in Chinese and English: the operator and the superior organ read them."""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.selectors.audit import verify_checkpoint, verify_events


class Command(BaseCommand):
    help = (
        "Verify the signed chain of case events, the signed history rows and the live case rows; "
        "name the first row that no longer matches."
    )

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
            raise CommandError(f"审计记录被篡改 / Audit trail broken at {broken} (after checking {checked} events).")
        if options.get("checkpoint"):
            try:
                data = json.loads(Path(options["checkpoint"]).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read the checkpoint: {exc}") from exc
            problem = verify_checkpoint(data)
            if problem is not None:
                raise CommandError(
                    f"审计记录与检查点不符 / Audit trail does not match the checkpoint of {data.get('created_at')}: {problem}."
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"审计记录完整 / Audit trail intact: {checked} events verified, "
                f"with the history rows and case rows, in {elapsed:.1f} s."
            )
        )
