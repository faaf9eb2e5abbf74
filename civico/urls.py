from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from civico.core import views as piattaforma
from civico.portale import views as portale
from civico.portale import views_sviluppo

# Database down or media storage full outside a view: 503 + Retry-After, not a bare 500.
handler500 = "civico.core.disponibilita.errore_server"

urlpatterns = [
    path("healthz", portale.healthz, name="healthz"),
    path("readyz", piattaforma.readyz, name="readyz"),
    path("metrics", piattaforma.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("open311/", include("civico.open311.urls")),
    path("api/", include("civico.api.urls")),
    path("backoffice/configurazione/", include("civico.backoffice.configurazione.urls")),
    path("backoffice/interventi/", include("civico.backoffice.configurazione.urls_interventi")),
    path("backoffice/analisi/", include("civico.analisi.urls_staff")),
    path("", include("civico.moderazione.urls")),  # backoffice/moderazione/… and the public flag
    path("backoffice/", include("civico.backoffice.urls")),
    # Before the portal: its `<slug:ente>/` pages would catch `/<ente>/avvisi.atom`.
    path("", include("civico.analisi.urls")),
    path("", include("civico.comunicazioni.urls")),
    path("", include("civico.patrimonio.urls")),  # public asset layers (bbox GeoJSON)
    path("", include("civico.portale.urls")),
]
if not settings.PRODUCTION:  # the development mail catcher's list (civico.core.posta_sviluppo)
    urlpatterns.insert(0, path("dev/posta/", views_sviluppo.posta_sviluppo, name="posta_sviluppo"))
