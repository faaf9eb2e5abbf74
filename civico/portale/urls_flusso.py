"""The reporting flow, the reporter's actions on their private page, the personal area, the app."""

from django.urls import path

from civico.portale import flusso, views_area, views_flusso, views_preferenze, views_pwa, views_segnalante

_passi = [
    path(f"segnala/<uuid:uuid>/{p}/", views_flusso.passo, {"passo": p}, name=f"flusso_{p}")
    for p in [*flusso.DA_COMPILARE, flusso.RIEPILOGO]
]

urlpatterns = [
    # The flow: /segnala/ (optionally ?ente=<slug>) is the privacy step and creates the draft.
    path("segnala/", views_flusso.inizio, name="flusso_inizio"),
    path("segnala/indirizzi/", views_flusso.indirizzi, name="flusso_indirizzi"),
    path("segnala/punto/", views_flusso.punto, name="flusso_punto"),
    path("segnala/offline/", views_flusso.offline, name="flusso_offline"),
    *_passi,
    path("segnala/<uuid:uuid>/invia/", views_flusso.invia, name="flusso_invia"),
    path("segnala/<uuid:uuid>/inviata/", views_flusso.inviata, name="flusso_inviata"),
    path("segnala/<uuid:uuid>/valutazione/", views_flusso.valutazione, name="flusso_valutazione"),
    path("segnala/<uuid:uuid>/allegati/", views_flusso.allegati, name="flusso_allegati"),
    path("segnala/<uuid:uuid>/allegati/<int:pk>/anteprima/", views_flusso.anteprima, name="flusso_anteprima"),
    path("segnala/<uuid:uuid>/allegati/<int:pk>/rimuovi/", views_flusso.rimuovi, name="flusso_rimuovi"),
    path("segnala/<uuid:uuid>/allegati/<int:pk>/usa-luogo/", views_flusso.luogo_dalla_foto,
         name="flusso_luogo_foto"),
    path("segnala/<uuid:uuid>/suggerimenti/", views_flusso.suggerimenti, name="flusso_suggerimenti"),
    path("segnala/<uuid:uuid>/anche-io/<str:codice>/", views_flusso.anche_io, name="flusso_anche_io"),
    # The reporter's actions from the private page /seguimi/<token>/.
    path("seguimi/<str:token>/commenta/", views_segnalante.commenta, name="segnalante_commenta"),
    path("seguimi/<str:token>/foto/", views_segnalante.foto, name="segnalante_foto"),
    path("seguimi/<str:token>/risolto/", views_segnalante.risolto, name="segnalante_risolto"),
    path("seguimi/<str:token>/ricevuta.pdf", views_segnalante.ricevuta, name="segnalante_ricevuta"),
    # The personal area, signed in by an e-mailed link.
    path("area-personale/", views_area.home, name="area"),
    path("area-personale/accedi/", views_area.accedi, name="area_accedi"),
    path("area-personale/accedi/<str:token>/", views_area.link, name="area_link"),
    path("area-personale/esci/", views_area.esci, name="area_esci"),
    path("area-personale/indirizzi/", views_area.indirizzo, name="area_indirizzo"),
    path("area-personale/indirizzi/<str:token>/", views_area.conferma_indirizzo, name="area_conferma_indirizzo"),
    # The citizen's notification preferences (over comunicazioni's preferenze / iscrizioni).
    path("area-personale/preferenze/", views_preferenze.pagina, name="preferenze"),
    path("area-personale/preferenze/allerte/nuova/", views_preferenze.nuova_allerta, name="nuova_allerta"),
    path("area-personale/preferenze/allerte/<int:pk>/elimina/", views_preferenze.elimina_allerta,
         name="elimina_allerta"),
    path("area-personale/preferenze/seguite/<str:codice>/smetti/", views_preferenze.smetti_di_seguire,
         name="smetti_di_seguire"),
    # The app: manifest and service worker at the root, so its scope is the whole site.
    path("manifest.webmanifest", views_pwa.manifest, name="pwa_manifest"),
    path("sw.js", views_pwa.service_worker, name="pwa_sw"),
]
