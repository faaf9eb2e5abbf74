from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Platform plumbing: the server, the worker, `civico run`, readiness, metrics, replicas."""

    name = "civico.core"
    label = "core"
    verbose_name = _("Piattaforma")

    def ready(self) -> None:
        post_save.connect(_segnalazione_salvata, sender="segnalazioni.Segnalazione", dispatch_uid="core.metriche")


def _segnalazione_salvata(sender, **kwargs) -> None:
    # prometheus_client is imported on first use, after `civico serve` has set its directory.
    from civico.core import metriche

    metriche.segnalazione_salvata(sender, **kwargs)
