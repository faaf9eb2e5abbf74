"""SPID and CIE sign-in through OpenID Connect, against a real OpenID Provider on loopback.

The provider below is a small WSGI application served by wsgiref in a thread. It is strict the
way the SPID/CIE OIDC profile is: it verifies the signed request object against the client's
registered keys, PKCE S256, the `private_key_jwt` assertion at the token endpoint, one use per
code, and answers the userinfo as a JWS encrypted to the relying party (JWE). The citizen's
browser is the Django test client on our side and `requests` on the provider's socket.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlparse
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
import requests
from joserfc import jwe, jwt
from joserfc.jwk import KeySet, RSAKey

from civico.accounts import oidc
from civico.accounts.models import Incarico, LivelloSpid, ProviderIdentita, RelyingParty, Ruolo, Utente
from civico.portale.models import Bozza
from civico.segnalazioni.models import Segnalazione
from tests import factories

pytestmark = pytest.mark.django_db

CF = "RSSMRA80A01H501U"


class _Silenzioso(WSGIRequestHandler):
    def log_message(self, *args):  # keep pytest's output clean
        pass


@dataclass
class ProviderLocale:
    """An OpenID Provider for one registered client. `persona` is who "signs in" at /authorize."""

    client_id: str = ""
    redirect_uri: str = ""
    chiavi_client: dict = field(default_factory=dict)  # public JWKS, registered by value
    persona: dict = field(default_factory=lambda: {
        "given_name": "Mario", "family_name": "Rossi", "email": "mario.rossi@example.org",
        oidc.CLAIM_CODICE_FISCALE: f"TINIT-{CF}",
    })
    acr: str = LivelloSpid.L2.value
    firma_sbagliata: bool = False  # sign the ID token with a key not in the JWKS
    nonce_diverso: bool = False
    userinfo_in_chiaro: bool = False  # answer the userinfo as plain JSON (the profile forbids it)
    richieste: list = field(default_factory=list)
    codici: dict = field(default_factory=dict)
    token: dict = field(default_factory=dict)

    def __post_init__(self):
        self.chiave = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, private=True)
        self.chiave.ensure_kid()
        self.intrusa = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, private=True)
        self.intrusa.ensure_kid()
        self.server = make_server("127.0.0.1", 0, self, server_class=WSGIServer, handler_class=_Silenzioso)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def chiudi(self):
        self.server.shutdown()
        self.server.server_close()

    # --- WSGI ---

    def __call__(self, environ, start_response):
        percorso = environ["PATH_INFO"]
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        corpo = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)).decode()
        form = {k: v[0] for k, v in parse_qs(corpo).items()}
        self.richieste.append((percorso, query, form))
        metodo = {
            "/.well-known/openid-configuration": self.scoperta, "/jwks": self.jwks,
            "/authorize": self.authorize, "/token": self.token_endpoint, "/userinfo": self.userinfo,
        }.get(percorso)
        if metodo is None:
            return self._risposta(start_response, "404 Not Found", {"error": "not_found"})
        try:
            return metodo(start_response, query, form, environ)
        except AssertionError as exc:  # a broken client request: say so, as a provider would
            return self._risposta(start_response, "400 Bad Request", {"error": "invalid_request",
                                                                       "error_description": str(exc)})

    def _risposta(self, start_response, stato, corpo, tipo="application/json", intestazioni=()):
        testo = corpo if isinstance(corpo, str) else json.dumps(corpo)
        start_response(stato, [("Content-Type", tipo), *intestazioni])
        return [testo.encode()]

    def scoperta(self, start_response, *_):
        return self._risposta(start_response, "200 OK", {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "request_parameter_supported": True,
            "acr_values_supported": [v.value for v in LivelloSpid],
        })

    def jwks(self, start_response, *_):
        return self._risposta(start_response, "200 OK", {"keys": [self.chiave.as_dict(private=False)]})

    def authorize(self, start_response, query, form, environ):
        assert query.get("client_id") == self.client_id, "client_id sconosciuto"
        assert query.get("response_type") == "code"
        assert query.get("code_challenge_method") == "S256", "PKCE S256 richiesto"
        chiavi = KeySet.import_key_set(self.chiavi_client)
        oggetto = jwt.decode(query["request"], chiavi, algorithms=["RS256"]).claims  # signature checked
        for nome in ("client_id", "redirect_uri", "state", "nonce", "code_challenge", "response_type", "scope"):
            assert oggetto[nome] == query[nome], f"{nome} diverso nel request object"
        assert oggetto["iss"] == self.client_id and self.issuer in oggetto["aud"]
        assert oggetto["exp"] > time.time()
        assert oggetto["redirect_uri"] == self.redirect_uri, "redirect_uri non registrato"
        assert "openid" in oggetto["scope"].split()
        codice = secrets.token_urlsafe(16)
        self.codici[codice] = oggetto
        parametri = urlencode({"code": codice, "state": oggetto["state"], "iss": self.issuer})
        destinazione = f"{oggetto['redirect_uri']}?{parametri}"
        return self._risposta(start_response, "302 Found", "", "text/plain", [("Location", destinazione)])

    def token_endpoint(self, start_response, query, form, environ):
        assert form.get("grant_type") == "authorization_code"
        assert form.get("client_assertion_type") == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        asserzione = jwt.decode(form["client_assertion"], KeySet.import_key_set(self.chiavi_client),
                                algorithms=["RS256"]).claims
        assert asserzione["iss"] == asserzione["sub"] == self.client_id, "private_key_jwt: iss/sub"
        assert asserzione["aud"] in (f"{self.issuer}/token", [f"{self.issuer}/token"]), "private_key_jwt: aud"
        assert asserzione["exp"] > time.time() and asserzione.get("jti")
        oggetto = self.codici.pop(form.get("code", ""), None)
        assert oggetto is not None, "codice sconosciuto o già usato"
        assert form.get("redirect_uri") == oggetto["redirect_uri"]
        sfida = base64.urlsafe_b64encode(hashlib.sha256(form["code_verifier"].encode()).digest()).rstrip(b"=").decode()
        assert sfida == oggetto["code_challenge"], "PKCE: verificatore sbagliato"
        adesso = int(time.time())
        chiave = self.intrusa if self.firma_sbagliata else self.chiave
        id_token = jwt.encode({"alg": "RS256", "kid": chiave.kid}, {
            "iss": self.issuer, "sub": "utente-opaco-1", "aud": [self.client_id], "iat": adesso, "exp": adesso + 300,
            "nonce": "altro" if self.nonce_diverso else oggetto["nonce"], "acr": self.acr, "jti": secrets.token_hex(8),
        }, chiave)
        access_token = secrets.token_urlsafe(24)
        self.token[access_token] = oggetto
        return self._risposta(start_response, "200 OK", {
            "access_token": access_token, "token_type": "Bearer", "expires_in": 300, "id_token": id_token,
        })

    def userinfo(self, start_response, query, form, environ):
        token = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ")
        assert token in self.token, "access token sconosciuto"
        dati = {"sub": "utente-opaco-1", "iss": self.issuer, "aud": self.client_id, **self.persona}
        if self.userinfo_in_chiaro:
            return self._risposta(start_response, "200 OK", dati)
        firmato = jwt.encode({"alg": "RS256", "kid": self.chiave.kid}, dati, self.chiave)
        chiave_rp = next(k for k in self.chiavi_client["keys"] if k.get("use") == "enc")
        cifrato = jwe.encrypt_compact({"alg": "RSA-OAEP-256", "enc": "A256CBC-HS512", "kid": chiave_rp["kid"],
                                       "cty": "JWT"}, firmato, RSAKey.import_key(chiave_rp),
                                      algorithms=["RSA-OAEP-256", "A256CBC-HS512"])
        return self._risposta(start_response, "200 OK", cifrato, "application/jwt")


@pytest.fixture
def op(settings):
    settings.CIVICO = {**settings.CIVICO, "RETE_LOCALE": True}  # the provider listens on loopback
    provider = ProviderLocale()
    yield provider
    provider.chiudi()


@pytest.fixture
def configurato(op, db):
    """The national portal's relying party, registered with the local provider."""
    rp = RelyingParty.objects.create(client_id="https://civico.example.org/oidc/rp",
                                     chiavi_private=oidc.genera_chiavi())
    spid = ProviderIdentita.objects.create(relying_party=rp, tipo="spid", nome="IdP di prova", issuer=op.issuer)
    cie = ProviderIdentita.objects.create(relying_party=rp, tipo="cie", nome="CIE di prova", issuer=op.issuer + "/",
                                          ordine=1)
    op.client_id = rp.client_id
    op.redirect_uri = "http://testserver/area-personale/spid-cie/ritorno/"
    op.chiavi_client = oidc.chiavi_pubbliche(rp)
    return rp, spid, cie


