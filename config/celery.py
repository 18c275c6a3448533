"""The Celery app: background work on machines with a broker (issue 7, docs/deploy.md).

``celery -A config worker`` runs the tasks; ``celery -A config beat`` sends the periodic ones
(``CELERY_BEAT_SCHEDULE`` in settings, kept in the database by django-celery-beat). Settings are
read from ``config.settings`` under the ``CELERY_`` prefix. With ``ZEREN_TASKS_EAGER=1`` (the
embedded default) tasks run inline in the calling process and no broker is contacted.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("zeren")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each installed app's ``tasks`` module (cases.tasks, notifications.tasks), imported lazily.
app.autodiscover_tasks()
