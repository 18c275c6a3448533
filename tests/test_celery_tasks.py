"""The Celery tasks do what the management commands do (issue 7, docs/deploy.md).

The test settings are the embedded default (``ZEREN_TASKS_EAGER=1``, so
``CELERY_TASK_ALWAYS_EAGER``): ``.delay()`` runs the real task in this process, through Celery's
own call path, with no broker. ``scripts/multinode`` runs the same tasks on a real worker and beat.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from smtplib import SMTPException

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.utils import timezone

from cases.codes import CaseState
from cases.models import CaseEvent, DeadlineAlert, ExecutionTask
from cases.tests.scenarios import case_in_state, new_lead
from config.celery import app as celery_app
from notifications.models import Notification, NotificationPreference

ROOT = Path(__file__).resolve().parent.parent


def _registered_tasks() -> set[str]:
    celery_app.loader.import_default_modules()  # what the worker does at start: autodiscovery
    return set(celery_app.tasks)


def test_every_beat_entry_names_a_registered_task():
    tasks = _registered_tasks()
    scheduled = {name: entry["task"] for name, entry in settings.CELERY_BEAT_SCHEDULE.items()}
    assert scheduled == {"deadlines": "cases.run_deadlines", "notification-outbox": "notifications.dispatch_outbox"}
    assert set(scheduled.values()) <= tasks
    assert "notifications.send_emails" in tasks


# Transactional: the scheduler closes "old" database connections as beat does between ticks,
# which a test wrapped in one transaction cannot survive.
@pytest.mark.django_db(transaction=True)
def test_beat_seeds_its_database_schedule_from_the_settings():
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler

    DatabaseScheduler(app=celery_app)  # what ``celery -A config beat`` does at start
    rows = {t.name: t for t in PeriodicTask.objects.select_related("interval")}
    assert set(rows) == set(settings.CELERY_BEAT_SCHEDULE)  # no stray entries (no result cleanup)
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert rows[name].task == entry["task"] and rows[name].enabled
        assert dt.timedelta(seconds=rows[name].interval.every) == entry["schedule"]
    # An entry paused in the admin stays paused when beat restarts.
    PeriodicTask.objects.filter(name="deadlines").update(enabled=False)
    DatabaseScheduler(app=celery_app)
    assert not PeriodicTask.objects.get(name="deadlines").enabled


@pytest.mark.django_db
def test_the_deadlines_task_raises_what_the_command_would_and_only_once(world, capsys):
    from cases.tasks import run_deadlines

    case = case_in_state(world, CaseState.EXECUTING)
    task = ExecutionTask.objects.get(case=case, kind="measure")
    due = dt.datetime.combine(task.due_on, dt.time(23, 59, 59), tzinfo=timezone.get_current_timezone())
    with time_machine.travel(due + dt.timedelta(hours=1)):
        counts = run_deadlines.delay().get()
        assert counts["overdue"] >= 1
        assert DeadlineAlert.objects.filter(key=f"execution:{task.pk}:overdue").count() == 1
        # The command runs the same service afterwards and finds nothing left to raise.
        call_command("run_deadlines")
        assert capsys.readouterr().out == "warnings: 0, escalations: 0\n"
        assert run_deadlines.delay().get() == {"warning": 0, "overdue": 0}
    assert CaseEvent.objects.filter(case=case, kind="deadline_overdue", payload__item=f"execution:{task.pk}").count() == 1


@pytest.mark.django_db
def test_the_outbox_task_dispatches_what_the_command_would(world, capsys):
    from notifications.tasks import dispatch_outbox

    # Without running the on-commit hooks the events stay in the outbox, as with a worker that
    # has not picked them up yet.
    case = new_lead(world)
    assert CaseEvent.objects.filter(case=case, dispatched_at__isnull=True).exists()
    created = dispatch_outbox.delay().get()
    assert created > 0
    assert Notification.objects.filter(case=case, recipient__username="discipline_leader", kind="lead_routed").count() == 1
    assert not CaseEvent.objects.filter(dispatched_at__isnull=True).exists()
    call_command("dispatch_notifications")
    assert capsys.readouterr().out == "notifications created: 0\n"
    assert dispatch_outbox.delay().get() == 0


class FlakyBackend(EmailBackend):
    """The mail server refuses the first message it is given, then accepts (the boundary)."""

    refused = 0

    def send_messages(self, messages):
        if FlakyBackend.refused == 0:
            FlakyBackend.refused += 1
            raise SMTPException("421 try again later")
        return super().send_messages(messages)


@pytest.mark.django_db
def test_the_email_task_retries_only_what_failed_and_never_sends_twice(world, settings):
    from notifications.tasks import dispatch_outbox, send_emails

    for username in ("discipline_officer", "discipline_officer2"):
        NotificationPreference.objects.create(user=world.users[username], email=True)
    case = new_lead(world)
    dispatch_outbox.delay().get()  # eager: emails go out inline here, with the default backend
    ids = list(
        Notification.objects.filter(case=case, recipient__username__in=["discipline_officer", "discipline_officer2"])
        .order_by("id")
        .values_list("id", flat=True)
    )
    assert len(ids) == 2
    Notification.objects.filter(pk__in=ids).update(emailed_at=None)  # as if the inline send never happened
    mail.outbox = []
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.refused = 0
    # The first message is refused; the task retries with that one only. ``apply(throw=False)`` runs
    # it here as a worker would: the Retry is taken as "run again", at once instead of after the
    # countdown (``.delay()`` under the eager test settings would propagate the Retry instead).
    assert send_emails.apply(args=[ids], throw=False).get() == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["discipline_officer2@zeren.invalid", "discipline_officer@zeren.invalid"]
    assert not Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).exists()
    assert send_emails.apply(args=[ids], throw=False).get() == 0  # already emailed: nothing twice
    assert len(mail.outbox) == 2


def test_with_a_worker_a_commit_queues_the_dispatch_and_survives_a_dead_broker():
    """``ZEREN_TASKS_EAGER=0``: the on-commit hook is ``queue_dispatch``; with the broker down it
    logs and returns instead of failing the user's step (beat's sweep catches up later)."""
    code = (
        "import django; django.setup()\n"
        "from core.hooks import _commit_listeners\n"
        "from notifications.tasks import queue_dispatch\n"
        "assert _commit_listeners == [queue_dispatch], _commit_listeners\n"
        "queue_dispatch()\n"
        "print('returned')\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ZEREN_TASKS_EAGER": "0",
        "CELERY_BROKER_URL": "redis://127.0.0.1:9/0",  # the discard port: nothing listens there
    }
    env.pop("REDIS_URL", None)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "returned"
    assert "could not queue the outbox dispatch" in result.stderr


def test_zeren_tasks_eager_0_without_a_broker_stops_at_start():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "ZEREN_TASKS_EAGER": "0"}
    env.pop("REDIS_URL", None)
    env.pop("CELERY_BROKER_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "ZEREN_TASKS_EAGER=0 needs a broker" in result.stderr
