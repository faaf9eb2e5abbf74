from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "civico.accounts"
    label = "accounts"
    verbose_name = _("Utenti e ruoli")

    def ready(self) -> None:
        # The worker renews the federation's trust chains ahead of their expiry (core runs it).
        from civico.accounts import federazione
        from civico.core import estensioni

        estensioni.registra_filo(federazione.rinnovatore)
