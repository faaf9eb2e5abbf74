from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EntiConfig(AppConfig):
    name = "civico.enti"
    label = "enti"
    verbose_name = _("Enti (comuni)")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from civico.enti import geo
        from civico.enti.models import Ente

        # Keep this process's boundary index in step with boundaries saved here.
        post_save.connect(geo.dopo_salvataggio, sender=Ente, dispatch_uid="enti.geo.salva")
        post_delete.connect(geo.dopo_cancellazione, sender=Ente, dispatch_uid="enti.geo.cancella")
