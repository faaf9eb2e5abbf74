from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The JSON API (django-ninja) and its OpenAPI document."""

    name = "civico.api"
    label = "api"
    verbose_name = _("API JSON")
