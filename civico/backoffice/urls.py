from django.urls import path

from civico.backoffice import redazione
from civico.backoffice.views import accesso, casella, duplicati, scheda, sportello

app_name = "backoffice"
urlpatterns = [
    path("", casella.casella, name="casella"),
    path("accedi/", accesso.accedi, name="accedi"),
    path("accedi/codice/", accesso.codice, name="codice"),
    path("accedi/attiva/", accesso.attiva, name="attiva"),
    path("accedi/attiva/<str:token>/", accesso.attiva_link, name="attiva_link"),
    path("esci/", accesso.esci, name="esci"),
    path("esporta.csv", casella.esporta_csv, name="esporta_csv"),
    path("esporta.xlsx", casella.esporta_xlsx, name="esporta_xlsx"),
    path("viste/", casella.salva_vista, name="salva_vista"),
    path("viste/<int:pk>/elimina/", casella.elimina_vista, name="elimina_vista"),
    path("blocco/", casella.blocco, name="blocco"),
    path("blocco/<int:pk>/", casella.lavoro, name="lavoro"),
    path("novita/", casella.novita, name="novita"),
    path("segnalazioni/<str:codice>/", scheda.scheda, name="scheda"),
    path("segnalazioni/<str:codice>/azioni/<slug:nome>/", scheda.azione, name="azione"),
    path("allegati/<int:pk>/", scheda.allegato, name="allegato"),
    path("allegati/<int:pk>/miniatura/", scheda.allegato, {"miniatura": True}, name="miniatura"),
    path("allegati/<int:pk>/oscura/", redazione.pagina, name="redazione"),
    path("duplicati/", duplicati.coda, name="duplicati"),
    path("duplicati/<int:pk>/<slug:scelta>/", duplicati.decidi, name="duplicati_decidi"),
    path("nuova/", sportello.nuova, name="nuova"),
    path("nuova/<str:codice>/ricevuta/", sportello.ricevuta, name="ricevuta"),
]
