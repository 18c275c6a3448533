"""Rewrite the search documents of the cases (issue 16, ``cases.search``).

The services keep them current; this is for data loaded behind their back (the benchmark's SQL
seed, a restore from elsewhere) and after a change to what a document holds.

    manage.py case_search_rebuild [--start ID] [--batch N]
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cases.search import case_search_rebuild


class Command(BaseCommand):
    help = "Rewrite the search documents of the cases with an id from --start on."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--start", type=int, default=0)
        parser.add_argument("--batch", type=int, default=2000)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()

        def log(done: int, last: int) -> None:
            if done % 100_000 < options["batch"]:
                self.stdout.write(f"{done:,} documents (to case {last}), {time.perf_counter() - started:.0f} s")

        done = case_search_rebuild(batch=options["batch"], start=options["start"], log=log)
        self.stdout.write(f"{done:,} documents in {time.perf_counter() - started:.0f} s")
