from django.contrib import admin
from django.urls import include, path

from civico.portale import views as portale

urlpatterns = [
    path("healthz", portale.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("open311/", include("civico.open311.urls")),
    path("api/", include("civico.api.urls")),
    path("backoffice/configurazione/", include("civico.backoffice.configurazione.urls")),
    path("backoffice/interventi/", include("civico.backoffice.configurazione.urls_interventi")),
    path("backoffice/", include("civico.backoffice.urls")),
    # Before the portal: its `<slug:ente>/` pages would catch `/<ente>/avvisi.atom`.
    path("", include("civico.analisi.urls")),
    path("", include("civico.comunicazioni.urls")),
    path("", include("civico.portale.urls")),
]
