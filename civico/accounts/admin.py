from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from civico.accounts.models import Incarico, ProviderIdentita, RelyingParty, RicevutaCancellazione, Utente


class IncaricoInline(admin.TabularInline):
    model = Incarico
    fk_name = "utente"
    extra = 0
    autocomplete_fields = ["ente", "ufficio"]


@admin.register(Utente)
class UtenteAdmin(UserAdmin):
    inlines = [IncaricoInline]
    fieldsets = [*UserAdmin.fieldsets, (None, {"fields": ["telefono", "codice_fiscale"]})]


class ProviderInline(admin.TabularInline):
    model = ProviderIdentita
    extra = 0


@admin.register(RelyingParty)
class RelyingPartyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "livello", "attivo"]
    inlines = [ProviderInline]
    autocomplete_fields = ["ente"]


@admin.register(RicevutaCancellazione)
class RicevutaCancellazioneAdmin(admin.ModelAdmin):
    list_display = ["numero", "eseguita_il"]
    readonly_fields = ["numero", "eseguita_il", "riepilogo"]

    def has_add_permission(self, request):
        return False
