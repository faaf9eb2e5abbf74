from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatrimonioConfig(AppConfig):
    name = "civico.patrimonio"
    label = "patrimonio"
    verbose_name = _("Patrimonio (alberi, lampioni, cestini…)")
