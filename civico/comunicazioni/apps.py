from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComunicazioniConfig(AppConfig):
    name = "civico.comunicazioni"
    label = "comunicazioni"
    verbose_name = _("Comunicazioni")

    def ready(self) -> None:
        # Connects the outbox writer to the events' signals.
        from civico.comunicazioni import gestori, outbox, piattaforma  # noqa: F401

        piattaforma.registra()  # the outbox's /readyz check, /metrics gauges and worker threads
        gestori.registra()  # the reports' domain events: followers move, overdue summaries go
