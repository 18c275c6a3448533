"""Celery tasks of the notification outbox (docs/deploy.md).

With a worker (``ZEREN_TASKS_EAGER=0``) each commit that appended case events queues
``dispatch_outbox`` (``queue_dispatch``, the on-commit hook), and beat sends it periodically as a
sweep. It calls the service ``manage.py dispatch_notifications`` calls; events are claimed one by
one, so any number of workers may run it at once. Emails go out in a task of their own, retried
with backoff while the mail server fails.
"""

from __future__ import annotations

import logging

from celery import shared_task

from notifications import services

logger = logging.getLogger("zeren.notifications")

EMAIL_MAX_RETRIES = 6  # 1, 2, 4, … 32 minutes: about an hour of a mail server being down


@shared_task(name="notifications.dispatch_outbox")
def dispatch_outbox() -> int:
    """Turn undispatched case events into notifications and push them; returns how many were made."""
    return services.dispatch_pending()


@shared_task(name="notifications.send_emails", bind=True, max_retries=EMAIL_MAX_RETRIES)
def send_emails(self, notification_ids: list[int]) -> int:
    """Email these notifications (those not emailed yet). The ones the mail server refused are
    retried later, alone, so nobody gets the same email twice."""
    sent, failed = services.send_notification_emails(notification_ids)
    if failed:
        raise self.retry(args=[failed], countdown=60 * 2**self.request.retries)
    return sent


def queue_dispatch() -> None:
    """The on-commit hook with a worker. The user's step has committed and must not fail now: if
    the broker cannot be reached the events stay in the outbox for the next commit or beat's sweep."""
    try:
        dispatch_outbox.apply_async(retry=True, retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.2})
    except Exception:
        logger.warning("could not queue the outbox dispatch; beat's sweep will pick the events up", exc_info=True)
