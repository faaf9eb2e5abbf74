"""An ente's own SPID/CIE access, as its administrator configures it: the relying party's
settings and organisation data, the providers it offers, and the state of its keys. The keys
themselves are made by `civico genera_chiavi_identita`, never by a page: this module only reads
their public half. Without an active relying party of its own the comune's citizens sign in
through the platform's (the aggregator, `identita_digitale.relying_party`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from joserfc.jwk import RSAKey

from civico.accounts import federazione, rotazione_chiavi, saml_chiavi
from civico.accounts.models import ATTRIBUTI_SPID, LivelloSpid, ProviderIdentita, RelyingParty, Utente
from civico.accounts.permissions import puo_configurare
from civico.enti.models import Ente
from civico.errors import Conflict, InvalidData, NotAllowed

# The SPID attributes a service may ask (AgID's attribute table), with their labels. The
# fiscal code is always asked: the account is named by it (`account_da_identita`).
ATTRIBUTI: list[tuple[str, Any]] = [
    ("name", _("Nome")),
    ("familyName", _("Cognome")),
    ("fiscalNumber", _("Codice fiscale")),
    ("email", _("E-mail")),
    ("mobilePhone", _("Telefono cellulare")),
    ("dateOfBirth", _("Data di nascita")),
    ("placeOfBirth", _("Luogo di nascita")),
    ("countyOfBirth", _("Provincia di nascita")),
    ("gender", _("Sesso")),
    ("address", _("Indirizzo di residenza")),
    ("domicileStreetAddress", _("Indirizzo di domicilio")),
    ("digitalAddress", _("Domicilio digitale (PEC)")),
    ("spidCode", _("Codice identificativo SPID")),
    ("idCard", _("Documento d'identità")),
]
ATTRIBUTO_OBBLIGATORIO = "fiscalNumber"
ATTRIBUTI_PREDEFINITI = ATTRIBUTI_SPID  # what a new relying party asks (the model's default)

PROPRIA, PIATTAFORMA = "propria", "piattaforma"
MODALITA = [
    (PROPRIA, _("Con il service provider / relying party del comune")),
    (PIATTAFORMA, _("Attraverso la piattaforma (aggregatore)")),
]

_IPA = re.compile(r"[a-z0-9_]{2,20}")
_UNDICI_CIFRE = re.compile(r"\d{11}")
_TELEFONO = re.compile(r"\+?[0-9 ]{6,20}")
_MESSAGGI_UNDICI_CIFRE = {
    "partita_iva": (_("La partita IVA ha 11 cifre."),
                    _("La partita IVA non è valida: la cifra di controllo (l'ultima) non corrisponde.")),
    "codice_fiscale_ente": (_("Il codice fiscale dell'ente ha 11 cifre."),
                            _("Il codice fiscale dell'ente non è valido: la cifra di controllo (l'ultima) "
                              "non corrisponde.")),
}


@dataclass(frozen=True)
class Chiave:
    """The public side of one key: enough to check it against the published JWKS."""

    kid: str
    uso: str
    algoritmo: str
    impronta: str  # RFC 7638 JWK thumbprint (SHA-256), of the public key


@dataclass
class Stato:
    """What the configuration page shows about the comune's access."""

    rp: RelyingParty | None
    nazionale: RelyingParty | None
    chiavi: list[Chiave] = field(default_factory=list)

    @property
    def modalita(self) -> str:
        # As `identita_digitale.relying_party` decides: the own one serves only on the comune's domain.
        propria = self.rp is not None and self.rp.attivo and self.rp.ente is not None and self.rp.ente.dominio
        return PROPRIA if propria else PIATTAFORMA

    @property
    def usa_la_piattaforma(self) -> bool:
        return self.modalita == PIATTAFORMA


