"""A citizen signs in with SPID over SAML2 in Chromium, end to end: the SPID button, the list of
identity providers, the IdP's page (pysaml2's IdP served by this test on loopback), back to the
personal area signed in. Then out, at the IdP too."""

from __future__ import annotations

import html
import threading
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from playwright.sync_api import expect

from civico.accounts import saml, saml_chiavi, saml_idp
from civico.accounts.models import LivelloSpid, RelyingParty, Utente
from tests.accounts.idp_saml_di_prova import IdpDiProva

pytestmark = [
    pytest.mark.browser, pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not saml.disponibile(), reason="xmlsec1 missing: apt-get install xmlsec1"),
]
SP = "https://civico.example/spid/"


class _Silenzioso(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class PaginaIdp:
    """The IdP's web pages: /sso shows who signs in and posts the signed Response to our ACS."""

    def __init__(self, cartella):
        self.server = make_server("localhost", 0, self, server_class=WSGIServer, handler_class=_Silenzioso)
        self.idp = IdpDiProva(cartella, f"http://localhost:{self.server.server_port}/")
        self.acs = ""
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def __call__(self, environ, start_response):
        url = f"{self.idp.entity_id.rstrip('/')}{environ['PATH_INFO']}?{environ.get('QUERY_STRING', '')}"
        if environ["PATH_INFO"] == "/sso":
            richiesta, q = self.idp.leggi_richiesta(url)
            risposta = self.idp.risposta(richiesta.message.id, self.acs, SP)
            corpo = (f'<!doctype html><html lang="it"><title>IdP di prova</title><h1>IdP di prova</h1>'
                     f'<form method="post" action="{html.escape(self.acs)}">'
                     f'<input type="hidden" name="SAMLResponse" value="{risposta}">'
                     f'<input type="hidden" name="RelayState" value="{html.escape(q.get("RelayState", ""))}">'
                     f'<button type="submit">Accedi come Mario Rossi</button></form></html>')
        else:  # /slo: the LogoutRequest is shown, the IdP's session "closed"
            campi = parse_qs(environ.get("QUERY_STRING", ""))
            corpo = f"<!doctype html><title>Uscita</title><p>Uscito ({', '.join(sorted(campi))})</p>"
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [corpo.encode()]

    def chiudi(self):
        self.server.shutdown()
        self.server.server_close()


def test_a_citizen_signs_in_with_spid_saml_in_the_browser(live_server, apri, settings, tmp_path, client):
    from tests.browser.conftest import DESKTOP

    pagina_idp = PaginaIdp(tmp_path)
    try:
        settings.SAML_REGISTRO_IDP = str(tmp_path / "idp_saml.json")
        saml_idp.aggiorna(saml_idp.da_metadata(pagina_idp.idp.metadata(), "spid"), "spid", fonte="test")
        rp = RelyingParty.objects.create(client_id=SP, livello=LivelloSpid.L2, nome_organizzazione="Comune di Prova")
        saml_chiavi.genera(rp, bit=2048)
        base = live_server.url
        pagina_idp.acs = f"{base}/area-personale/saml/acs/"
        pagina_idp.idp.conosci_sp(client.get("/spid/metadata.xml", HTTP_HOST=base.split("//")[1]).content)

        page = apri(DESKTOP)
        page.goto(f"{base}/area-personale/")
        pulsante = page.locator("summary", has_text="Entra con SPID")
        pulsante.focus()
        page.keyboard.press("Enter")  # the list opens from the keyboard, no script needed
        page.get_by_role("link", name="IdP di prova").click()
        expect(page.get_by_role("heading", name="IdP di prova")).to_be_visible()
        page.get_by_role("button", name="Accedi come Mario Rossi").click()
        expect(page.get_by_text("Hai effettuato l'accesso con SPID")).to_be_visible()
        assert page.url == f"{base}/area-personale/"
        assert Utente.objects.get(codice_fiscale="RSSMRA80A01H501U").first_name == "Mario"
    finally:
        pagina_idp.chiudi()
