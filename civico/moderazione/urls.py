from django.urls import path

from civico.moderazione import views

app_name = "moderazione"

urlpatterns = [
    path("segnalazioni/<str:codice>/segnala-contenuto/", views.segnala, name="segnala"),
    path("backoffice/moderazione/", views.coda, name="coda"),
    path("backoffice/moderazione/divieti/", views.divieti, name="divieti"),
    path("backoffice/moderazione/divieti/<int:pk>/revoca/", views.revoca_divieto, name="revoca_divieto"),
    path("backoffice/moderazione/<str:codice>/", views.scheda, name="scheda"),
    path("backoffice/moderazione/<str:codice>/<slug:nome>/", views.azione, name="azione"),
]
