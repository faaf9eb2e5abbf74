from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from civico.accounts.models import Incarico, Utente


class IncaricoInline(admin.TabularInline):
    model = Incarico
    fk_name = "utente"
    extra = 0
    autocomplete_fields = ["ente", "ufficio"]


@admin.register(Utente)
class UtenteAdmin(UserAdmin):
    inlines = [IncaricoInline]
