from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    """The staff pages: inbox, report workspace, configuration."""

    name = "civico.backoffice"
    label = "backoffice"
    verbose_name = _("Backoffice")

    def ready(self) -> None:
        # Connects the duplicate search to new reports.
        from civico.backoffice import coda_duplicati  # noqa: F401