def accedi(client, op, provider, next_url=""):
    """The browser's redirect chain: our start page → the provider → back to our callback."""
    r = client.get(f"/area-personale/spid-cie/{provider.pk}/" + (f"?next={next_url}" if next_url else ""))
    assert r.status_code == 302, r.content.decode()[:2000]
    assert r["Location"].startswith(op.issuer + "/authorize?")
    dal_provider = requests.get(r["Location"], allow_redirects=False, timeout=10)
    assert dal_provider.status_code == 302, dal_provider.text
    ritorno = urlparse(dal_provider.headers["Location"])
    assert ritorno.netloc == "testserver"
    return client.get(f"{ritorno.path}?{ritorno.query}")


def test_the_sign_in_page_shows_the_spid_and_cie_buttons(client, configurato):
    _, spid, cie = configurato
    pagina = client.get("/area-personale/").content.decode()
    assert "Entra con SPID" in pagina and "Entra con CIE" in pagina
    assert f'href="/area-personale/spid-cie/{spid.pk}/"' in pagina and "IdP di prova" in pagina
    assert f'href="/area-personale/spid-cie/{cie.pk}/"' in pagina
    assert "<script" not in pagina.split('data-testid="pulsanti-spid-cie"')[1].split("</div>")[0]


def test_without_configuration_there_are_no_buttons(client, db):
    assert "Entra con SPID" not in client.get("/area-personale/").content.decode()


