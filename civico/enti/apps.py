from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EntiConfig(AppConfig):
    name = "civico.enti"
    label = "enti"
    verbose_name = _("Enti (comuni)")
