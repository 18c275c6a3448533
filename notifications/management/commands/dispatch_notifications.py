"""``python manage.py dispatch_notifications [--loop]``: turn undispatched case events into
notifications and push them. Safe to run in several processes at once (events are claimed)."""

import time

from django.core.management.base import BaseCommand

from notifications.services import dispatch_pending


class Command(BaseCommand):
    help = "Dispatch pending notifications once, or keep doing it with --loop."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep polling")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls with --loop")

    def handle(self, *args, **options):
        while True:
            created = dispatch_pending()
            if not options["loop"]:
                self.stdout.write(f"notifications created: {created}")
                return
            time.sleep(options["interval"])
