"""Open311 GeoReport v2 under /open311/v2/, the format taken from each path's suffix."""

from django.urls import path, re_path
from django.views.generic import RedirectView

from civico.open311 import views

app_name = "open311"
FMT = r"\.(?P<fmt>[^./]+)$"  # the last suffix: .xml, .json (anything else is a 404)

urlpatterns = [
    path("", views.guida, name="guida"),
    re_path(r"^discovery" + FMT, views.discovery, name="discovery_radice"),
    path("v2/", RedirectView.as_view(pattern_name="open311:guida"), name="radice"),
    re_path(r"^v2/discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^v2/services" + FMT, views.servizi, name="services"),
    re_path(r"^v2/services/(?P<service_code>[^/]+?)" + FMT, views.definizione_servizio, name="service"),
    re_path(r"^v2/requests" + FMT, views.richieste, name="requests"),
    re_path(r"^v2/requests/(?P<service_request_id>[^/]+?)" + FMT, views.richiesta, name="request"),
    re_path(r"^v2/tokens/(?P<token>[^/]+?)" + FMT, views.da_token, name="token"),
    re_path(r"^v2/servicerequestupdates" + FMT, views.aggiornamenti, name="servicerequestupdates"),
    re_path(r"^v2/(?P<resto>.*)$", views.sconosciuto),
]
