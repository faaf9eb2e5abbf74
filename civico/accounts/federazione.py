"""OpenID Connect Federation 1.0 for SPID and CIE, as AgID ("Linee guida OpenID Connect in SPID")
and CIE id profile it: who the providers are, and what they are allowed to say about themselves.

A provider is known only by its entity id. Its metadata (endpoints, keys, algorithms) come from a
trust chain: its entity configuration (self-signed, at `<entity id>/.well-known/openid-federation`),
then for each authority hint the superior's subordinate statement about it (from the superior's
`federation_fetch_endpoint`), up to a trust anchor whose keys we hold from the onboarding
(`TrustAnchor.chiavi`, never taken from the network). Every statement's signature is checked with
the keys the statement above it vouches for; the metadata policies of the chain are combined from
the top and applied to the provider's own metadata. The provider must also show valid trust marks.
A resolved chain is kept in `CatenaFiducia` until its earliest expiry (every process shares it);
a failure is kept briefly, with its reason, so a broken provider is not asked again at every page.

Our own side (the relying party's entity configuration) is `configurazione_rp`.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

from civico.accounts import politiche
from civico.accounts.models import CatenaFiducia, ProviderIdentita, RelyingParty, TrustAnchor
from civico.core import rete
from civico.errors import DomainError

log = logging.getLogger(__name__)

TIMEOUT_S = 10
TOLLERANZA_OROLOGIO_S = 60
DURATA_CONFIGURAZIONE_S = 24 * 3600  # our entity configuration's lifetime
DURATA_ERRORE_S = 120  # a failed resolution is retried after this
ANTICIPO_RINNOVO = timedelta(minutes=30)  # the worker renews a chain this long before it expires
PROFONDITA_MAX = 5  # statements between a provider and its trust anchor
TIPO_STATEMENT = "entity-statement+jwt"
TIPO_TRUST_MARK = "trust-mark+jwt"
ALGORITMI = ["RS256", "RS512", "ES256", "PS256"]
PERCORSO_CONFIGURAZIONE = "/.well-known/openid-federation"
NON_RISPONDE = "non risponde"  # in a reason: the network failed, not the trust (told apart to the citizen)


class CatenaNonValida(DomainError):
    """The provider is not trusted now. The citizen reads the message; `motivo` goes to the log."""

    code = "catena_fiducia_non_valida"

    def __init__(self, motivo: str):
        self.motivo = motivo
        if NON_RISPONDE in motivo:
            super().__init__(_("Il gestore dell'identità non risponde: riprova tra qualche minuto."))
        else:
            super().__init__(_("Il gestore dell'identità non risulta affidabile nella federazione SPID/CIE: "
                               "l'accesso con questo gestore non è possibile ora."))


@dataclass(frozen=True)
class Catena:
    entity_id: str
    trust_anchor: str
    metadati: dict  # the provider's openid_provider metadata after the policies
    scade: int  # the earliest exp of the chain


# --- Statements.

def _carico(token: str) -> dict:
    """The claims of a JWT before its signature is checked: only to learn whose keys to use."""
    try:
        parte = token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(parte + "=" * (-len(parte) % 4)))
    except (IndexError, ValueError) as exc:
        raise CatenaNonValida("dichiarazione non leggibile") from exc


def verifica(token: str, jwks: dict, *, tipi: tuple[str | None, ...] = (TIPO_STATEMENT,), chi: str = "",
             scadenza: bool = True) -> dict:
    """The claims of a federation JWT signed by one of `jwks`, of one of the `typ`s, not expired
    (and with an `exp` unless `scadenza` is False: a trust mark may be valid until revoked)."""
    try:
        decodificato = jwt.decode(token, KeySet.import_key_set(jwks), algorithms=ALGORITMI)
    except (JoseError, ValueError, TypeError) as exc:
        raise CatenaNonValida(f"firma non valida ({chi})") from exc
    if decodificato.header.get("typ") not in tipi:
        raise CatenaNonValida(f"tipo {decodificato.header.get('typ')!r} invece di {tipi[0]} ({chi})")
    claims = dict(decodificato.claims)
    adesso = time.time()
    if not scadenza and "exp" not in claims:
        pass
    elif not isinstance(claims.get("exp"), int) or claims["exp"] < adesso - TOLLERANZA_OROLOGIO_S:
        raise CatenaNonValida(f"scaduta ({chi})")
    if isinstance(claims.get("iat"), int) and claims["iat"] > adesso + TOLLERANZA_OROLOGIO_S:
        raise CatenaNonValida(f"emessa nel futuro ({chi})")
    return claims


def _get(url: str, **params: str) -> str:
    try:
        risposta = rete.richiesta("GET", url, params=params or None, timeout=TIMEOUT_S)
        risposta.raise_for_status()
    except (requests.RequestException, rete.UrlNonPermesso) as exc:
        raise CatenaNonValida(f"{url} {NON_RISPONDE} ({type(exc).__name__})") from exc
    return risposta.text.strip()


@dataclass(frozen=True)
class _Configurazione:
    token: str
    claims: dict


def configurazione(entity_id: str, chiavi: dict | None = None) -> _Configurazione:
    """An entity's configuration: self-signed (or, for a trust anchor, signed by `chiavi`)."""
    token = _get(entity_id.rstrip("/") + PERCORSO_CONFIGURAZIONE)
    carico = _carico(token)
    if carico.get("iss") != entity_id or carico.get("sub") != entity_id:
        raise CatenaNonValida(f"configurazione di {entity_id} con iss/sub diversi")
    claims = verifica(token, chiavi if chiavi is not None else carico.get("jwks", {}), chi=entity_id)
    return _Configurazione(token, claims)


