from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    """Departments, seats, cadres and posts; who a user is and what their jurisdiction holds."""

    name = "org"
    verbose_name = _("Organization (组织)")
