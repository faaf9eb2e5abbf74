from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortaleConfig(AppConfig):
    name = "civico.portale"
    label = "portale"
    verbose_name = _("Portale")