def _subordinata(superiore: _Configurazione, sub: str, chiavi: dict | None = None) -> dict:
    """The superior's statement about `sub`, signed with the superior's keys (for a trust anchor,
    the configured ones)."""
    iss = superiore.claims["iss"]
    endpoint = superiore.claims.get("metadata", {}).get("federation_entity", {}).get("federation_fetch_endpoint")
    if not endpoint:
        raise CatenaNonValida(f"{iss} non ha un federation_fetch_endpoint")
    chiavi = chiavi if chiavi is not None else superiore.claims.get("jwks", {})
    claims = verifica(_get(endpoint, sub=sub), chiavi, chi=f"{iss} su {sub}")
    if claims.get("iss") != iss or claims.get("sub") != sub:
        raise CatenaNonValida(f"dichiarazione di {iss} su {sub} con iss/sub diversi")
    return claims


# --- The chain.

def _ancore() -> dict[str, dict]:
    return {ta.entity_id: ta.chiavi for ta in TrustAnchor.objects.filter(attivo=True)}


def _sali(foglia: _Configurazione, ancore: dict[str, dict], profondita: int = 0
          ) -> tuple[list[dict], _Configurazione]:
    """The subordinate statements from `foglia` up to a trust anchor, and the anchor's configuration.
    Every authority hint is tried; the reasons of all the failures are reported together."""
    entity_id = foglia.claims["sub"]
    if profondita >= PROFONDITA_MAX:
        raise CatenaNonValida(f"catena troppo lunga sopra {entity_id}")
    motivi = []
    for hint in foglia.claims.get("authority_hints") or []:
        try:
            superiore = configurazione(hint, ancore.get(hint))
            dichiarazione = _subordinata(superiore, entity_id, ancore.get(hint))
            # The statement vouches for the subject's keys: its configuration must be signed by them.
            verifica(foglia.token, dichiarazione.get("jwks", {}), chi=f"{entity_id} secondo {hint}")
            if hint in ancore:
                return [dichiarazione], superiore
            sopra, ancora = _sali(superiore, ancore, profondita + 1)
            return [dichiarazione, *sopra], ancora
        except CatenaNonValida as exc:
            motivi.append(f"{hint}: {exc.motivo}")
    if not motivi:
        raise CatenaNonValida(f"{entity_id} non porta ad alcun trust anchor conosciuto")
    raise CatenaNonValida("; ".join(motivi))


