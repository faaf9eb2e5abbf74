from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from civico.accounts.models import (
    CatenaFiducia,
    Incarico,
    ProviderIdentita,
    RelyingParty,
    RicevutaCancellazione,
    TrustAnchor,
    Utente,
)


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


@admin.register(TrustAnchor)
class TrustAnchorAdmin(admin.ModelAdmin):
    list_display = ["entity_id", "tipo", "attivo"]


@admin.register(CatenaFiducia)
class CatenaFiduciaAdmin(admin.ModelAdmin):
    list_display = ["entity_id", "trust_anchor", "errore", "scade_il"]
    readonly_fields = ["entity_id", "trust_anchor", "metadati", "errore", "scade_il"]


@admin.register(RicevutaCancellazione)
class RicevutaCancellazioneAdmin(admin.ModelAdmin):
    list_display = ["numero", "eseguita_il"]
    readonly_fields = ["numero", "eseguita_il", "riepilogo"]

    def has_add_permission(self, request):
        return False


# django-otp's own admin shows each key and its QR code: with them anyone could produce a staff
# member's codes. Here a device can be seen (whose, confirmed, last used) and deleted, so a person
# who lost the phone enrols a new one through the e-mailed link, never through this page.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class DispositivoTOTPAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__email", "name"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
