from django.urls import include, path

from civico.portale import views

app_name = "portale"
urlpatterns = [
    path("", views.home, name="home"),
    path("segnalazioni/<str:codice>/", views.segnalazione, name="segnalazione"),
    path("segnalazioni/<str:codice>/anche-io/", views.anche_io, name="segnalazione_anche_io"),
    path("seguimi/<str:token>/", views.segnalazione_privata, name="segnalazione_privata"),
    path("allegati/<int:pk>/", views.allegato, name="allegato"),
    path("allegati/<int:pk>/miniatura/", views.allegato, {"miniatura": True}, name="miniatura"),
    # The reporting flow, the personal area and the app (PWA).
    path("", include("civico.portale.urls_flusso")),
    # SPID/CIE sign-in and the privacy self-service (pages over `accounts`: identity, GDPR export, erasure).
    path("", include("civico.portale.urls_area_personale")),
    # Static pages, the comune's home, explore. Keep last: `<slug:ente>/` matches broadly.
    path("", include("civico.portale.urls_pagine")),
]
