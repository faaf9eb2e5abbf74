from django.urls import path

from civico.portale import views

# Fixed words first: `<slug:ente>/` would otherwise take them for a comune.
urlpatterns = [
    path("privacy/", views.pagina_statica, {"modello": "privacy"}, name="privacy"),
    path("note-legali/", views.pagina_statica, {"modello": "note_legali"}, name="note_legali"),
    path("faq/", views.pagina_statica, {"modello": "faq"}, name="faq"),
    path("crediti/", views.pagina_statica, {"modello": "crediti"}, name="crediti"),
    path("valutazione/", views.valutazione, name="valutazione"),
    # The service page ("scheda servizio") a comune links from its own site: /servizi/<ente>/…
    path("servizi/<slug:ente>/segnalazione-disservizio/", views.scheda_servizio, name="scheda_servizio"),
    path("comune-vicino.json", views.comune_vicino, name="comune_vicino"),
    path("segnalazioni/<str:codice>/eventi/", views.segnalazione_eventi, name="segnalazione_eventi"),
    path("<slug:ente>/", views.ente_home, name="ente"),
    path("<slug:ente>/segnalazioni/", views.esplora_segnalazioni, name="esplora"),
    path("<slug:ente>/segnalazioni/mappa.json", views.mappa_json, name="mappa_json"),
]
