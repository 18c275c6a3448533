from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Accountability cases (问责案件)")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from cases.models import Appeal, ExecutionTask, Referral
        from cases.search import links_changed

        # The search row's copy of who reaches the case through its links (``CaseSearch.reach``)
        # follows every write of a link, whichever service makes it.
        for model in (Referral, ExecutionTask, Appeal):
            post_save.connect(links_changed, sender=model, dispatch_uid=f"case_search_reach_{model.__name__}")
