from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritorioConfig(AppConfig):
    name = "civico.territorio"
    label = "territorio"
    verbose_name = _("Territorio")
