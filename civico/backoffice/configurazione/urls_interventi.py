"""/backoffice/interventi/: work orders."""

from django.urls import path

from civico.backoffice.configurazione import views_interventi as views

app_name = "interventi"
urlpatterns = [
    path("", views.indice, name="indice"),
    path("<slug:ente>/", views.elenco, name="elenco"),
    path("<slug:ente>/nuovo/", views.nuovo, name="nuovo"),
    path("<slug:ente>/<int:pk>/", views.intervento, name="intervento"),
    path("<slug:ente>/<int:pk>/aggiungi/", views.aggiungi, name="aggiungi"),
    path("<slug:ente>/<int:pk>/chiudi/", views.chiudi, name="chiudi"),
    path("<slug:ente>/<int:pk>/modifica/", views.modifica, name="modifica"),
    path("<slug:ente>/<int:pk>/annulla/", views.annulla, name="annulla"),
    path("<slug:ente>/<int:pk>/rimuovi/", views.rimuovi, name="rimuovi"),
]
