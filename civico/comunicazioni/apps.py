from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComunicazioniConfig(AppConfig):
    name = "civico.comunicazioni"
    label = "comunicazioni"
    verbose_name = _("Comunicazioni")

    def ready(self) -> None:
        # Connects the outbox writer to the events' signals.
        from civico.comunicazioni import outbox  # noqa: F401
