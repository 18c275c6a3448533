from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications (通知)")

    def ready(self) -> None:
        from core.hooks import on_events_committed

        if settings.ZEREN_TASKS_EAGER:
            # Embedded default: dispatch right after each commit, in this process.
            from notifications.services import dispatch_after_commit

            on_events_committed(dispatch_after_commit)
        else:
            # With a Celery worker: each commit queues the dispatch task; beat's periodic sweep
            # (ZEREN_OUTBOX_SWEEP_SECONDS) catches anything whose task could not be queued.
            # ``manage.py dispatch_notifications`` still does the same by hand.
            from notifications.services import use_email_queue
            from notifications.tasks import queue_dispatch, send_emails

            on_events_committed(queue_dispatch)
            use_email_queue(send_emails.delay)
