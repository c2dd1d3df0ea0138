from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "reqhub.imports"
    label = "imports"
    verbose_name = _("Excel imports")

    def ready(self) -> None:
        # Each app describes its importable kinds (columns, matching, writes) in its imports.py.
        autodiscover_modules("imports")