def chiavi(rp: RelyingParty | None) -> list[Chiave]:
    """The relying party's keys, public side only (kid, use, thumbprint)."""
    if rp is None:
        return []
    elenco = []
    for dati in [*rp.chiavi_private.get("keys", []), *rp.chiavi_federazione.get("keys", [])]:
        chiave = RSAKey.import_key(dati)
        chiave.ensure_kid()
        elenco.append(Chiave(kid=chiave.kid or "", uso=dati.get("use", "sig"), algoritmo=dati.get("alg", ""),
                             impronta=chiave.thumbprint()))
    if rp.saml_certificato:  # the SAML2 certificate, by the fingerprint AgID and the IdPs see
        elenco.append(Chiave(kid=_("certificato SAML"), uso="sig", algoritmo="RSA-SHA256",
                             impronta=saml_chiavi.impronta(rp)))
    return elenco


def relying_party_nazionale() -> RelyingParty | None:
    return RelyingParty.objects.filter(ente__isnull=True).first()


def stato(ente: Ente) -> Stato:
    rp = RelyingParty.objects.filter(ente=ente).select_related("ente").first()
    return Stato(rp=rp, nazionale=relying_party_nazionale(), chiavi=chiavi(rp))


def provider_offribili(ente: Ente) -> list[ProviderIdentita]:
    """The providers the comune may offer: the platform's (the national relying party's) and any
    the comune's own relying party already lists, one per issuer."""
    visti: dict[str, ProviderIdentita] = {}
    for rp in (RelyingParty.objects.filter(ente=ente).first(), relying_party_nazionale()):
        if rp is not None:
            for p in rp.provider.all():
                visti.setdefault(p.issuer, p)
    return sorted(visti.values(), key=lambda p: (p.tipo, p.ordine, p.nome))


def provider_offerti(ente: Ente) -> list[str]:
    """The issuers the comune's own relying party offers today."""
    return list(ProviderIdentita.objects.filter(relying_party__ente=ente, attivo=True).values_list("issuer", flat=True))


# --- Validation: each rule once, used by the page and by anyone saving these fields ----------


def controlla_cifra_di_controllo(cifre: str) -> bool:
    """The check digit of an Italian VAT number, also used by the 11-digit fiscal code of an
    organisation: odd positions as they are, even positions doubled (minus 9 above 9)."""
    somma = 0
    for i, c in enumerate(cifre[:10]):
        n = int(c)
        if i % 2:
            n = n * 2 - 9 if n * 2 > 9 else n * 2
        somma += n
    return (10 - somma % 10) % 10 == int(cifre[10])


