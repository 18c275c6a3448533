"""Celery tasks of the cases app (docs/deploy.md). Each calls the service its management command
calls, so the worker and ``manage.py`` do the same thing."""

from __future__ import annotations

from celery import shared_task

from cases.services import deadlines


@shared_task(name="cases.run_deadlines")
def run_deadlines() -> dict[str, int]:
    """``manage.py run_deadlines`` on the worker, sent by beat: warn before and escalate after each
    time limit, once. The counts are the task's return value (in the worker's log)."""
    return deadlines.run_deadlines()
