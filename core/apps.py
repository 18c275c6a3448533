from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The bottom layer: errors, persistence helpers, hooks, idempotency, API plumbing."""

    name = "core"
    verbose_name = _("Core (基础)")

    def ready(self) -> None:
        from core import converters, signals
        from core.api import schema  # noqa: F401  # registers the drf-spectacular field extensions
        from core.api.strict import strict_json_types
        from core.history import connect_signed_history

        converters.register()
        strict_json_types()
        signals.connect()
        connect_signed_history()
