from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications (通知)")

    def ready(self) -> None:
        # Embedded default: dispatch right after each commit. With a worker
        # (ZEREN_TASKS_EAGER=0) ``manage.py dispatch_notifications --loop`` does it instead.
        if settings.ZEREN_TASKS_EAGER:
            from cases.services.common import on_events_committed
            from notifications.services import dispatch_after_commit

            on_events_committed(dispatch_after_commit)
