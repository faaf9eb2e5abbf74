"""Public dashboards and open data (mounted before the portal, whose `<slug:ente>/` pages would catch these)."""

from django.urls import path

from civico.analisi import views, views_dati

app_name = "analisi"
urlpatterns = [
    path("cruscotto/", views.cruscotto_piattaforma, name="cruscotto"),
    path("dati-aperti/", views_dati.indice, name="dati_aperti"),
    path("dati-aperti/dizionario/", views_dati.dizionario, name="dizionario"),
    path("dati-aperti/catalogo.jsonld", views_dati.catalogo_jsonld, name="catalogo_jsonld"),
    path("dati-aperti/catalogo.rdf", views_dati.catalogo_rdf, name="catalogo_rdf"),
    path("<slug:ente>/cruscotto/", views.cruscotto_ente, name="cruscotto_ente"),
    path("<slug:ente>/dati-aperti/", views_dati.ente, name="dati_ente"),
    path("<slug:ente>/dati-aperti/segnalazioni.<str:formato>", views_dati.scarica, name="scarica"),
]
