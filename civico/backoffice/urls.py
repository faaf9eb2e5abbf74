from django.urls import path

from civico.backoffice import (
    views_accesso,
    views_casella,
    views_duplicati,
    views_redazione,
    views_scheda,
    views_sportello,
)

app_name = "backoffice"
urlpatterns = [
    path("", views_casella.casella, name="casella"),
    path("accedi/", views_accesso.accedi, name="accedi"),
    path("accedi/codice/", views_accesso.codice, name="codice"),
    path("accedi/attiva/", views_accesso.attiva, name="attiva"),
    path("accedi/attiva/<str:token>/", views_accesso.attiva_link, name="attiva_link"),
    path("esci/", views_accesso.esci, name="esci"),
    path("esporta.csv", views_casella.esporta_csv, name="esporta_csv"),
    path("esporta.xlsx", views_casella.esporta_xlsx, name="esporta_xlsx"),
    path("viste/", views_casella.salva_vista, name="salva_vista"),
    path("viste/<int:pk>/elimina/", views_casella.elimina_vista, name="elimina_vista"),
    path("blocco/", views_casella.blocco, name="blocco"),
    path("blocco/<int:pk>/", views_casella.lavoro, name="lavoro"),
    path("novita/", views_casella.novita, name="novita"),
    path("segnalazioni/<str:codice>/", views_scheda.scheda, name="scheda"),
    path("segnalazioni/<str:codice>/azioni/<slug:nome>/", views_scheda.azione, name="azione"),
    path("allegati/<int:pk>/", views_scheda.allegato, name="allegato"),
    path("allegati/<int:pk>/miniatura/", views_scheda.allegato, {"miniatura": True}, name="miniatura"),
    path("allegati/<int:pk>/oscura/", views_redazione.pagina, name="redazione"),
    path("duplicati/", views_duplicati.coda, name="duplicati"),
    path("duplicati/<int:pk>/<slug:scelta>/", views_duplicati.decidi, name="duplicati_decidi"),
    path("nuova/", views_sportello.nuova, name="nuova"),
    path("nuova/<str:codice>/ricevuta/", views_sportello.ricevuta, name="ricevuta"),
]
