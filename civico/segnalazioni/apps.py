from django.apps import AppConfig
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _


class SegnalazioniConfig(AppConfig):
    name = "civico.segnalazioni"
    label = "segnalazioni"
    verbose_name = _("Segnalazioni")

    def ready(self) -> None:
        # Signal receivers: the SLA pause ends when the reporter answers; new reports go to the
        # comune's protocol system.
        from civico.segnalazioni import attesa, protocollo  # noqa: F401
        from civico.segnalazioni.models import Allegato
        from civico.segnalazioni.riservatezza import trattieni_foto_da_revisionare

        # Photos wait for review where the ente asks it, whichever channel brought them.
        pre_save.connect(trattieni_foto_da_revisionare, sender=Allegato, dispatch_uid="foto_da_revisionare")

        from civico.core import estensioni
        from civico.segnalazioni import elaborazione

        # Photos whose re-encoding task was lost are processed by the worker's sweeper thread.
        estensioni.registra_filo(elaborazione.spazzino)
        estensioni.registra_misure(elaborazione.misure)
