"""OpenID Connect relying party for SPID and CIE, following the SPID/CIE OIDC profile (AgID
Linee guida OpenID Connect in SPID; CIE id OIDC) as far as it applies without the federation.

Built on Authlib (the token request with `private_key_jwt` client authentication) and joserfc
(Authlib's JOSE layer: request object, ID token, signed and encrypted userinfo). The government
library `spid-cie-oidc` cannot be installed next to Django 5 and pydantic 2: see
docs/decisions/0009-spid-cie-oidc.md.

Providers are known by entity id only: their endpoints, keys and algorithms come from the
OpenID Connect Federation trust chain (`federazione.metadati_provider`: signatures up to a
configured trust anchor, metadata policies, trust marks), never from a configured issuer.

What the profile asks and this module does:
- authorization code flow with PKCE S256, `state` and `nonce`;
- every authorization parameter also inside a signed request object (`request`, RS256 or the
  algorithm the provider's metadata, after the federation's policies, allows);
- `acr_values` with the SPID level the relying party asks for, and `prompt=consent login`;
- `claims` asking for given_name, family_name, email and the fiscal number;
- client authentication with `private_key_jwt` at the token endpoint;
- ID token signature (the provider's federation JWKS), iss, aud, exp, iat, nonce and acr checked;
- userinfo as a signed JWT (and, when encrypted to our key, a JWE around it), `sub` matched.
Our keys and their rotation: `rotazione_chiavi`; our entity configuration: `federazione`.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.utils.translation import gettext_lazy as _
from joserfc import jwe, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

from civico.accounts import federazione
from civico.accounts.models import LivelloSpid, ProviderIdentita, RelyingParty
from civico.core import rete
from civico.errors import DomainError

TIMEOUT_S = 10
DURATA_REQUEST_OBJECT_S = 300
TOLLERANZA_OROLOGIO_S = 60
CLAIM_CODICE_FISCALE = "https://attributes.eid.gov.it/fiscal_number"
ALGORITMI_FIRMA = ["RS256", "RS512", "ES256"]
ALGORITMI_CIFRATURA = ["RSA-OAEP", "RSA-OAEP-256", "A256CBC-HS512", "A128CBC-HS256", "A256GCM"]
_ORDINE_LIVELLI = [LivelloSpid.L1.value, LivelloSpid.L2.value, LivelloSpid.L3.value]


class AccessoNonRiuscito(DomainError):
    code = "accesso_spid_cie_non_riuscito"


@dataclass(frozen=True)
class Richiesta:
    """The redirect to the provider, and what the callback needs to check its answer."""

    url: str
    state: str
    stato: dict[str, Any]  # kept in the session under the `state` value


@dataclass(frozen=True)
class DatiIdentita:
    sub: str
    nome: str
    cognome: str
    codice_fiscale: str
    email: str
    livello: str


def chiavi_pubbliche(rp: RelyingParty) -> dict:
    """The JWKS published at the relying party's `jwks_uri`: the public halves only."""
    return federazione.pubbliche(rp.chiavi_private)


def _chiave_firma(rp: RelyingParty) -> RSAKey:
    for k in rp.chiavi_private.get("keys", []):
        if k.get("use", "sig") == "sig":
            chiave = RSAKey.import_key(k)
            chiave.ensure_kid()
            return chiave
    raise AccessoNonRiuscito(_("Accesso con SPID o CIE non configurato per questo sito."))


def _get(url: str, **kwargs) -> requests.Response:
    # Discovery, JWKS, userinfo: URLs the server calls, so through civico.core.rete (https, never an
    # address inside our network, no redirects), like the token request below.
    try:
        risposta = rete.richiesta("GET", url, timeout=TIMEOUT_S, **kwargs)
        risposta.raise_for_status()
    except requests.RequestException as exc:
        raise AccessoNonRiuscito(_("Il gestore dell'identità non risponde: riprova tra qualche minuto.")) from exc
    return risposta


def scoperta(provider: ProviderIdentita) -> dict:
    """The provider's metadata as its trust chain resolves them (cached until the chain expires)."""
    return federazione.metadati_provider(provider)


def _algoritmo(meta: dict, parametro: str) -> str:
    """Our signing algorithm (RS256, the profile's) if the provider's metadata, after the
    federation's policies, still accept it."""
    if "RS256" in (meta.get(parametro) or ["RS256"]):
        return "RS256"
    raise AccessoNonRiuscito(_("Il gestore dell'identità non accetta le firme di questo sito."))


def _chiavi_op(meta: dict) -> KeySet:
    return KeySet.import_key_set(meta.get("jwks") or _get(meta["jwks_uri"]).json())


def inizia(provider: ProviderIdentita, redirect_uri: str) -> Richiesta:
    """Build the authorization request (PKCE, nonce, state, signed request object)."""
    rp = provider.relying_party
    meta = scoperta(provider)
    stato, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    verificatore = secrets.token_urlsafe(64)  # 86 characters: within PKCE's 43–128
    parametri = {
        "client_id": rp.client_id,
        "response_type": "code",
        "scope": "openid",
        "redirect_uri": redirect_uri,
        "state": stato,
        "nonce": nonce,
        "code_challenge": create_s256_code_challenge(verificatore),
        "code_challenge_method": "S256",
        "prompt": "consent login",
        "acr_values": rp.livello,
        "claims": {
            "id_token": {"given_name": None, "family_name": None},
            "userinfo": {
                "given_name": None, "family_name": None, "email": None,
                CLAIM_CODICE_FISCALE: {"essential": True},
            },
        },
        "ui_locales": "it",
    }
    adesso = int(time.time())
    chiave = _chiave_firma(rp)
    request_object = jwt.encode(
        {"alg": _algoritmo(meta, "request_object_signing_alg_values_supported"), "kid": chiave.kid, "typ": "JWT"},
        {**parametri, "iss": rp.client_id, "sub": rp.client_id, "aud": [meta["issuer"]],
         "iat": adesso, "exp": adesso + DURATA_REQUEST_OBJECT_S, "jti": secrets.token_urlsafe(16)},
        chiave,
    )
    # The query repeats the parameters OAuth needs outside the request object.
    query = {k: parametri[k] for k in ("client_id", "response_type", "scope", "code_challenge",
                                      "code_challenge_method", "redirect_uri", "state", "nonce")}
    query["request"] = request_object
    url = meta["authorization_endpoint"] + ("&" if "?" in meta["authorization_endpoint"] else "?") + urlencode(query)
    return Richiesta(url=url, state=stato, stato={
        "provider": provider.pk, "nonce": nonce, "verificatore": verificatore, "redirect_uri": redirect_uri,
        "creato": adesso,
    })


