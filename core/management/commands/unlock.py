"""``manage.py unlock USERNAME …``: lift a login lockout (django-axes) for these usernames, from
every address, before the cool-off ends (an administrator's unlock; docs/deploy.md)."""

from __future__ import annotations

from typing import Any

from axes.utils import reset
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Lift the login lockout of the given usernames (every address) and clear their failed attempts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="+")

    def handle(self, *args: Any, **options: Any) -> None:
        for username in options["username"]:
            removed = reset(username=username)
            self.stdout.write(f"{username}: {removed} locked or failed attempt record(s) removed.")
