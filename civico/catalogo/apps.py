from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogoConfig(AppConfig):
    name = "civico.catalogo"
    label = "catalogo"
    verbose_name = _("Catalogo: uffici e categorie")
