"""No URL makes the server call inside its own network: the protocol webhook (saved by staff, posted
by the worker) and the SPID/CIE provider's discovery, keys and token endpoints all go through
civico.core.rete. Push endpoints: tests/comunicazioni/test_push.py; the rule: tests/core/test_rete.py."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from civico.accounts import federazione, oidc, rotazione_chiavi
from civico.accounts.models import CatenaFiducia, ProviderIdentita, RelyingParty, Ruolo, TrustAnchor
from civico.catalogo import configurazione
from civico.errors import InvalidData
from civico.segnalazioni import protocollo
from tests import factories
from tests.configurazione.cablaggio import accedi, pagine  # noqa: F401 — fixtures

pytestmark = pytest.mark.django_db

INTERNI = [
    "https://10.0.0.7/protocollo", "https://169.254.169.254/latest/meta-data/", "https://192.168.0.10:8443/x",
    "https://[fd00::7]/x", "https://[::ffff:169.254.169.254]/x", "https://2852039166/x", "https://0xa9.0xfe.0xa9.0xfe/",
    "https://localhost/x", "https://127.1/x", "https://0.0.0.0/x", "https://protocollo.example.org@10.0.0.7/x",
    "http://protocollo.example.org/x", "ftp://protocollo.example.org/x",
]


class Ascoltatore:
    """An HTTP server on loopback that counts the connections it gets and answers JSON."""

    def __init__(self, risposte: dict[str, dict] | None = None):
        self.connessioni = 0
        proprio = self

        class Gestore(BaseHTTPRequestHandler):
            def setup(self):
                proprio.connessioni += 1
                super().setup()

            def _rispondi(self):
                corpo = json.dumps((risposte or {}).get(self.path.split("?")[0], {})).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(corpo)))
                self.end_headers()
                self.wfile.write(corpo)

            do_GET = do_POST = _rispondi

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Gestore)
        self.porta = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.porta}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def chiudi(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def ascoltatore():
    a = Ascoltatore()
    yield a
    a.chiudi()


@pytest.fixture
def amministratore(alessandria):
    return factories.staff("admin-ssrf", Ruolo.ENTE_ADMIN, alessandria)


# --- The protocol webhook.

@pytest.mark.parametrize("url", INTERNI)
def test_a_webhook_inside_the_network_is_refused_when_saved(alessandria, amministratore, url, dns):
    dns["protocollo.example.org"] = ["93.184.216.34"]
    with pytest.raises(InvalidData) as e:
        configurazione.imposta_ente(amministratore, alessandria, protocollo_webhook_url=url)
    assert set(e.value.errors) == {"protocollo_webhook_url"}
    alessandria.refresh_from_db()
    assert alessandria.protocollo_webhook_url == ""


@pytest.mark.usefixtures("pagine")
def test_the_webhook_form_says_why_in_italian_and_english(client, alessandria, accedi, dns):  # noqa: F811
    dns["protocollo.example.org"] = ["10.9.8.7"]
    accedi(client, Ruolo.ENTE_ADMIN, alessandria)
    pagina = "/backoffice/configurazione/alessandria/"
    r = client.post(pagina, {"protocollo_webhook_url": "https://protocollo.example.org/civico"})
    assert "L&#x27;indirizzo protocollo.example.org porta a una rete interna e non è permesso." in r.content.decode()
    r = client.post(pagina, {"protocollo_webhook_url": "https://protocollo.example.org/civico"},
                    HTTP_ACCEPT_LANGUAGE="en")
    assert "leads into an internal network and is not allowed" in r.content.decode()
    alessandria.refresh_from_db()
    assert alessandria.protocollo_webhook_url == ""


def test_a_public_webhook_is_accepted(alessandria, amministratore, dns):
    dns["protocollo.example.org"] = ["93.184.216.34"]
    configurazione.imposta_ente(amministratore, alessandria,
                                protocollo_webhook_url="https://protocollo.example.org/civico")
    alessandria.refresh_from_db()
    assert alessandria.protocollo_webhook_url == "https://protocollo.example.org/civico"


def test_a_webhook_stored_before_the_rule_is_never_called_inside(alessandria, ascoltatore):
    s = factories.segnalazione(alessandria)
    for url in (ascoltatore.url + "/x", f"https://127.0.0.1:{ascoltatore.porta}/x", "http://169.254.169.254/x"):
        alessandria.protocollo_webhook_url, alessandria.protocollo_segreto = url, "segreto"
        alessandria.save()
        assert protocollo.invia_al_protocollo(s) is False
    assert ascoltatore.connessioni == 0


def test_a_webhook_name_rebinding_to_loopback_gets_no_connection(alessandria, amministratore, ascoltatore, dns):
    dns["protocollo.example.org"] = ["93.184.216.34", "127.0.0.1"]
    url = f"https://protocollo.example.org:{ascoltatore.porta}/civico"
    assert configurazione.imposta_ente(amministratore, alessandria, protocollo_webhook_url=url) is None
    alessandria.refresh_from_db()
    alessandria.protocollo_segreto = "segreto"
    alessandria.save()
    assert protocollo.invia_al_protocollo(factories.segnalazione(alessandria)) is False
    assert ascoltatore.connessioni == 0


# --- SPID/CIE: the provider's entity id and the URLs its federation metadata name.

def _provider(issuer: str) -> ProviderIdentita:
    TrustAnchor.objects.get_or_create(entity_id="https://registry.example.org", tipo="spid", chiavi={"keys": []})
    rp = RelyingParty.objects.create(client_id="https://civico.example.org/oidc/rp",
                                     chiavi_private=rotazione_chiavi.genera_chiavi())
    return ProviderIdentita.objects.create(relying_party=rp, tipo="spid", nome="IdP", issuer=issuer)


@pytest.mark.parametrize("issuer", ["https://169.254.169.254", "https://10.0.0.1/oidc", "https://[::1]:8443",
                                    "http://idp.example.org", "https://2130706433"])
def test_an_internal_issuer_cannot_be_saved(issuer):
    provider = _provider("https://idp.example.org")
    provider.issuer = issuer
    with pytest.raises(ValidationError) as e:
        provider.full_clean()
    assert "issuer" in e.value.message_dict


def test_an_issuer_on_loopback_is_not_fetched(ascoltatore):
    provider = _provider(ascoltatore.url)
    with pytest.raises(federazione.CatenaNonValida) as e, translation.override("it"):
        oidc.inizia(provider, "https://civico.example.org/ritorno/")
    assert "non risponde" in str(e.value)
    assert ascoltatore.connessioni == 0


@pytest.mark.parametrize("interno", ["http://169.254.169.254/latest/meta-data/iam", "http://10.0.0.1:8080/admin",
                                     "http://[fd00::1]/x", "http://0.0.0.0:{porta}/x"])
def test_federation_metadata_cannot_send_the_server_inside_the_network(settings, interno):
    # The provider itself on loopback (allowed by the test switch); what its metadata (as a trust
    # chain resolved them) name must still be public.
    settings.CIVICO = {**settings.CIVICO, "RETE_LOCALE": True}
    bersaglio = Ascoltatore()
    interno = interno.format(porta=bersaglio.porta)
    op = Ascoltatore({})
    try:
        CatenaFiducia.objects.create(entity_id=op.url, scade_il=timezone.now() + timedelta(hours=1), metadati={
            "issuer": op.url, "authorization_endpoint": op.url + "/authorize",
            "token_endpoint": interno, "jwks_uri": interno, "userinfo_endpoint": interno,
        })
        provider = _provider(op.url)
        richiesta = oidc.inizia(provider, "https://civico.example.org/ritorno/")
        with pytest.raises(oidc.AccessoNonRiuscito):
            oidc.completa(provider, richiesta.stato, "codice")
        with pytest.raises(oidc.AccessoNonRiuscito):
            oidc._get(interno)
        assert bersaglio.connessioni == 0
    finally:
        op.chiudi()
        bersaglio.chiudi()
