from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulebooksConfig(AppConfig):
    """The rules a jurisdiction applies, as versioned data: article maps, measures policy, catalogs."""

    name = "rulebooks"
    verbose_name = _("Rulebooks (规则集)")
