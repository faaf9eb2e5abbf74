"""Mount with `path("", include("civico.comunicazioni.urls"))` before the portal's catch-all
`<slug:ente>/` routes. Paths are absolute here because messages carry them (collegamenti.py)."""

from django.urls import path

from civico.comunicazioni import views
from civico.comunicazioni.feeds import FeedAvvisi

app_name = "comunicazioni"
urlpatterns = [
    path("comunicazioni/disiscriviti/<str:firmato>/", views.disiscriviti, name="disiscriviti"),
    path("comunicazioni/risolto/<str:firmato>/", views.risolto, name="risolto"),
    path("comunicazioni/sms/", views.sms_in_arrivo, name="sms"),
    path("comunicazioni/push/", views.abbonamento_push, name="push"),
    path("scrivi-al-sindaco/<slug:ente>/", views.scrivi_al_sindaco, name="scrivi_al_sindaco"),
    path("<slug:ente>/avvisi.atom", FeedAvvisi(), name="avvisi_atom"),
]
