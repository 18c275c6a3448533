from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo county (PRODUCT §10): ``loaddemo`` and the world the tests and benchmarks share."""

    name = "demo"
    verbose_name = _("Demo data (演示数据)")
