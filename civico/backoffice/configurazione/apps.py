from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConfigurazioneConfig(AppConfig):
    name = "civico.backoffice.configurazione"
    label = "backoffice_configurazione"
    verbose_name = _("Configurazione del comune")

    def ready(self) -> None:
        # The SLA pause and the protocol connector listen to report events. SegnalazioniConfig.ready
        # should import them; importing them here too (signals dedupe by dispatch_uid) means they
        # are never silently off where these pages are installed.
        from civico.segnalazioni import attesa, protocollo  # noqa: F401
