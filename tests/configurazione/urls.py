"""The project's URLs plus these pages, wired as the lead will wire them in civico/urls.py
(nothing is added once the project's own URLs include them)."""

from django.urls import include, path

from civico import urls as radice

GIA_CABLATE = any(getattr(p, "namespace", None) == "configurazione" for p in radice.urlpatterns)

urlpatterns = [] if GIA_CABLATE else [
    path("backoffice/configurazione/", include("civico.backoffice.configurazione.urls")),
    path("backoffice/interventi/", include("civico.backoffice.configurazione.urls_interventi")),
]
urlpatterns += radice.urlpatterns