def test_a_citizen_signs_in_with_spid_and_gets_name_codice_fiscale_and_email(client, op, configurato):
    _, spid, _ = configurato
    r = accedi(client, op, spid)
    assert r.status_code == 302 and r["Location"] == "/area-personale/"
    utente = Utente.objects.get(codice_fiscale=CF)
    assert (utente.first_name, utente.last_name, utente.email) == ("Mario", "Rossi", "mario.rossi@example.org")
    assert not utente.has_usable_password()
    area = client.get("/area-personale/").content.decode()
    assert "Area personale" in area and "mario.rossi@example.org" in area
    # What the relying party sent: the profile's parameters, inside the signed request object.
    _, query, _ = next(q for q in op.richieste if q[0] == "/authorize")
    oggetto = jwt.decode(query["request"], KeySet.import_key_set(op.chiavi_client), algorithms=["RS256"]).claims
    assert oggetto["acr_values"] == LivelloSpid.L2.value and oggetto["prompt"] == "consent login"
    assert oidc.CLAIM_CODICE_FISCALE in oggetto["claims"]["userinfo"]
    assert set(oggetto["claims"]["userinfo"]) >= {"given_name", "family_name", "email"}


def test_cie_signs_in_the_same_person_to_the_same_account(client, op, configurato):
    _, spid, cie = configurato
    accedi(client, op, spid)
    client.post("/area-personale/esci/")
    op.persona = {**op.persona, "email": "nuovo.indirizzo@example.org"}
    r = accedi(client, op, cie)
    assert r.status_code == 302
    assert Utente.objects.filter(codice_fiscale=CF).count() == 1
    assert Utente.objects.get(codice_fiscale=CF).email == "nuovo.indirizzo@example.org"


def test_an_email_link_account_is_joined_by_the_same_address(client, op, configurato):
    esistente = factories.UtenteFactory(username="mario.rossi@example.org")
    accedi(client, op, configurato[1])
    esistente.refresh_from_db()
    assert esistente.codice_fiscale == CF and Utente.objects.count() == 1


def test_a_report_sent_while_signed_in_with_spid_is_prefilled_and_in_the_personal_area(client, op, configurato,
                                                                                        alessandria):
    accedi(client, op, configurato[1])
    r = client.post(f"/segnala/?ente={alessandria.slug}", {"privacy": "1"})
    bozza = r["Location"].split("/")[2]
    lat, lon = factories.PIAZZA_LIBERTA
    client.post(f"/segnala/{bozza}/luogo/", {"ente": alessandria.slug, "lat": lat, "lon": lon})
    client.post(f"/segnala/{bozza}/disservizio/", {"categoria": "tombini", "titolo": "Tombino intasato in via Roma"})
    autore = client.get(f"/segnala/{bozza}/autore/").content.decode()
    assert 'value="Mario Rossi"' in autore and 'value="mario.rossi@example.org"' in autore  # once-only
    assert CF in autore
    client.post(f"/segnala/{bozza}/autore/",
                {"anonimo": "no", "nome": "Mario Rossi", "email": "mario.rossi@example.org"})

    inviata = client.post(f"/segnala/{bozza}/invia/", {"chiave": Bozza.objects.get(uuid=bozza).chiave})
    assert inviata.status_code == 302, inviata.content.decode()[:2000]
    s = Segnalazione.objects.get()
    assert s.segnalante.codice_fiscale == CF and s.segnalante_nome == "Mario Rossi"
    area = client.get("/area-personale/").content.decode()
    assert s.codice in area and "Tombino intasato in via Roma" in area


