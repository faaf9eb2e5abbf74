"""The citizens' page ratings, read-only for the staff: what was unclear, and where."""

from django.contrib import admin

from civico.portale.models import ValutazionePagina


@admin.register(ValutazionePagina)
class ValutazionePaginaAdmin(admin.ModelAdmin):
    list_display = ("creata_il", "pagina", "voto", "aspetto", "dettaglio")
    list_filter = ("voto", "aspetto", "creata_il")
    search_fields = ("pagina", "dettaglio")
    date_hierarchy = "creata_il"

    # Citizens' answers, as given (masked text): nobody edits them.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
