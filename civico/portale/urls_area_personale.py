"""The citizen's SPID/CIE sign-in and privacy pages: pages of the portal over what `accounts` owns
(OIDC, identity providers, GDPR export and erasure). Included by the portal's urls (namespace `portale`)."""

from django.urls import path, re_path

from civico.portale import views_area_privacy, views_privacy, views_saml, views_spid

urlpatterns = [
    path("area-personale/spid-cie/<int:pk>/", views_spid.avvia, name="spid_cie_avvia"),
    path("area-personale/spid-cie/ritorno/", views_spid.ritorno, name="spid_cie_ritorno"),
    path("area-personale/spid-cie/jwks.json", views_spid.chiavi, name="spid_cie_jwks"),
    re_path(r"^(?:(?P<prefisso>[\w./-]+)/)?\.well-known/openid-federation$", views_spid.configurazione_federazione,
            name="spid_cie_federazione"),
    # SAML2 (SPID technical rules): the metadata AgID and the IdPs read, the ACS, single logout.
    path("spid/metadata.xml", views_saml.metadata, name="saml_metadata"),
    path("area-personale/saml/avvia/", views_saml.avvia, name="saml_avvia"),
    path("area-personale/saml/acs/", views_saml.acs, name="saml_acs"),
    path("area-personale/saml/slo/", views_saml.slo, name="saml_slo"),
    path("area-personale/privacy/", views_area_privacy.pagina, name="area_privacy"),
    path("area-personale/privacy/i-miei-dati.zip", views_area_privacy.scarica, name="area_privacy_dati"),
    path("area-personale/privacy/cancella/", views_area_privacy.cancella, name="area_privacy_cancella"),
    path("area-personale/privacy/cancellato/", views_area_privacy.cancellato, name="area_privacy_cancellato"),
    # Each comune's notice (art. 13) and register entry (art. 30), generated from its settings.
    path("privacy/<slug:ente>/", views_privacy.informativa, name="privacy_ente"),
    path("privacy/<slug:ente>/registro/", views_privacy.registro, name="privacy_registro"),
]
