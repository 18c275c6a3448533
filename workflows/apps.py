from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Workflows (流程)")

    def ready(self) -> None:
        # Import the flows so their permissions exist after migrate (STACK pitfall 5), and the
        # listeners so the services drive the flows.
        from workflows import flows, sync  # noqa: F401
