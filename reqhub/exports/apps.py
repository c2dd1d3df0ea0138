from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "reqhub.exports"
    label = "exports"
    verbose_name = _("Excel exports")

    def ready(self) -> None:
        # Each app describes its exportable lists in its own exports.py.
        autodiscover_modules("exports")
