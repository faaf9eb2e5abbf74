"""Mount with `path("", include("civico.comunicazioni.urls"))` before the portal's catch-all
`<slug:ente>/` routes. Paths are absolute here because messages carry them (collegamenti.py)."""

from django.urls import path

from civico.comunicazioni import canali, views, views_staff, views_trattenute
from civico.comunicazioni.feeds import FeedAvvisi

app_name = "comunicazioni"
urlpatterns = [
    path("comunicazioni/disiscriviti/<str:firmato>/", views.disiscriviti, name="disiscriviti"),
    path("comunicazioni/risolto/<str:firmato>/", views.risolto, name="risolto"),
    path("comunicazioni/segui/<str:firmato>/", views.conferma_segui, name="conferma_segui"),
    path("comunicazioni/sms/", views.sms_in_arrivo, name="sms"),
    path("comunicazioni/push/", views.abbonamento_push, name="push"),
    path("comunicazioni/push/chiave/", views.chiave_push, name="push_chiave"),
    path("comunicazioni/push/elimina/", views.elimina_abbonamento_push, name="push_elimina"),
    # Each channel's own webhooks (canali/*.py `urls()`), e.g. /comunicazioni/telegram/.
    *[u for c in canali.tutti() for u in c.urls()],
    path("scrivi-al-sindaco/<slug:ente>/", views.scrivi_al_sindaco, name="scrivi_al_sindaco"),
    path("<slug:ente>/avvisi.atom", FeedAvvisi(), name="avvisi_atom"),
    # Staff (password + TOTP, roles from accounts.permissions).
    path("backoffice/comunicazioni/", views_staff.ingresso, name="staff"),
    path("backoffice/comunicazioni/sindaco/", views_staff.sindaco_casella, name="staff_sindaco"),
    path("backoffice/comunicazioni/sindaco/<int:pk>/", views_staff.sindaco_messaggio,
         name="staff_sindaco_messaggio"),
    path("backoffice/comunicazioni/complimenti/", views_staff.complimenti, name="staff_complimenti"),
    path("backoffice/comunicazioni/trattenute/", views_trattenute.elenco, name="staff_trattenute"),
    path("backoffice/comunicazioni/trattenute/<int:pk>/<str:azione>/", views_trattenute.decidi,
         name="staff_trattenuta"),
    path("backoffice/comunicazioni/avvisi-di-lavoro/", views_staff.avvisi_di_lavoro, name="staff_preferenze"),
    path("backoffice/comunicazioni/avvisi/", views_staff.avvisi_elenco, name="staff_avvisi"),
    path("backoffice/comunicazioni/avvisi/nuovo/", views_staff.avviso_modifica, name="staff_avviso_nuovo"),
    path("backoffice/comunicazioni/avvisi/<int:pk>/", views_staff.avviso_modifica, name="staff_avviso"),
    path("backoffice/comunicazioni/avvisi/<int:pk>/<str:azione>/", views_staff.avviso_stato,
         name="staff_avviso_stato"),
]