def completa(provider: ProviderIdentita, stato: dict[str, Any], code: str) -> DatiIdentita:
    """Exchange the code, check the ID token and the userinfo, return the proved identity."""
    rp = provider.relying_party
    meta = scoperta(provider)
    chiave = _chiave_firma(rp)
    sessione = rete.proteggi(OAuth2Session(
        rp.client_id, chiave, token_endpoint_auth_method="private_key_jwt",
        redirect_uri=stato["redirect_uri"],
    ))
    sessione.register_client_auth_method(
        PrivateKeyJWT(meta["token_endpoint"], headers={"kid": chiave.kid},
                      alg=_algoritmo(meta, "token_endpoint_auth_signing_alg_values_supported"))
    )
    try:
        token = sessione.fetch_token(
            meta["token_endpoint"], grant_type="authorization_code", code=code,
            code_verifier=stato["verificatore"], timeout=TIMEOUT_S,
        )
    except Exception as exc:  # noqa: BLE001 — Authlib raises OAuthError, requests its own
        raise AccessoNonRiuscito(_("Il gestore dell'identità non ha confermato l'accesso: riprova.")) from exc
    chiavi_op = _chiavi_op(meta)
    ammessi = meta.get("id_token_signing_alg_values_supported") or ALGORITMI_FIRMA
    algoritmi = [a for a in ALGORITMI_FIRMA if a in ammessi]
    if not algoritmi:
        raise AccessoNonRiuscito(_("La firma del gestore dell'identità non è valida."))
    id_token = _verifica_jwt(token.get("id_token", ""), chiavi_op, algoritmi)
    _controlla_id_token(id_token, meta["issuer"], rp, stato["nonce"])
    userinfo = _userinfo(meta["userinfo_endpoint"], token["access_token"], chiavi_op, rp)
    if userinfo.get("sub") != id_token.get("sub"):
        raise AccessoNonRiuscito(_("Le informazioni ricevute non riguardano la stessa persona."))
    return DatiIdentita(
        sub=str(id_token["sub"]),
        nome=str(userinfo.get("given_name") or id_token.get("given_name") or "")[:150],
        cognome=str(userinfo.get("family_name") or id_token.get("family_name") or "")[:150],
        codice_fiscale=normalizza_codice_fiscale(str(userinfo.get(CLAIM_CODICE_FISCALE) or "")),
        email=str(userinfo.get("email") or "").strip().lower(),
        livello=str(id_token.get("acr", "")),
    )


def normalizza_codice_fiscale(valore: str) -> str:
    """SPID sends `TINIT-RSSMRA80A01H501U`; we keep the 16 characters, upper case."""
    valore = valore.strip().upper()
    if valore.startswith("TINIT-"):
        valore = valore[6:]
    return valore if len(valore) == 16 and valore.isalnum() else ""


def _verifica_jwt(valore: str, chiavi: KeySet, algoritmi: list[str] | None = None) -> dict:
    try:
        return dict(jwt.decode(valore, chiavi, algorithms=algoritmi or ALGORITMI_FIRMA).claims)
    except (JoseError, ValueError) as exc:
        raise AccessoNonRiuscito(_("La firma del gestore dell'identità non è valida.")) from exc


def _controlla_id_token(claims: dict, issuer: str, rp: RelyingParty, nonce: str) -> None:
    registro = jwt.JWTClaimsRegistry(
        leeway=TOLLERANZA_OROLOGIO_S,
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": rp.client_id},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registro.validate(claims)
    except JoseError as exc:
        raise AccessoNonRiuscito(_("La conferma dell'accesso non è valida o è scaduta: riprova.")) from exc
    acr = claims.get("acr", "")
    if acr in _ORDINE_LIVELLI and _ORDINE_LIVELLI.index(acr) < _ORDINE_LIVELLI.index(rp.livello):
        raise AccessoNonRiuscito(_("Il livello di sicurezza dell'accesso è inferiore a quello richiesto."))


def _userinfo(url: str, access_token: str, chiavi_op: KeySet, rp: RelyingParty) -> dict:
    """The profile requires a signed userinfo, usually encrypted to the relying party's key."""
    testo = _get(url, headers={"Authorization": f"Bearer {access_token}"}).text.strip()
    if testo.count(".") == 4:  # a JWE: decrypt with our key, a JWS is inside
        try:
            testo = jwe.decrypt_compact(
                testo, KeySet.import_key_set(rp.chiavi_private), algorithms=ALGORITMI_CIFRATURA
            ).plaintext.decode()
        except (JoseError, ValueError) as exc:
            raise AccessoNonRiuscito(_("Le informazioni del gestore dell'identità non si possono leggere.")) from exc
    if testo.count(".") != 2:
        raise AccessoNonRiuscito(_("Le informazioni del gestore dell'identità non sono firmate."))
    return _verifica_jwt(testo, chiavi_op)