def test_an_id_token_signed_with_another_key_is_refused(client, op, configurato):
    op.firma_sbagliata = True
    r = accedi(client, op, configurato[1])
    assert r.status_code == 400 and "firma" in r.content.decode()
    assert not Utente.objects.exists() and "_auth_user_id" not in client.session


def test_a_replayed_or_foreign_nonce_is_refused(client, op, configurato):
    op.nonce_diverso = True
    r = accedi(client, op, configurato[1])
    assert r.status_code == 400 and not Utente.objects.exists()


def test_an_unsigned_userinfo_is_refused(client, op, configurato):
    op.userinfo_in_chiaro = True
    r = accedi(client, op, configurato[1])
    assert r.status_code == 400 and "non sono firmate" in r.content.decode()


def test_a_lower_level_than_asked_is_refused(client, op, configurato):
    rp = configurato[0]
    rp.livello = LivelloSpid.L2
    rp.save()
    op.acr = LivelloSpid.L1.value
    r = accedi(client, op, configurato[1])
    assert r.status_code == 400 and "livello" in r.content.decode()


def test_a_callback_that_did_not_start_here_is_refused(client, op, configurato):
    r = client.get("/area-personale/spid-cie/ritorno/?code=abc&state=inventato")
    assert r.status_code == 400 and "non è partita da qui" in r.content.decode()


def test_a_cancelled_sign_in_says_so(client, op, configurato):
    r = client.get(f"/area-personale/spid-cie/{configurato[1].pk}/")
    state = parse_qs(urlparse(r["Location"]).query)["state"][0]
    r = client.get(f"/area-personale/spid-cie/ritorno/?error=access_denied&state={state}")
    assert r.status_code == 400 and "annullato" in r.content.decode()


def test_a_code_is_used_once(client, op, configurato):
    r = client.get(f"/area-personale/spid-cie/{configurato[1].pk}/")
    ritorno = requests.get(r["Location"], allow_redirects=False, timeout=10).headers["Location"]
    percorso = urlparse(ritorno)
    primo = client.get(f"{percorso.path}?{percorso.query}")
    assert primo.status_code == 302 and primo["Location"].startswith("/area-personale/")
    assert "_auth_user_id" in client.session
    client.post("/area-personale/esci/")
    di_nuovo = client.get(f"{percorso.path}?{percorso.query}")  # state gone with the session
    assert di_nuovo.status_code == 400 and "non è partita da qui" in di_nuovo.content.decode()
    assert "_auth_user_id" not in client.session and Utente.objects.count() == 1


def test_a_staff_member_cannot_enter_as_a_citizen(client, op, configurato, alessandria):
    staff = factories.staff("operatore", Ruolo.OPERATORE, alessandria)
    staff.codice_fiscale = CF
    staff.save()
    assert Incarico.objects.filter(utente=staff).exists()
    r = accedi(client, op, configurato[1])
    assert r.status_code == 400 and "personale del comune" in r.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_unreachable_provider_is_a_clear_error_not_a_500(client, configurato):
    provider = configurato[1]
    provider.issuer = "http://127.0.0.1:9/"  # discard port: nothing listens
    provider.save()
    r = client.get(f"/area-personale/spid-cie/{provider.pk}/")
    assert r.status_code == 502 and "non risponde" in r.content.decode()


def test_the_relying_party_publishes_only_public_keys(client, configurato):
    chiavi = client.get("/area-personale/spid-cie/jwks.json").json()["keys"]
    assert {k["use"] for k in chiavi} == {"sig", "enc"}
    assert all("d" not in k and "p" not in k for k in chiavi)


def test_an_ente_domain_uses_its_own_relying_party(client, op, configurato, alessandria, settings):
    settings.ALLOWED_HOSTS = ["testserver", "segnalazioni.comune.alessandria.it"]
    alessandria.dominio = "segnalazioni.comune.alessandria.it"
    alessandria.save()
    propria = RelyingParty.objects.create(ente=alessandria, client_id="https://segnalazioni.comune.alessandria.it/rp",
                                          chiavi_private=oidc.genera_chiavi())
    cie = ProviderIdentita.objects.create(relying_party=propria, tipo="cie", nome="CIE del comune", issuer=op.issuer)
    pagina = client.get("/area-personale/", HTTP_HOST="segnalazioni.comune.alessandria.it").content.decode()
    assert f'href="/area-personale/spid-cie/{cie.pk}/"' in pagina and "IdP di prova" not in pagina
    # The national providers are not reachable from the ente's domain.
    r = client.get(f"/area-personale/spid-cie/{configurato[1].pk}/", HTTP_HOST="segnalazioni.comune.alessandria.it")
    assert r.status_code == 404
