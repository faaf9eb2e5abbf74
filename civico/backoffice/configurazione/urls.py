"""/backoffice/configurazione/: an ente's configuration, and the protocol callback."""

from django.urls import path

from civico.backoffice.configurazione import (
    views,
    views_identita,
    views_patrimonio,
    views_persone,
    views_protocollo,
    views_triage,
    views_zone,
)
from civico.backoffice.configurazione.views_canali import canali
from civico.backoffice.configurazione.views_testi import anteprima, testi

app_name = "configurazione"
urlpatterns = [
    path("", views.indice, name="indice"),
    path("protocollo/callback/<slug:ente>/", views_protocollo.callback, name="protocollo_callback"),
    path("<slug:ente>/", views.ente, name="ente"),
    path("<slug:ente>/canali/", canali, name="canali"),
    path("<slug:ente>/canali/testi/", testi, name="testi_notifiche"),
    path("<slug:ente>/canali/testi/anteprima/", anteprima, name="anteprima_testo"),
    path("<slug:ente>/uffici/", views.uffici, name="uffici"),
    path("<slug:ente>/uffici/<int:pk>/", views.ufficio, name="ufficio"),
    path("<slug:ente>/uffici/<int:pk>/disattiva/", views.disattiva_ufficio, name="disattiva_ufficio"),
    path("<slug:ente>/uffici/<int:pk>/riattiva/", views.riattiva_ufficio, name="riattiva_ufficio"),
    path("<slug:ente>/categorie/", views.categorie, name="categorie"),
    path("<slug:ente>/categorie/nuova/", views.categoria, name="nuova_categoria"),
    path("<slug:ente>/categorie/classificazione/", views_triage.soglia, name="triage"),
    path("<slug:ente>/categorie/<int:pk>/", views.categoria, name="categoria"),
    path("<slug:ente>/categorie/<int:categoria>/domande/nuova/", views.domanda, name="nuova_domanda"),
    path("<slug:ente>/categorie/<int:categoria>/domande/<int:pk>/", views.domanda, name="domanda"),
    path("<slug:ente>/categorie/<int:categoria>/domande/<int:pk>/elimina/", views.elimina_domanda,
         name="elimina_domanda"),
    path("<slug:ente>/regole/", views_zone.regole, name="regole"),
    path("<slug:ente>/regole/nuova/", views_zone.regola, name="nuova_regola"),
    path("<slug:ente>/regole/<int:pk>/", views_zone.regola, name="regola"),
    path("<slug:ente>/regole/<int:pk>/elimina/", views_zone.elimina_regola, name="elimina_regola"),
    path("<slug:ente>/modelli/", views_zone.modelli, name="modelli"),
    path("<slug:ente>/modelli/nuovo/", views_zone.modello, name="nuovo_modello"),
    path("<slug:ente>/modelli/<int:pk>/", views_zone.modello, name="modello"),
    path("<slug:ente>/modelli/<int:pk>/elimina/", views_zone.elimina_modello, name="elimina_modello"),
    path("<slug:ente>/patrimonio/", views_patrimonio.patrimonio, name="patrimonio"),
    path("<slug:ente>/staff/", views_persone.staff, name="staff"),
    path("<slug:ente>/staff/<int:pk>/revoca/", views_persone.revoca_incarico, name="revoca_incarico"),
    path("<slug:ente>/applicazioni/", views_persone.applicazioni, name="applicazioni"),
    path("<slug:ente>/applicazioni/<int:pk>/revoca/", views_persone.revoca_applicazione,
         name="revoca_applicazione"),
    path("<slug:ente>/token-api/", views_persone.token_api, name="token_api"),
    path("<slug:ente>/token-api/<int:pk>/revoca/", views_persone.revoca_token, name="revoca_token"),
    path("<slug:ente>/identita-digitale/", views_identita.identita, name="identita"),
]