def risolvi(entity_id: str, tipo_entita: str = "openid_provider") -> Catena:
    """Resolve the trust chain of `entity_id` and return its final metadata (no cache)."""
    ancore = _ancore()
    if not ancore:
        raise CatenaNonValida("nessun trust anchor configurato")
    foglia = configurazione(entity_id)
    dichiarazioni, ancora = _sali(foglia, ancore)
    politica: dict = {}
    for dichiarazione in reversed(dichiarazioni):  # from the trust anchor down
        politica = politiche.combina(politica, dichiarazione.get("metadata_policy", {}).get(tipo_entita, {}))
    metadati = {**foglia.claims.get("metadata", {}).get(tipo_entita, {}),
                **dichiarazioni[0].get("metadata", {}).get(tipo_entita, {})}
    try:
        metadati = politiche.applica(politica, metadati)
    except politiche.PoliticaNonSoddisfatta as exc:
        raise CatenaNonValida(f"metadata policy: {exc}") from exc
    scade = min(c["exp"] for c in [foglia.claims, ancora.claims, *dichiarazioni])
    for marchio in verifica_trust_mark(foglia.claims, ancora):
        scade = min(scade, marchio.get("exp", scade))
    return Catena(entity_id, ancora.claims["iss"], metadati, scade)


# --- Trust marks.

def verifica_trust_mark(claims: dict, ancora: _Configurazione) -> list[dict]:
    """The trust marks an entity configuration shows, each checked (issuer's signature, subject,
    expiry). At least one is required and an invalid one is a broken chain, not an ignored one."""
    marchi = claims.get("trust_marks") or []
    if not marchi:
        raise CatenaNonValida(f"{claims['sub']} non ha trust mark")
    return [_trust_mark(m, claims["sub"], ancora) for m in marchi]


def _trust_mark(marchio: dict, sub: str, ancora: _Configurazione) -> dict:
    token = marchio.get("trust_mark", "") if isinstance(marchio, dict) else ""
    carico = _carico(token)
    identificativo = carico.get("id") or carico.get("trust_mark_type")
    iss = carico.get("iss", "")
    if iss == ancora.claims["iss"]:
        chiavi = ancora.claims["jwks"]
    else:  # another issuer: the anchor must name it for this mark, and its keys come from its own chain
        emittenti = ancora.claims.get("trust_mark_issuers", {}).get(identificativo, [])
        if iss not in emittenti:
            raise CatenaNonValida(f"trust mark {identificativo} di {iss}, non autorizzato dal trust anchor")
        dichiarazioni, _ancora = _sali(configurazione(iss), {ancora.claims["iss"]: ancora.claims["jwks"]})
        chiavi = dichiarazioni[0].get("jwks", {})
    claims = verifica(token, chiavi, tipi=(TIPO_TRUST_MARK, TIPO_STATEMENT, None), scadenza=False,
                      chi=f"trust mark {identificativo}")
    if claims.get("sub") != sub or identificativo != marchio.get("id", identificativo):
        raise CatenaNonValida(f"trust mark {identificativo} non è di {sub}")
    return claims


# --- The cache and what the sign-in uses.

def catena(entity_id: str) -> Catena:
    """The provider's resolved chain, from the shared cache until its expiry, else resolved now
    (the worker's `rinnovatore` renews chains before they expire, so pages rarely wait on it)."""
    adesso = timezone.now()
    salvata = CatenaFiducia.objects.filter(entity_id=entity_id, scade_il__gt=adesso).first()
    if salvata is not None:
        if salvata.errore:
            raise CatenaNonValida(salvata.errore)
        return Catena(entity_id, salvata.trust_anchor, salvata.metadati, int(salvata.scade_il.timestamp()))
    return _risolvi_e_salva(entity_id)


def _risolvi_e_salva(entity_id: str) -> Catena:
    adesso = timezone.now()
    try:
        risolta = risolvi(entity_id)
    except CatenaNonValida as exc:
        log.warning("catena di fiducia di %s non valida: %s", entity_id, exc.motivo)
        _salva(entity_id, errore=exc.motivo[:300], scade_il=adesso + timedelta(seconds=DURATA_ERRORE_S))
        raise
    _salva(entity_id, trust_anchor=risolta.trust_anchor, metadati=risolta.metadati, errore="",
           scade_il=datetime.fromtimestamp(risolta.scade, tz=UTC))
    return risolta


