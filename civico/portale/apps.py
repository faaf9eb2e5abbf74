from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortaleConfig(AppConfig):
    name = "civico.portale"
    label = "portale"
    verbose_name = _("Portale")

    def ready(self) -> None:
        # The retention job drops old sign-in links; it sits below the portal, so the portal
        # hands it the cleanup.
        from civico.gdpr import scadenze
        from civico.portale.area_accesso import pulisci_link

        scadenze.registra("portale.linkaccesso", pulisci_link)
