from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GdprConfig(AppConfig):
    name = "civico.gdpr"
    label = "gdpr"
    verbose_name = _("Diritti dell'interessato e conservazione")
