from django.contrib import admin

from civico.segnalazioni.models import Allegato, Evento, Segnalazione


class EventoInline(admin.TabularInline):
    """The history is read-only, here as everywhere."""

    model = Evento
    extra = 0
    can_delete = False
    fields = ["creato_il", "tipo", "stato_a", "visibilita", "testo", "attore", "attore_pubblico"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class AllegatoInline(admin.TabularInline):
    model = Allegato
    extra = 0
    can_delete = False
    fields = ["tipo", "file", "content_type", "dimensione", "pubblico"]
    readonly_fields = ["tipo", "file", "content_type", "dimensione"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Segnalazione)
class SegnalazioneAdmin(admin.ModelAdmin):
    """For inspection: changes to a report go through the workflow, not through this form."""

    list_display = ["codice", "titolo", "ente", "categoria", "ufficio", "stato", "creata_il"]
    list_filter = ["stato", "canale", "ente"]
    search_fields = ["codice", "titolo"]
    date_hierarchy = "creata_il"
    inlines = [AllegatoInline, EventoInline]
    list_select_related = ["ente", "categoria", "ufficio"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]
