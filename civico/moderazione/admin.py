from django.contrib import admin

from civico.moderazione.models import Divieto, SegnalazioneContenuto


@admin.register(Divieto)
class DivietoAdmin(admin.ModelAdmin):
    list_display = ("tipo", "valore", "ente", "attivo", "creato_il")
    list_filter = ("tipo", "attivo")
    search_fields = ("valore",)
    raw_id_fields = ("ente", "creato_da")


@admin.register(SegnalazioneContenuto)
class SegnalazioneContenutoAdmin(admin.ModelAdmin):
    list_display = ("segnalazione", "motivo", "esito", "creata_il")
    list_filter = ("esito", "motivo")
    raw_id_fields = ("segnalazione", "utente", "gestita_da")
    exclude = ("impronta",)
