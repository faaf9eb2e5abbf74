"""/backoffice/analisi/: staff insight (mounted before `backoffice/`)."""

from django.urls import path

from civico.analisi import views_staff as views

app_name = "analisi_staff"
urlpatterns = [
    path("", views.indice, name="indice"),
    path("<slug:ente>/", views.comune, name="comune"),
    path("<slug:ente>/segnalazioni/", views.dettaglio, name="dettaglio"),
    path("<slug:ente>/costi/", views.costi, name="costi"),
    path("<slug:ente>/triage.csv", views.triage_csv, name="triage_csv"),
    path("<slug:ente>/intervento/", views.intervento_da_hotspot, name="intervento"),
]
