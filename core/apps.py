from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The bottom layer: errors, persistence helpers, hooks, idempotency, API plumbing."""

    name = "core"
    verbose_name = _("Core (基础)")

    def ready(self) -> None:
        from core import signals
        from core.history import connect_signed_history

        signals.connect()
        connect_signed_history()
