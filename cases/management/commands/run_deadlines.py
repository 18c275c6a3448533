"""``python manage.py run_deadlines``: warn before and escalate after every time limit, once.

Run it periodically (cron or the task scheduler in production); running it twice raises nothing
twice."""

from django.core.management.base import BaseCommand

from cases.services.deadlines import run_deadlines


class Command(BaseCommand):
    help = "Warn before and escalate after each time limit (idempotent)."

    def handle(self, *args, **options):
        counts = run_deadlines()
        self.stdout.write(f"warnings: {counts['warning']}, escalations: {counts['overdue']}")
