from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    """Open311 GeoReport v2, over the same services as every other channel."""

    name = "civico.open311"
    label = "open311"
    verbose_name = _("Open311 GeoReport v2")