def rinnova_catene(anticipo: timedelta = ANTICIPO_RINNOVO) -> list[str]:
    """Resolve again, ahead of time, the chains of the providers in use that expire within
    `anticipo` (or are not cached, or failed): the sign-in page then reads them from the cache
    instead of waiting on the federation. Returns the entity ids renewed; a failure is cached
    with its reason, as at sign-in."""
    limite = timezone.now() + anticipo
    in_uso = set(ProviderIdentita.objects.filter(attivo=True, relying_party__attivo=True)
                 .values_list("issuer", flat=True))
    fresche = set(CatenaFiducia.objects.filter(entity_id__in=in_uso, scade_il__gt=limite, errore="")
                  .values_list("entity_id", flat=True))
    rinnovate = []
    for entity_id in sorted(in_uso - fresche):
        with contextlib.suppress(CatenaNonValida):  # logged and cached by _risolvi_e_salva
            _risolvi_e_salva(entity_id)
        rinnovate.append(entity_id)
    return rinnovate


def rinnovatore(ferma: threading.Event, ogni: float = 300.0) -> threading.Thread:
    """A thread of `civico worker` (registered by AccountsConfig.ready()): renews the chains
    every `ogni` seconds."""
    from civico.core.estensioni import avvia_periodico

    return avvia_periodico(ferma, "civico-catene-fiducia", rinnova_catene, ogni,
                           descrizione="Rinnovo delle catene di fiducia")


def _salva(entity_id: str, **valori: Any) -> None:
    try:
        with transaction.atomic():
            CatenaFiducia.objects.update_or_create(entity_id=entity_id, defaults=valori)
    except IntegrityError:  # another process saved it first: theirs is as good
        pass


def metadati_provider(provider: ProviderIdentita) -> dict:
    """The endpoints and keys the OIDC flow uses for this provider: the chain's, nothing else."""
    metadati = catena(provider.issuer).metadati
    mancanti = {"authorization_endpoint", "token_endpoint", "userinfo_endpoint"} - set(metadati)
    motivo = ""
    if metadati.get("issuer", provider.issuer).rstrip("/") != provider.issuer.rstrip("/"):
        motivo = f"issuer {metadati.get('issuer')!r} diverso dall'entity id {provider.issuer}"
    elif mancanti or not (metadati.get("jwks") or metadati.get("jwks_uri")):
        motivo = f"metadati di {provider.issuer} incompleti: {sorted(mancanti) or 'jwks'}"
    if motivo:
        log.warning("provider %s non utilizzabile: %s", provider.issuer, motivo)
        raise CatenaNonValida(motivo)
    return {**metadati, "issuer": provider.issuer}


def affidabile(provider: ProviderIdentita) -> bool:
    """Whether the provider may be offered now (the reason of a refusal is logged by `catena`)."""
    try:
        metadati_provider(provider)
    except CatenaNonValida:
        return False
    return True


def sincronizza_provider(rp: RelyingParty) -> list[ProviderIdentita]:
    """The providers each trust anchor lists (`federation_list_endpoint`, entity_type
    openid_provider), added to the relying party (or renamed); each is offered only while its chain
    resolves. Providers the anchors no longer list are left for the ente to switch off."""
    trovati = []
    for ancora in TrustAnchor.objects.filter(attivo=True):
        conf = configurazione(ancora.entity_id, ancora.chiavi)
        endpoint = conf.claims.get("metadata", {}).get("federation_entity", {}).get("federation_list_endpoint")
        if not endpoint:
            continue
        try:
            elenco = json.loads(_get(endpoint, entity_type="openid_provider"))
        except ValueError as exc:
            raise CatenaNonValida(f"elenco di {ancora.entity_id} non leggibile") from exc
        for entity_id in [e for e in elenco if isinstance(e, str)]:
            try:
                metadati = catena(entity_id).metadati
            except CatenaNonValida:
                continue
            nome = str(metadati.get("organization_name") or metadati.get("client_name") or entity_id)[:80]
            provider, _creato = ProviderIdentita.objects.update_or_create(
                relying_party=rp, issuer=entity_id, defaults={"tipo": ancora.tipo, "nome": nome},
            )
            trovati.append(provider)
    return trovati


# --- Our side: the relying party's entity configuration.

