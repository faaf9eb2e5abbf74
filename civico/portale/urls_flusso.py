"""The reporting flow, the reporter's actions on their private page, the personal area, the app."""

from django.urls import path

from civico.portale import area_views, flusso, flusso_segnalante, flusso_views, pwa

_passi = [
    path(f"segnala/<uuid:uuid>/{p}/", flusso_views.passo, {"passo": p}, name=f"flusso_{p}")
    for p in [*flusso.DA_COMPILARE, flusso.RIEPILOGO]
]

urlpatterns = [
    # The flow: /segnala/ (optionally ?ente=<slug>) is the privacy step and creates the draft.
    path("segnala/", flusso_views.inizio, name="flusso_inizio"),
    path("segnala/indirizzi/", flusso_views.indirizzi, name="flusso_indirizzi"),
    path("segnala/punto/", flusso_views.punto, name="flusso_punto"),
    path("segnala/offline/", flusso_views.offline, name="flusso_offline"),
    *_passi,
    path("segnala/<uuid:uuid>/invia/", flusso_views.invia, name="flusso_invia"),
    path("segnala/<uuid:uuid>/inviata/", flusso_views.inviata, name="flusso_inviata"),
    path("segnala/<uuid:uuid>/valutazione/", flusso_views.valutazione, name="flusso_valutazione"),
    path("segnala/<uuid:uuid>/allegati/", flusso_views.allegati, name="flusso_allegati"),
    path("segnala/<uuid:uuid>/allegati/<int:pk>/anteprima/", flusso_views.anteprima, name="flusso_anteprima"),
    path("segnala/<uuid:uuid>/allegati/<int:pk>/rimuovi/", flusso_views.rimuovi, name="flusso_rimuovi"),
    path("segnala/<uuid:uuid>/allegati/<int:pk>/usa-luogo/", flusso_views.luogo_dalla_foto,
         name="flusso_luogo_foto"),
    path("segnala/<uuid:uuid>/suggerimenti/", flusso_views.suggerimenti, name="flusso_suggerimenti"),
    path("segnala/<uuid:uuid>/anche-io/<str:codice>/", flusso_views.anche_io, name="flusso_anche_io"),
    # The reporter's actions from the private page /seguimi/<token>/.
    path("seguimi/<str:token>/commenta/", flusso_segnalante.commenta, name="segnalante_commenta"),
    path("seguimi/<str:token>/foto/", flusso_segnalante.foto, name="segnalante_foto"),
    path("seguimi/<str:token>/risolto/", flusso_segnalante.risolto, name="segnalante_risolto"),
    path("seguimi/<str:token>/ricevuta.pdf", flusso_segnalante.ricevuta, name="segnalante_ricevuta"),
    # The personal area, signed in by an e-mailed link.
    path("area-personale/", area_views.home, name="area"),
    path("area-personale/accedi/", area_views.accedi, name="area_accedi"),
    path("area-personale/accedi/<str:token>/", area_views.link, name="area_link"),
    path("area-personale/esci/", area_views.esci, name="area_esci"),
    path("area-personale/indirizzi/", area_views.indirizzo, name="area_indirizzo"),
    path("area-personale/indirizzi/<str:token>/", area_views.conferma_indirizzo, name="area_conferma_indirizzo"),
    # The app: manifest and service worker at the root, so its scope is the whole site.
    path("manifest.webmanifest", pwa.manifest, name="pwa_manifest"),
    path("sw.js", pwa.service_worker, name="pwa_sw"),
]
