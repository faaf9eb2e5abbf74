from django.urls import path

from civico.portale import views

app_name = "portale"
urlpatterns = [
    path("", views.home, name="home"),
    path("segnalazioni/<str:codice>/", views.segnalazione, name="segnalazione"),
    path("seguimi/<str:token>/", views.segnalazione_privata, name="segnalazione_privata"),
    path("allegati/<int:pk>/", views.allegato, name="allegato"),
    path("allegati/<int:pk>/miniatura/", views.allegato, {"miniatura": True}, name="miniatura"),
]
