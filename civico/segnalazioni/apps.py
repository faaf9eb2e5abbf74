from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SegnalazioniConfig(AppConfig):
    name = "civico.segnalazioni"
    label = "segnalazioni"
    verbose_name = _("Segnalazioni")

    def ready(self) -> None:
        # Signal receivers: the SLA pause ends when the reporter answers; new reports go to the
        # comune's protocol system.
        from civico.segnalazioni import attesa, protocollo  # noqa: F401
