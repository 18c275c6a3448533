"""Print the first-start banner of ``scripts/run``: where Zeren serves and every demo user.

The users come from ``demo.world.demo_usernames``, the list ``loaddemo`` creates, so the banner
lists exactly the accounts that exist after ``loaddemo``.
"""

from __future__ import annotations

import textwrap
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from demo.world import demo_usernames


def banner_lines(url: str) -> list[str]:
    """The banner: the address, then every demo user and the password."""
    users = textwrap.wrap(", ".join(demo_usernames()), width=88, break_on_hyphens=False)
    return [
        f"Zeren: {url}  (admin: /admin/, API docs: /api/docs/)",
        f"Demo users ({len(demo_usernames())}), password {settings.DEMO_PASSWORD!r} (DEMO_PASSWORD):",
        *(f"  {line}" for line in users),
    ]


class Command(BaseCommand):
    help = "Print where Zeren serves and every demo user with its password (the scripts/run banner)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="the address Zeren serves on")

    def handle(self, *args: Any, **options: Any) -> None:
        for line in banner_lines(options["url"]):
            self.stdout.write(line)