def chiave_federazione(rp: RelyingParty) -> RSAKey:
    """The newest federation key (rotation puts the new one first)."""
    for k in rp.chiavi_federazione.get("keys", []):
        chiave = RSAKey.import_key(k)
        chiave.ensure_kid()
        return chiave
    raise CatenaNonValida(f"{rp.client_id} senza chiavi della federazione")


def pubbliche(jwks: dict) -> dict:
    return {"keys": [RSAKey.import_key(k).as_dict(private=False) for k in jwks.get("keys", [])]}


def configurazione_rp(rp: RelyingParty, *, redirect_uri: str, chiavi_core: dict, homepage: str,
                      policy_uri: str = "") -> str:
    """The relying party's entity configuration (OpenID Federation 1.0, SPID/CIE profile): a JWT
    signed with the federation key, publishing the core keys inside the RP metadata."""
    adesso = int(time.time())
    contatti = [rp.email_contatto] if rp.email_contatto else []
    nome = rp.nome_organizzazione or (str(rp.ente) if rp.ente_id else "Civico")
    ente = {"organization_name": nome, "homepage_uri": homepage, "contacts": contatti}
    if policy_uri:
        ente["policy_uri"] = policy_uri
    if rp.codice_ipa:
        ente["ipa_code"] = rp.codice_ipa
    if rp.partita_iva:
        ente["vat_number"] = rp.partita_iva
    if rp.codice_fiscale_ente:
        ente["fiscal_number"] = rp.codice_fiscale_ente
    claims = {
        "iss": rp.client_id, "sub": rp.client_id, "iat": adesso, "exp": adesso + DURATA_CONFIGURAZIONE_S,
        "jwks": pubbliche(rp.chiavi_federazione),
        "authority_hints": list(rp.authority_hints),
        "trust_marks": [m for m in rp.trust_mark if _trust_mark_in_corso(m, rp.client_id)],
        "metadata": {
            "openid_relying_party": {
                "client_id": rp.client_id,
                "client_name": nome,
                "organization_name": nome,
                "redirect_uris": [redirect_uri],
                "response_types": ["code"],
                "grant_types": ["authorization_code"],
                "client_registration_types": ["automatic"],
                "jwks": chiavi_core,
                "id_token_signed_response_alg": "RS256",
                "userinfo_signed_response_alg": "RS256",
                "userinfo_encrypted_response_alg": "RSA-OAEP-256",
                "userinfo_encrypted_response_enc": "A256CBC-HS512",
                "token_endpoint_auth_method": "private_key_jwt",
                "contacts": contatti,
            },
            "federation_entity": ente,
        },
    }
    chiave = chiave_federazione(rp)
    return jwt.encode({"alg": "RS256", "kid": chiave.kid, "typ": TIPO_STATEMENT}, claims, chiave)


def _trust_mark_in_corso(marchio: dict, sub: str) -> bool:
    """Our own trust marks are checked when registered (`registra_trust_mark`); an expired one is
    no longer published."""
    carico = _carico(marchio.get("trust_mark", "")) if isinstance(marchio, dict) else {}
    return carico.get("sub") == sub and carico.get("exp", time.time() + 1) > time.time()


def registra_trust_mark(rp: RelyingParty, token: str) -> dict:
    """Store a trust mark issued to the relying party at the onboarding, after checking it like a
    provider's (issuer's signature through the federation, subject, expiry)."""
    carico = _carico(token)
    identificativo = carico.get("id") or carico.get("trust_mark_type") or ""
    ancore = _ancore()
    errori = []
    for entity_id, chiavi in ancore.items():
        try:
            ancora = configurazione(entity_id, chiavi)
            claims = _trust_mark({"id": identificativo, "trust_mark": token}, rp.client_id, ancora)
            break
        except CatenaNonValida as exc:
            errori.append(exc.motivo)
    else:
        raise CatenaNonValida("; ".join(errori) or "nessun trust anchor configurato")
    rp.trust_mark = [m for m in rp.trust_mark if m.get("id") != identificativo]
    rp.trust_mark.append({"id": identificativo, "trust_mark": token})
    rp.save(update_fields=["trust_mark"])
    return claims
