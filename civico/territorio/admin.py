"""Admin for the territory layers: read-mostly, since their rows come from the comune's files."""

from django.contrib import admin
from django.http import HttpRequest

from civico.territorio.models import NumeroCivico, Via


class SoloLettura(admin.ModelAdmin):
    """Rows come from the importer: browsing and searching, no manual adding or editing,
    so the next import still recognises what is there."""

    list_per_page = 50
    show_full_result_count = False  # skip a COUNT(*) over tens of thousands of rows

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(Via)
class ViaAdmin(SoloLettura):
    list_display = ["nome", "codice", "cap", "quartiere", "ente"]
    list_filter = ["ente", "dug", "quartiere"]
    search_fields = ["nome", "duf", "chiave", "=codice"]


@admin.register(NumeroCivico)
class NumeroCivicoAdmin(SoloLettura):
    list_display = ["__str__", "cap", "quartiere", "lat", "lon", "ente"]
    list_filter = ["ente", "quartiere"]
    list_select_related = ["via"]
    search_fields = ["via__nome", "via__chiave", "=numero"]
