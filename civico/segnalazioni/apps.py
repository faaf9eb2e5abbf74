from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SegnalazioniConfig(AppConfig):
    name = "civico.segnalazioni"
    label = "segnalazioni"
    verbose_name = _("Segnalazioni")
