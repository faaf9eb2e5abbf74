from django.contrib import admin

from civico.catalogo.models import Categoria, Domanda, RegolaInstradamento, Ufficio


@admin.register(Ufficio)
class UfficioAdmin(admin.ModelAdmin):
    list_display = ["nome", "ente", "email", "telefono", "attivo"]
    list_filter = ["attivo", "ente"]
    search_fields = ["nome", "ente__nome"]
    autocomplete_fields = ["ente"]


class DomandaInline(admin.TabularInline):
    model = Domanda
    extra = 0


@admin.register(Categoria)
class CategoriaAdmin(admin.ModelAdmin):
    list_display = ["nome", "codice", "ente", "gruppo", "ufficio_predefinito", "giorni_risposta", "attiva"]
    list_filter = ["attiva", "pubblica", "ente"]
    search_fields = ["nome", "codice", "ente__nome"]
    autocomplete_fields = ["ente", "ufficio_predefinito"]
    inlines = [DomandaInline]


@admin.register(RegolaInstradamento)
class RegolaInstradamentoAdmin(admin.ModelAdmin):
    list_display = ["nome", "ente", "categoria", "ufficio", "priorita", "attiva"]
    list_filter = ["attiva", "ente"]
    search_fields = ["nome"]
    autocomplete_fields = ["ente", "categoria", "ufficio"]
