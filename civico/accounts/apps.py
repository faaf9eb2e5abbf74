from django.apps import AppConfig
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "civico.accounts"
    label = "accounts"
    verbose_name = _("Utenti e ruoli")

    def ready(self) -> None:
        from civico.accounts.riservatezza import trattieni_foto_da_revisionare
        from civico.segnalazioni.models import Allegato

        pre_save.connect(trattieni_foto_da_revisionare, sender=Allegato, dispatch_uid="foto_da_revisionare")
