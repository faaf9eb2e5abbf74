from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Platform plumbing: the server, the worker and `civico run`."""

    name = "civico.core"
    label = "core"
    verbose_name = _("Piattaforma")
