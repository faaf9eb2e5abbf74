"""A small SPID/CIE OpenID Connect Federation on loopback: trust anchor, intermediate and OpenID
Providers, each a real WSGI server (wsgiref in a thread).

The provider is strict the way the SPID/CIE OIDC profile is: it verifies the signed request
object against the client's keys taken from the relying party's entity configuration (automatic
registration), PKCE S256, the `private_key_jwt` assertion, one use per code, and answers the
userinfo as a JWS encrypted to the relying party (JWE). Its metadata and keys are published only
in its entity configuration: there is no discovery document to fall back on.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from joserfc import jwe, jwt
from joserfc.jwk import KeySet, RSAKey

from civico.accounts import oidc
from civico.accounts.models import LivelloSpid

CF = "RSSMRA80A01H501U"
TRUST_MARK_OP = "https://registry.example.org/openid_provider/public"


class _Silenzioso(WSGIRequestHandler):
    def log_message(self, *args):  # keep pytest's output clean
        pass


def chiave_rsa(uso: str = "sig") -> RSAKey:
    chiave = RSAKey.generate_key(2048, parameters={"use": uso}, private=True)
    chiave.ensure_kid()
    return chiave


def firma(claims: dict, chiave: RSAKey, typ: str = "entity-statement+jwt", alg: str = "RS256") -> str:
    return jwt.encode({"alg": alg, "kid": chiave.kid, "typ": typ}, claims, chiave)


class Server:
    """A WSGI app on 127.0.0.1 with a random port; `rotte` maps paths to handlers."""

    def avvia(self):
        self.server = make_server("127.0.0.1", 0, self, server_class=WSGIServer, handler_class=_Silenzioso)
        self.entity_id = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def chiudi(self):
        self.server.shutdown()
        self.server.server_close()

    def rotte(self) -> dict:
        return {}

    def __call__(self, environ, start_response):
        percorso = environ["PATH_INFO"]
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        corpo = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)).decode()
        form = {k: v[0] for k, v in parse_qs(corpo).items()}
        self.richieste.append((percorso, query, form))
        metodo = self.rotte().get(percorso)
        if metodo is None:
            return self.risposta(start_response, "404 Not Found", {"error": "not_found"})
        try:
            return metodo(start_response, query, form, environ)
        except AssertionError as exc:  # a broken client request: say so, as a provider would
            return self.risposta(start_response, "400 Bad Request", {"error": "invalid_request",
                                                                      "error_description": str(exc)})

    @staticmethod
    def risposta(start_response, stato, corpo, tipo="application/json", intestazioni=()):
        testo = corpo if isinstance(corpo, str) else json.dumps(corpo)
        start_response(stato, [("Content-Type", tipo), *intestazioni])
        return [testo.encode()]


@dataclass
class Autorita(Server):
    """A trust anchor or an intermediate: publishes its configuration, fetch and list endpoints.
    `subordinati` maps a subject's entity id to what the statement about it says (jwks, and
    optionally metadata_policy, metadata, durata)."""

    authority_hints: list = field(default_factory=list)
    subordinati: dict = field(default_factory=dict)
    elenco: list = field(default_factory=list)
    trust_mark_issuers: dict = field(default_factory=dict)
    firma_sbagliata: bool = False  # sign subordinate statements with a key not in our jwks
    richieste: list = field(default_factory=list)

    def __post_init__(self):
        self.chiave, self.intrusa = chiave_rsa(), chiave_rsa()
        self.avvia()

    def pubbliche(self) -> dict:
        return {"keys": [self.chiave.as_dict(private=False)]}

    @staticmethod
    def chiave_pubblica_estranea() -> dict:
        return chiave_rsa().as_dict(private=False)

    def azzera(self):
        self.authority_hints, self.subordinati, self.elenco, self.trust_mark_issuers = [], {}, [], {}
        self.firma_sbagliata = False
        self.richieste.clear()

    def rotte(self):
        return {"/.well-known/openid-federation": self.configurazione, "/fetch": self.fetch, "/list": self.lista}

    def configurazione(self, start_response, *_):
        adesso = int(time.time())
        claims = {
            "iss": self.entity_id, "sub": self.entity_id, "iat": adesso, "exp": adesso + 3600,
            "jwks": self.pubbliche(),
            "metadata": {"federation_entity": {
                "federation_fetch_endpoint": f"{self.entity_id}/fetch",
                "federation_list_endpoint": f"{self.entity_id}/list",
                "organization_name": "Autorità di prova",
            }},
        }
        if self.authority_hints:
            claims["authority_hints"] = self.authority_hints
        if self.trust_mark_issuers:
            claims["trust_mark_issuers"] = self.trust_mark_issuers
        return self.risposta(start_response, "200 OK", firma(claims, self.chiave), "application/entity-statement+jwt")

    def fetch(self, start_response, query, *_):
        voce = self.subordinati.get(query.get("sub", ""))
        if voce is None:
            return self.risposta(start_response, "404 Not Found", {"error": "not_found"})
        adesso = int(time.time())
        claims = {"iss": self.entity_id, "sub": query["sub"], "iat": adesso - 10,
                  "exp": adesso + voce.get("durata", 3600), "jwks": voce["jwks"]}
        for chiave in ("metadata_policy", "metadata"):
            if chiave in voce:
                claims[chiave] = voce[chiave]
        chiave = self.intrusa if self.firma_sbagliata else self.chiave
        return self.risposta(start_response, "200 OK", firma(claims, chiave), "application/entity-statement+jwt")

    def lista(self, start_response, *_):
        return self.risposta(start_response, "200 OK", list(self.elenco))

    def trust_mark(self, sub: str, identificativo: str = TRUST_MARK_OP, durata: int = 3600) -> dict:
        adesso = int(time.time())
        token = firma({"iss": self.entity_id, "sub": sub, "id": identificativo, "iat": adesso - 10,
                       "exp": adesso + durata}, self.chiave, typ="trust-mark+jwt")
        return {"id": identificativo, "trust_mark": token}


@dataclass
class ProviderLocale(Server):
    """An OpenID Provider in the federation. `persona` is who "signs in" at /authorize."""

    nome: str = "IdP di prova"
    authority_hints: list = field(default_factory=list)
    trust_marks: list = field(default_factory=list)
    metadati_extra: dict = field(default_factory=dict)
    client_id: str = ""
    redirect_uri: str = ""
    chiavi_client: dict = field(default_factory=dict)  # from the RP's entity configuration
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
        self.chiave, self.intrusa, self.chiave_federazione = chiave_rsa(), chiave_rsa(), chiave_rsa()
        self.avvia()
        self.issuer = self.entity_id

    def registra_rp(self, configurazione: str):
        """Automatic registration: the RP's keys and redirect URI from its entity configuration
        (self-signed; the chain above it is the trust anchor's business, not this test's)."""
        carico = json.loads(base64.urlsafe_b64decode(configurazione.split(".")[1] + "=="))
        claims = jwt.decode(configurazione, KeySet.import_key_set(carico["jwks"])).claims
        rp = claims["metadata"]["openid_relying_party"]
        self.client_id, self.redirect_uri, self.chiavi_client = claims["sub"], rp["redirect_uris"][0], rp["jwks"]

    def federazione_pubbliche(self) -> dict:
        return {"keys": [self.chiave_federazione.as_dict(private=False)]}

    def rotte(self):
        return {"/.well-known/openid-federation": self.configurazione, "/authorize": self.authorize,
                "/token": self.token_endpoint, "/userinfo": self.userinfo}

    def configurazione(self, start_response, *_):
        adesso = int(time.time())
        metadati = {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks": {"keys": [self.chiave.as_dict(private=False)]},
            "organization_name": self.nome,
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "request_object_signing_alg_values_supported": ["RS256", "RS512"],
            "id_token_signing_alg_values_supported": ["RS256", "RS512"],
            "scopes_supported": ["openid", "offline_access"],
            "acr_values_supported": [v.value for v in LivelloSpid],
            **self.metadati_extra,
        }
        claims = {"iss": self.issuer, "sub": self.issuer, "iat": adesso, "exp": adesso + 3600,
                  "jwks": self.federazione_pubbliche(), "authority_hints": self.authority_hints,
                  "trust_marks": self.trust_marks, "metadata": {"openid_provider": metadati}}
        return self.risposta(start_response, "200 OK", firma(claims, self.chiave_federazione),
                             "application/entity-statement+jwt")

    def authorize(self, start_response, query, form, environ):
        assert query.get("client_id") == self.client_id, "client_id sconosciuto"
        assert query.get("response_type") == "code"
        assert query.get("code_challenge_method") == "S256", "PKCE S256 richiesto"
        chiavi = KeySet.import_key_set(self.chiavi_client)
        oggetto = jwt.decode(query["request"], chiavi, algorithms=["RS256", "RS512"]).claims  # signature checked
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
        return self.risposta(start_response, "302 Found", "", "text/plain", [("Location", destinazione)])

    def token_endpoint(self, start_response, query, form, environ):
        assert form.get("grant_type") == "authorization_code"
        assert form.get("client_assertion_type") == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        asserzione = jwt.decode(form["client_assertion"], KeySet.import_key_set(self.chiavi_client),
                                algorithms=["RS256", "RS512"]).claims
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
        return self.risposta(start_response, "200 OK", {
            "access_token": access_token, "token_type": "Bearer", "expires_in": 300, "id_token": id_token,
        })

    def userinfo(self, start_response, query, form, environ):
        token = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ")
        assert token in self.token, "access token sconosciuto"
        dati = {"sub": "utente-opaco-1", "iss": self.issuer, "aud": self.client_id, **self.persona}
        if self.userinfo_in_chiaro:
            return self.risposta(start_response, "200 OK", dati)
        firmato = jwt.encode({"alg": "RS256", "kid": self.chiave.kid}, dati, self.chiave)
        chiave_rp = next(k for k in self.chiavi_client["keys"] if k.get("use") == "enc")
        cifrato = jwe.encrypt_compact({"alg": "RSA-OAEP-256", "enc": "A256CBC-HS512", "kid": chiave_rp["kid"],
                                       "cty": "JWT"}, firmato, RSAKey.import_key(chiave_rp),
                                      algorithms=["RSA-OAEP-256", "A256CBC-HS512"])
        return self.risposta(start_response, "200 OK", cifrato, "application/jwt")
