from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalisiConfig(AppConfig):
    name = "civico.analisi"
    label = "analisi"
    verbose_name = _("Analisi e dati aperti")