def valida(dati: dict[str, Any]) -> dict[str, Any]:
    """Normalise and check the settings; InvalidData with every wrong field. An own relying party
    needs its identity and the organisation data AgID publishes; through the platform nothing is
    required, but what is typed must still be right (it is kept for later)."""
    errori: dict[str, list] = {}
    modalita = dati.get("modalita") or PIATTAFORMA
    if modalita not in (PROPRIA, PIATTAFORMA):
        errori["modalita"] = [_("Scegli come accedono i cittadini.")]
    propria = modalita == PROPRIA
    pulito: dict[str, Any] = {"modalita": modalita}

    client_id = (dati.get("client_id") or "").strip()
    if client_id:
        try:
            URLValidator(schemes=["https"])(client_id)
        except ValidationError:
            errori["client_id"] = [_("L'identificativo deve essere un indirizzo https completo, ad esempio "
                                     "https://segnalazioni.comune.esempio.it/oidc/rp.")]
        else:
            if RelyingParty.objects.filter(client_id=client_id).exclude(ente=dati.get("ente")).exists():
                errori["client_id"] = [_("Questo identificativo è già usato da un altro ente o dalla piattaforma.")]
    elif propria:
        errori["client_id"] = [_("Indica l'identificativo (entity id) registrato presso AgID "
                                 "e il Ministero dell'Interno.")]
    pulito["client_id"] = client_id

    livello = dati.get("livello") or LivelloSpid.L2
    if livello not in LivelloSpid.values:
        errori["livello"] = [_("Scegli un livello SPID.")]
    pulito["livello"] = livello

    nome = (dati.get("nome_organizzazione") or "").strip()
    if propria and not nome:
        errori["nome_organizzazione"] = [_("Indica il nome dell'ente, come compare nell'IPA.")]
    pulito["nome_organizzazione"] = nome[:200]

    ipa = (dati.get("codice_ipa") or "").strip().lower()
    if ipa and not _IPA.fullmatch(ipa):
        errori["codice_ipa"] = [_("Il codice IPA ha da 2 a 20 caratteri: lettere, cifre e trattino basso "
                                  "(per un comune è di solito c_ seguito dal codice catastale, ad esempio c_a182).")]
    elif propria and not ipa:
        errori["codice_ipa"] = [_("Indica il codice IPA dell'ente: i metadati SPID lo richiedono.")]
    pulito["codice_ipa"] = ipa

    for campo, (lunghezza, cifra) in _MESSAGGI_UNDICI_CIFRE.items():
        valore = re.sub(r"\s", "", dati.get(campo) or "").upper()
        if campo == "partita_iva":
            valore = valore.removeprefix("IT")
        if valore and not _UNDICI_CIFRE.fullmatch(valore):
            errori[campo] = [lunghezza]
        elif valore and not controlla_cifra_di_controllo(valore):
            errori[campo] = [cifra]
        pulito[campo] = valore
    if propria and not (pulito["partita_iva"] or pulito["codice_fiscale_ente"]) and "partita_iva" not in errori:
        errori["codice_fiscale_ente"] = [_("Indica il codice fiscale dell'ente o la sua partita IVA.")]

    email = (dati.get("email_contatto") or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errori["email_contatto"] = [_("L'indirizzo e-mail non è valido.")]
    elif propria:
        errori["email_contatto"] = [_("Indica un'e-mail di contatto tecnico.")]
    pulito["email_contatto"] = email

    telefono = (dati.get("telefono_contatto") or "").strip()
    if telefono and not _TELEFONO.fullmatch(telefono):
        errori["telefono_contatto"] = [_("Il telefono può contenere solo cifre, spazi e il + iniziale.")]
    pulito["telefono_contatto"] = telefono

    noti = {codice for codice, _etichetta in ATTRIBUTI}
    attributi = [a for a in dict.fromkeys(dati.get("attributi") or []) if a in noti]
    if ATTRIBUTO_OBBLIGATORIO not in attributi:
        errori["attributi"] = [_("Il codice fiscale va sempre richiesto: identifica il cittadino.")]
    pulito["attributi"] = attributi

    # OpenID Federation: the superiors named at the onboarding, and a trust mark received then.
    superiori = [r.strip() for r in (dati.get("authority_hints") or "").splitlines() if r.strip()]
    for superiore in superiori:
        try:
            URLValidator(schemes=["https"])(superiore)
        except ValidationError:
            errori["authority_hints"] = [_("Ogni superiore della federazione è un indirizzo https completo, "
                                           "uno per riga (ad esempio https://registry.spid.gov.it).")]
            break
    pulito["authority_hints"] = list(dict.fromkeys(superiori))
    trust_mark = "".join((dati.get("trust_mark") or "").split())
    if trust_mark and trust_mark.count(".") != 2:
        errori["trust_mark"] = [_("Incolla il trust mark così come l'hai ricevuto: un JWT in tre parti "
                                  "separate da punti.")]
    pulito["trust_mark"] = trust_mark

    pulito["provider"] = list(dict.fromkeys(dati.get("provider") or []))
    if propria and not pulito["provider"]:
        errori["provider"] = [_("Scegli almeno un gestore di identità da offrire.")]
    if errori:
        raise InvalidData(errori)
    return pulito


def salva(utente: Utente, ente: Ente, **dati: Any) -> RelyingParty | None:
    """Store the comune's settings. Switching to its own access needs its keys (the command) and
    a dedicated domain (the relying party serves the requests to it); through the platform the
    data typed are kept, inactive, for later. Returns the relying party, if the comune has one."""
    if not puo_configurare(utente, ente):
        raise NotAllowed(_("Solo l'amministratore del comune configura l'accesso con SPID e CIE."))
    pulito = valida({**dati, "ente": ente})
    propria = pulito.pop("modalita") == PROPRIA
    issuer_scelti = pulito.pop("provider")
    trust_mark = pulito.pop("trust_mark")
    with transaction.atomic():
        rp = RelyingParty.objects.select_for_update().filter(ente=ente).first()
        if propria:
            errori: dict[str, list] = {}
            if not ente.dominio:
                errori["modalita"] = [_("Il comune non ha un dominio dedicato: l'accesso proprio funziona solo "
                                        "sul dominio del comune (Impostazioni). Nel frattempo usa la piattaforma.")]
            if rp is None or not rp.chiavi_private.get("keys"):
                errori.setdefault("modalita", []).append(_(
                    "Mancano le chiavi: chiedi al gestore della piattaforma di generarle con "
                    "«civico genera_chiavi_identita %(ente)s», poi attiva l'accesso proprio.") % {"ente": ente.slug})
            if errori:
                raise InvalidData(errori)
        if rp is None:
            if not pulito["client_id"]:
                return None  # through the platform, nothing typed: nothing to keep
            rp = RelyingParty(ente=ente)
        if not pulito["client_id"]:
            pulito["client_id"] = rp.client_id  # the identifier is kept, never blanked
        for campo, valore in pulito.items():
            setattr(rp, campo, valore)
        rp.attivo = propria
        rp.save()
        _imposta_provider(rp, issuer_scelti, ente)
        if trust_mark:
            try:
                federazione.registra_trust_mark(rp, trust_mark)
            except federazione.CatenaNonValida as exc:  # the whole save is undone; the form keeps it all
                raise InvalidData({"trust_mark": [_("Il trust mark non è stato accettato: %(motivo)s.")
                                                  % {"motivo": exc.motivo}]}) from exc
    return rp


def _imposta_provider(rp: RelyingParty, issuer_scelti: list[str], ente: Ente) -> None:
    """The chosen providers become the relying party's, active; the others stay, switched off."""
    offribili = {p.issuer: p for p in provider_offribili(ente)}
    for issuer in issuer_scelti:
        modello = offribili.get(issuer)
        if modello is None:
            raise InvalidData({"provider": [_("Scegli un gestore di identità dell'elenco.")]})
        ProviderIdentita.objects.update_or_create(
            relying_party=rp, issuer=issuer,
            defaults={"tipo": modello.tipo, "nome": modello.nome, "ordine": modello.ordine, "attivo": True},
        )
    rp.provider.exclude(issuer__in=issuer_scelti).update(attivo=False)


def genera_chiavi(rp: RelyingParty, *, sostituisci: bool = False) -> list[Chiave]:
    """The relying party's private keys (`civico genera_chiavi_identita`): the OIDC core keys
    (request objects, client assertions, userinfo), the federation key (entity configuration) and
    the SAML2 key with its certificate (metadata, AuthnRequest). What is missing is made; keys in
    use are replaced only when asked. The OIDC keys are then rotated: the new ones sign at once,
    the old ones stay published for the grace period, so no sign-in in flight breaks. A new SAML
    certificate must reach AgID and the IdPs through the new metadata."""
    with transaction.atomic():
        rp = RelyingParty.objects.select_for_update().get(pk=rp.pk)
        ha_oidc = bool(rp.chiavi_private.get("keys") or rp.chiavi_federazione.get("keys"))
        ha_saml = bool(rp.saml_certificato)
        if ha_oidc and ha_saml and not sostituisci:
            raise Conflict(_("Il relying party ha già le sue chiavi: per sostituirle usa --sostituisci."))
        if not ha_oidc:
            rp.chiavi_private = rotazione_chiavi.genera_chiavi()
            rp.chiavi_federazione = rotazione_chiavi.genera_chiavi_federazione()
            rp.save(update_fields=["chiavi_private", "chiavi_federazione"])
        elif sostituisci:
            rotazione_chiavi.ruota_chiavi(rp)
        if not ha_saml or sostituisci:
            saml_chiavi.genera(rp)
    return chiavi(rp)
