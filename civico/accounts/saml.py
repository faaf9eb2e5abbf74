"""SPID and CIE sign-in through SAML2 (SPID technical rules and AgID's Avviso n.29 v3), on pysaml2.

One service provider per relying party (ente, or the national portal), with its own entity id and
key pair (`saml_chiavi`). The identity providers come from the registry (`saml_idp`). pysaml2 does
the XML signatures (xmlsec1) and the generic SAML checks; the SPID rules it does not know (issuer
format, level asked, one use per assertion, AgID error codes) are checked here.

The pages (`civico.portale.views_saml`) keep the pending requests in the session and pass them in.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from typing import TYPE_CHECKING

from defusedxml import ElementTree
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, saml, samlp
from saml2.s_utils import UnknownPrincipal, UnsupportedBinding
from saml2.saml import NAMEID_FORMAT_ENTITY, NAMEID_FORMAT_TRANSIENT
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from civico.accounts import saml_chiavi, saml_errori, saml_idp
from civico.accounts.models import AsserzioneSamlUsata, BindingSaml, LivelloSpid, RelyingParty
from civico.errors import DomainError

# pysaml2's client, configuration and signatures (with xmlschema: ~13 MB) are imported where a
# sign-in uses them: every serving worker loads this module with the URLs (issue #8).
if TYPE_CHECKING:
    from saml2.client import Saml2Client

NS_SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
NS_SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SUCCESSO = "urn:oasis:names:tc:SAML:2.0:status:Success"
TOLLERANZA_S = 60  # clock skew accepted on NotBefore/NotOnOrAfter
LIVELLI = [LivelloSpid.L1.value, LivelloSpid.L2.value, LivelloSpid.L3.value]
BINDING = {BindingSaml.REDIRECT: BINDING_HTTP_REDIRECT, BindingSaml.POST: BINDING_HTTP_POST}


class AccessoSamlNonRiuscito(DomainError):
    code = "saml_non_riuscito"


class SamlNonConfigurato(DomainError):
    code = "saml_non_configurato"


@dataclass(frozen=True)
class Indirizzi:
    """Our endpoints on the site of the request (a comune's own domain or the portal)."""

    acs: str
    slo: str


@dataclass(frozen=True)
class Richiesta:
    """An AuthnRequest ready to travel: `url` (redirect) or `url` + `campi` (auto-submitted form)."""

    id: str
    metodo: str  # "GET" or "POST"
    url: str
    campi: dict = field(default_factory=dict)
    stato: dict = field(default_factory=dict)  # what the session keeps until the Response


@dataclass(frozen=True)
class DatiSaml:
    codice_fiscale: str
    nome: str
    cognome: str
    email: str
    idp: str
    tipo: str
    name_id: str
    session_index: str
    livello: str


# --- configuration --------------------------------------------------------------------------

_cartella: str | None = None


def _file(contenuto: str) -> str:
    """xmlsec1 reads keys from files: a private per-process directory, one file per content."""
    global _cartella
    if _cartella is None:
        _cartella = tempfile.mkdtemp(prefix="civico-saml-")
    percorso = os.path.join(_cartella, hashlib.sha256(contenuto.encode()).hexdigest() + ".pem")
    if not os.path.exists(percorso):
        descrittore = os.open(percorso + ".tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descrittore, "w") as f:
            f.write(contenuto)
        os.replace(percorso + ".tmp", percorso)
    return percorso


def disponibile() -> bool:
    return shutil.which("xmlsec1") is not None


def configurato(rp: RelyingParty | None) -> bool:
    return bool(rp and rp.attivo and rp.saml_certificato and rp.saml_chiave_privata)


def _client(rp: RelyingParty, indirizzi: Indirizzi) -> Saml2Client:
    if not configurato(rp):
        raise SamlNonConfigurato(_("Accesso con SPID o CIE non configurato per questo sito."))
    if not disponibile():
        raise SamlNonConfigurato(_("Il server non ha xmlsec1: l'accesso SAML non è disponibile."))
    from saml2.client import Saml2Client
    from saml2.config import SPConfig

    conf = SPConfig()
    conf.load({
        "entityid": saml_chiavi.entity_id(rp),
        "xmlsec_binary": shutil.which("xmlsec1"),
        "key_file": _file(rp.saml_chiave_privata),
        "cert_file": _file(rp.saml_certificato),
        "metadata": {"inline": [i.metadata for i in saml_idp.registrati()]},
        "accepted_time_diff": TOLLERANZA_S,
        "signing_algorithm": SIG_RSA_SHA256,
        "digest_algorithm": DIGEST_SHA256,
        "allow_unknown_attributes": True,
        "service": {"sp": {
            "endpoints": {
                "assertion_consumer_service": [(indirizzi.acs, BINDING_HTTP_POST)],
                "single_logout_service": [(indirizzi.slo, BINDING_HTTP_POST), (indirizzi.slo, BINDING_HTTP_REDIRECT)],
            },
            "authn_requests_signed": True,
            "logout_requests_signed": True,
            "want_assertions_signed": True,  # SPID: the assertion is always signed
            "want_response_signed": False,  # ...the Response may be; a present signature is verified
            "allow_unsolicited": False,
            "name_id_format": NAMEID_FORMAT_TRANSIENT,
        }},
    })
    return Saml2Client(conf)


def _issuer(rp: RelyingParty) -> saml.Issuer:
    eid = saml_chiavi.entity_id(rp)
    return saml.Issuer(text=eid, format=NAMEID_FORMAT_ENTITY, name_qualifier=eid)


# --- metadata -------------------------------------------------------------------------------

def metadata(rp: RelyingParty, indirizzi: Indirizzi) -> bytes:
    """Our SP metadata, signed (SHA-256), with the SPID extensions of Avviso n.29 v3."""
    client = _client(rp, indirizzi)
    eid = saml_chiavi.entity_id(rp)
    ident = "_" + hashlib.sha256(f"{eid}{rp.saml_certificato}".encode()).hexdigest()[:32]
    from saml2.sigver import pre_signature_part

    firma = pre_signature_part(ident, saml_chiavi.certificato_base64(rp), sign_alg=SIG_RSA_SHA256,
                               digest_alg=DIGEST_SHA256)
    nome = escape(rp.nome_organizzazione or (rp.ente.nome if rp.ente_id else "Civico"))
    cert = saml_chiavi.certificato_base64(rp)
    richiesti = "".join(f'<md:RequestedAttribute Name="{escape(a)}"/>' for a in rp.attributi or [])
    identificativi = "".join([
        f"<spid:IPACode>{escape(rp.codice_ipa)}</spid:IPACode>" if rp.codice_ipa else "",
        f"<spid:VATNumber>IT{escape(rp.partita_iva)}</spid:VATNumber>" if rp.partita_iva else "",
        f"<spid:FiscalCode>{escape(rp.codice_fiscale_ente)}</spid:FiscalCode>" if rp.codice_fiscale_ente else "",
    ])
    contatto = "".join([
        f"<md:EmailAddress>{escape(rp.email_contatto)}</md:EmailAddress>" if rp.email_contatto else "",
        f"<md:TelephoneNumber>{escape(rp.telefono_contatto)}</md:TelephoneNumber>" if rp.telefono_contatto else "",
    ])
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
        'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:spid="https://spid.gov.it/saml-extensions" '
        f'entityID="{escape(eid)}" ID="{ident}">'
        f"{firma.to_string().decode()}"
        '<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" '
        'AuthnRequestsSigned="true" WantAssertionsSigned="true">'
        '<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>'
        f"<ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        f'<md:SingleLogoutService Binding="{BINDING_HTTP_POST}" Location="{escape(indirizzi.slo)}"/>'
        f'<md:SingleLogoutService Binding="{BINDING_HTTP_REDIRECT}" Location="{escape(indirizzi.slo)}"/>'
        f"<md:NameIDFormat>{NAMEID_FORMAT_TRANSIENT}</md:NameIDFormat>"
        f'<md:AssertionConsumerService index="0" isDefault="true" Binding="{BINDING_HTTP_POST}" '
        f'Location="{escape(indirizzi.acs)}"/>'
        '<md:AttributeConsumingService index="0">'
        f'<md:ServiceName xml:lang="it">{nome}</md:ServiceName>{richiesti}'
        "</md:AttributeConsumingService></md:SPSSODescriptor>"
        f'<md:Organization><md:OrganizationName xml:lang="it">{nome}</md:OrganizationName>'
        f'<md:OrganizationDisplayName xml:lang="it">{nome}</md:OrganizationDisplayName>'
        f'<md:OrganizationURL xml:lang="it">{escape(_sito(indirizzi))}</md:OrganizationURL></md:Organization>'
        '<md:ContactPerson contactType="other"><md:Extensions>'
        f"{identificativi}<spid:Public/></md:Extensions>{contatto}</md:ContactPerson>"
        "</md:EntityDescriptor>"
    )
    firmato = client.sec.sign_statement(xml, "urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor",
                                        node_id=ident)
    return firmato.encode() if isinstance(firmato, str) else firmato


def _sito(indirizzi: Indirizzi) -> str:
    from urllib.parse import urlsplit

    parti = urlsplit(indirizzi.acs)
    return f"{parti.scheme}://{parti.netloc}/"


# --- AuthnRequest ---------------------------------------------------------------------------

def inizia(rp: RelyingParty, idp_entity_id: str, indirizzi: Indirizzi, relay_state: str = "") -> Richiesta:
    """A signed AuthnRequest for the chosen IdP at the level the relying party asks."""
    idp = saml_idp.cerca(idp_entity_id)
    if idp is None:
        raise AccessoSamlNonRiuscito(_("Gestore dell'identità non disponibile su questo sito."))
    client = _client(rp, indirizzi)
    binding = BINDING[rp.saml_binding]
    try:
        destinazione = client.metadata.single_sign_on_service(idp.entity_id, binding)[0]["location"]
    except (IndexError, UnsupportedBinding, UnknownPrincipal):
        raise AccessoSamlNonRiuscito(_("Il gestore dell'identità non accetta questo tipo di richiesta.")) from None
    # SPID wants a RelayState; ours is opaque (where to go after is in the session).
    relay_state = relay_state or secrets.token_urlsafe(16)
    emessa = timezone.now().replace(microsecond=0)
    richiesta = samlp.AuthnRequest(
        id=_nuovo_id(), version="2.0", issue_instant=emessa.strftime("%Y-%m-%dT%H:%M:%SZ"), destination=destinazione,
        issuer=_issuer(rp),
        force_authn="true" if rp.livello != LivelloSpid.L1 else None,
        assertion_consumer_service_index="0", attribute_consuming_service_index="0",
        name_id_policy=samlp.NameIDPolicy(format=NAMEID_FORMAT_TRANSIENT),
        requested_authn_context=samlp.RequestedAuthnContext(
            authn_context_class_ref=[saml.AuthnContextClassRef(text=rp.livello)], comparison="minimum"),
    )
    if binding == BINDING_HTTP_POST:
        testo = str(client.sign(richiesta, sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256))
        campi = {"SAMLRequest": base64.b64encode(testo.encode()).decode()}
        if relay_state:
            campi["RelayState"] = relay_state
        metodo, url = "POST", destinazione
    else:
        info = client.apply_binding(binding, str(richiesta), destinazione, relay_state, sign=True,
                                    sigalg=SIG_RSA_SHA256)
        url = dict(info["headers"])["Location"]
        metodo, campi = "GET", {}
    stato = {"idp": idp.entity_id, "livello": rp.livello, "rp": rp.pk, "creato": time.time(),
             "emesso": emessa.timestamp()}
    return Richiesta(id=richiesta.id, metodo=metodo, url=url, campi=campi, stato=stato)


def _nuovo_id() -> str:
    return "_" + os.urandom(20).hex()


# --- Response -------------------------------------------------------------------------------

def _stato(xml: str) -> tuple[str, str]:
    radice = ElementTree.fromstring(xml.encode())
    codice = radice.find(f"{{{NS_SAMLP}}}Status/{{{NS_SAMLP}}}StatusCode")
    return (codice.get("Value", "") if codice is not None else "",
            radice.findtext(f"{{{NS_SAMLP}}}Status/{{{NS_SAMLP}}}StatusMessage") or "")


def completa(rp: RelyingParty, indirizzi: Indirizzi, saml_response: str, in_corso: dict) -> tuple[str, DatiSaml]:
    """Validate the Response posted to the ACS against the requests pending in this session
    (`in_corso`: request id → `Richiesta.stato`). Returns the answered request id and who signed
    in; raises AccessoSamlNonRiuscito with words for the citizen otherwise."""
    try:
        xml = base64.b64decode(saml_response, validate=False).decode()
        codice_stato, messaggio_stato = _stato(xml)
    except (ValueError, ElementTree.ParseError):
        raise AccessoSamlNonRiuscito(_("La risposta del gestore dell'identità non è leggibile.")) from None
    if codice_stato != SUCCESSO:
        raise AccessoSamlNonRiuscito(saml_errori.messaggio(messaggio_stato))
    if not _nei_tempi(xml):
        raise AccessoSamlNonRiuscito(_("La risposta del gestore dell'identità è scaduta: riprova."))
    client = _client(rp, indirizzi)
    from saml2.sigver import SignatureError  # loaded by _client already

    in_attesa = {k: v for k, v in in_corso.items() if v.get("rp") == rp.pk}
    try:
        risposta = client.parse_authn_request_response(saml_response, BINDING_HTTP_POST, outstanding=in_attesa)
    except SignatureError:
        raise AccessoSamlNonRiuscito(_("La firma della risposta del gestore dell'identità non è valida.")) from None
    except Exception as exc:  # pysaml2 raises many kinds: each means "not valid for us"
        raise AccessoSamlNonRiuscito(_motivo(exc)) from None
    if risposta is None or risposta.assertion is None:
        raise AccessoSamlNonRiuscito(_("La risposta del gestore dell'identità non contiene un'asserzione."))
    id_richiesta = risposta.in_response_to
    stato = in_attesa[id_richiesta]
    asserzione = risposta.assertion
    emittenti = (risposta.response.issuer, asserzione.issuer)
    if any(e is None or e.text != stato["idp"] for e in emittenti) or asserzione.issuer.format != NAMEID_FORMAT_ENTITY \
            or risposta.response.issuer.format not in (None, NAMEID_FORMAT_ENTITY):
        raise AccessoSamlNonRiuscito(_("La risposta non viene dal gestore dell'identità scelto."))
    if not asserzione.signature:
        raise AccessoSamlNonRiuscito(_("La firma della risposta del gestore dell'identità non è valida."))
    if not _forma_spid(risposta.response, asserzione, id_richiesta, stato, indirizzi):
        raise AccessoSamlNonRiuscito(_("La risposta del gestore dell'identità non è valida per questo sito."))
    livello = _livello(asserzione)
    if livello not in LIVELLI or LIVELLI.index(livello) < LIVELLI.index(stato["livello"]):
        raise AccessoSamlNonRiuscito(
            _("Il gestore dell'identità ha autenticato a un livello più basso di quello richiesto."))
    _usa_una_volta(asserzione)
    attributi = {a.name: (a.attribute_value[0].text or "").strip() if a.attribute_value else ""
                 for s in asserzione.attribute_statement for a in s.attribute}
    codice_fiscale = attributi.get("fiscalNumber", "").removeprefix("TINIT-").upper()
    if not codice_fiscale:
        raise AccessoSamlNonRiuscito(_("Il gestore dell'identità non ha indicato il codice fiscale."))
    idp = saml_idp.cerca(stato["idp"])
    sessioni = [a.session_index for a in asserzione.authn_statement if a.session_index]
    return id_richiesta, DatiSaml(
        codice_fiscale=codice_fiscale, nome=attributi.get("name", ""), cognome=attributi.get("familyName", ""),
        email=attributi.get("email", ""), idp=stato["idp"], tipo=idp.tipo if idp else "spid",
        name_id=str(asserzione.subject.name_id), session_index=sessioni[0] if sessioni else "", livello=livello,
    )


def _forma_spid(risposta: samlp.Response, asserzione: saml.Assertion, id_richiesta: str, stato: dict,
                indirizzi: Indirizzi) -> bool:
    """What SPID requires and SAML leaves optional (the checks of AgID's spid-sp-test): the
    Response's Destination, a transient NameID with its NameQualifier, a bearer confirmation for
    our ACS and this request with its expiry, Conditions with both bounds, an assertion issued
    after our request and not in the future."""
    if risposta.destination != indirizzi.acs or asserzione.version != "2.0":
        return False
    name_id = asserzione.subject.name_id if asserzione.subject else None
    if name_id is None or name_id.format != NAMEID_FORMAT_TRANSIENT or not name_id.name_qualifier:
        return False
    conferme = asserzione.subject.subject_confirmation
    if not conferme or any(
        c.subject_confirmation_data is None or c.subject_confirmation_data.recipient != indirizzi.acs
        or c.subject_confirmation_data.in_response_to != id_richiesta
        or not c.subject_confirmation_data.not_on_or_after
        for c in conferme
    ):
        return False
    condizioni = asserzione.conditions
    if condizioni is None or not condizioni.not_before or not condizioni.not_on_or_after \
            or not condizioni.audience_restriction:
        return False
    emessa = parse_datetime(asserzione.issue_instant or "")
    margine = timedelta(seconds=TOLLERANZA_S)
    richiesta = datetime.fromtimestamp(stato.get("emesso", stato["creato"]), tz=UTC)
    return emessa is not None and richiesta - margine <= emessa <= timezone.now() + margine


def _nei_tempi(xml: str) -> bool:
    """NotBefore/NotOnOrAfter of the assertion's conditions and subject confirmation, with
    TOLLERANZA_S of clock skew (pysaml2 checks them too; here to tell the citizen why)."""
    adesso = timezone.now()
    margine = timedelta(seconds=TOLLERANZA_S)
    radice = ElementTree.fromstring(xml.encode())
    for nodo in (*radice.iter(f"{{{NS_SAML}}}Conditions"), *radice.iter(f"{{{NS_SAML}}}SubjectConfirmationData")):
        prima, dopo = nodo.get("NotBefore"), nodo.get("NotOnOrAfter")
        if dopo and (parse_datetime(dopo) or adesso) + margine <= adesso:
            return False
        if prima and (parse_datetime(prima) or adesso) - margine > adesso:
            return False
    return True


def _livello(asserzione: saml.Assertion) -> str:
    for dichiarazione in asserzione.authn_statement:
        contesto = dichiarazione.authn_context
        if contesto is not None and contesto.authn_context_class_ref is not None:
            return (contesto.authn_context_class_ref.text or "").strip()
    return ""


def _motivo(exc: Exception) -> str:
    nome = type(exc).__name__
    if nome in ("UnsolicitedResponse",):
        return _("La risposta non corrisponde a un accesso iniziato qui, o è già stata usata: riprova.")
    if nome in ("ResponseLifetimeExceed", "ToEarly", "TooEarly") or "expired" in str(exc).lower():
        return _("La risposta del gestore dell'identità è scaduta: riprova.")
    if nome in ("SignatureError", "MissingSignature") or "signature" in str(exc).lower():
        return _("La firma della risposta del gestore dell'identità non è valida.")
    return _("La risposta del gestore dell'identità non è valida per questo sito.")


def _usa_una_volta(asserzione: saml.Assertion) -> None:
    """Remember the assertion until it expires; a second use anywhere is refused."""
    scade = None
    if asserzione.conditions is not None and asserzione.conditions.not_on_or_after:
        scade = parse_datetime(asserzione.conditions.not_on_or_after)
    scade = max(scade or timezone.now(), timezone.now()) + timedelta(seconds=TOLLERANZA_S)
    AsserzioneSamlUsata.objects.filter(scade_il__lt=timezone.now()).delete()
    try:
        with transaction.atomic():
            AsserzioneSamlUsata.objects.create(id_asserzione=asserzione.id[:200], scade_il=scade)
    except IntegrityError:
        raise AccessoSamlNonRiuscito(_("Questa risposta del gestore dell'identità è già stata usata.")) from None


# --- Single logout --------------------------------------------------------------------------

def esci(rp: RelyingParty, indirizzi: Indirizzi, dati: dict, relay_state: str = "") -> Richiesta:
    """An SP-initiated, signed LogoutRequest for the IdP the citizen signed in with (`dati`: what
    the session kept: idp, name_id, session_index)."""
    client = _client(rp, indirizzi)
    try:
        destinazione = _uscita_idp(client, dati["idp"])
    except (IndexError, KeyError, UnsupportedBinding, UnknownPrincipal):
        raise AccessoSamlNonRiuscito(_("Il gestore dell'identità non offre l'uscita.")) from None
    name_id = saml.name_id_from_string(dati["name_id"])
    ident, richiesta = client.create_logout_request(
        destinazione, dati["idp"], name_id=name_id, session_indexes=[dati.get("session_index", "")],
        sign=False,
    )
    richiesta.issuer = _issuer(rp)
    info = client.apply_binding(BINDING_HTTP_REDIRECT, str(richiesta), destinazione, relay_state,
                                sign=True, sigalg=SIG_RSA_SHA256)
    return Richiesta(id=ident, metodo="GET", url=dict(info["headers"])["Location"],
                     stato={"idp": dati["idp"], "creato": time.time()})


def _uscita_idp(client: Saml2Client, idp: str) -> str:
    return client.metadata.single_logout_service(idp, BINDING_HTTP_REDIRECT, "idpsso")[0]["location"]


def esito_uscita(rp: RelyingParty, indirizzi: Indirizzi, binding: str, messaggio: str,
                 sigalg: str | None = None, firma: str | None = None) -> bool:
    """A LogoutResponse from the IdP: True when it reports success (the signature is checked)."""
    client = _client(rp, indirizzi)
    try:
        risposta = client.parse_logout_request_response(messaggio, binding)
    except Exception:
        return False
    return risposta is not None and risposta.response.status.status_code.value == SUCCESSO


def rispondi_uscita(rp: RelyingParty, indirizzi: Indirizzi, binding: str, messaggio: str,
                    relay_state: str = "", sigalg: str | None = None, firma: str | None = None) -> Richiesta:
    """An IdP-initiated LogoutRequest: verify it and build our signed LogoutResponse."""
    client = _client(rp, indirizzi)
    try:
        richiesta = client.parse_logout_request(messaggio, binding, relay_state=relay_state,
                                                sigalg=sigalg, signature=firma)
    except Exception:
        raise AccessoSamlNonRiuscito(_("La richiesta di uscita non è valida.")) from None
    # pysaml2 verifies a signature when there is one; SPID requires it (else anyone could sign a
    # citizen out): in the query (Redirect) or in the message (POST).
    firmata = bool(firma and sigalg) if binding == BINDING_HTTP_REDIRECT else bool(
        richiesta is not None and richiesta.message.signature)
    if richiesta is None or not firmata:
        raise AccessoSamlNonRiuscito(_("La richiesta di uscita non è valida."))
    idp = richiesta.message.issuer.text
    destinazione = _uscita_idp(client, idp)
    risposta = client.create_logout_response(richiesta.message, [BINDING_HTTP_REDIRECT], sign=False)
    risposta.issuer = _issuer(rp)
    info = client.apply_binding(BINDING_HTTP_REDIRECT, str(risposta), destinazione, relay_state,
                                response=True, sign=True, sigalg=SIG_RSA_SHA256)
    return Richiesta(id=risposta.id, metodo="GET", url=dict(info["headers"])["Location"], stato={"idp": idp})
