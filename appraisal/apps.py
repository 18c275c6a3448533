from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    """Chapters 4–5: assessment, patrols, 约谈, publication and awards."""

    name = "appraisal"
    verbose_name = _("Assessment and rewards (考核与奖励)")

    def ready(self) -> None:
        from appraisal.selectors.assessment import record_extras  # ready() registers hooks
        from cases.selectors.records import on_cadre_record

        on_cadre_record(record_extras)
