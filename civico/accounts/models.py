"""People: citizens and staff share one user model; staff powers come from role assignments."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Utente(AbstractUser):
    telefono = models.CharField(_("telefono"), max_length=40, blank=True)
    # Proved by SPID or CIE (the `fiscalNumber` claim, without "TINIT-"): the identity key of
    # citizens who sign in with a digital identity. Never shown outside the personal area.
    codice_fiscale = models.CharField(_("codice fiscale"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("utente")
        verbose_name_plural = _("utenti")
        constraints = [
            models.UniqueConstraint(
                fields=["codice_fiscale"], condition=~models.Q(codice_fiscale=""), name="codice_fiscale_unico"
            )
        ]


class Ruolo(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", _("Amministratore della piattaforma")
    ENTE_ADMIN = "ente_admin", _("Amministratore dell'ente")
    OFFICE_MANAGER = "office_manager", _("Responsabile d'ufficio")
    OPERATORE = "operatore", _("Operatore")
    SINDACO = "sindaco", _("Ufficio del sindaco")
    OSSERVATORE = "osservatore", _("Osservatore (sola lettura)")


class Incarico(models.Model):
    """A role held by a person in an ente, optionally limited to one office."""

    utente = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="incarichi"
    )
    ruolo = models.CharField(_("ruolo"), max_length=20, choices=Ruolo.choices)
    ente = models.ForeignKey(
        "enti.Ente", on_delete=models.CASCADE, related_name="incarichi", null=True, blank=True,
        help_text=_("Vuoto solo per l'amministratore della piattaforma."),
    )
    ufficio = models.ForeignKey(
        "catalogo.Ufficio", on_delete=models.CASCADE, related_name="incarichi",
        null=True, blank=True, help_text=_("Vuoto: tutto l'ente."),
    )

    class Meta:
        verbose_name = _("incarico")
        verbose_name_plural = _("incarichi")
        constraints = [
            models.UniqueConstraint(
                fields=["utente", "ruolo", "ente", "ufficio"], name="incarico_unico"
            )
        ]

    def __str__(self) -> str:
        dove = self.ufficio or self.ente or _("piattaforma")
        return f"{self.utente} · {self.get_ruolo_display()} · {dove}"


class ApplicazioneClient(models.Model):
    """A client application allowed to submit reports through the APIs (Open311 api_key).

    Only a hash of the key is stored; the key itself is shown once, when it is created.
    """

    ente = models.ForeignKey(
        "enti.Ente", on_delete=models.CASCADE, related_name="applicazioni", null=True, blank=True,
        help_text=_("Vuoto: può inviare segnalazioni a ogni comune attivo."),
    )
    nome = models.CharField(_("nome"), max_length=120)
    contatto = models.EmailField(_("e-mail dello sviluppatore"), blank=True)
    prefisso = models.CharField(max_length=12, db_index=True, editable=False)
    chiave_hash = models.CharField(max_length=64, unique=True, editable=False)
    limite_al_minuto = models.PositiveIntegerField(_("richieste di scrittura al minuto"), default=60)
    attiva = models.BooleanField(_("attiva"), default=True)
    creata_il = models.DateTimeField(auto_now_add=True)
    revocata_il = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("applicazione client")
        verbose_name_plural = _("applicazioni client")

    def __str__(self) -> str:
        return f"{self.nome} ({self.prefisso}…)"


class ScopoToken(models.TextChoices):
    """What a staff token may do on the staff API (/api/v1/gestione/): read, or also act."""

    LETTURA = "lettura", _("Lettura (elenco e scheda delle segnalazioni)")
    SCRITTURA = "scrittura", _("Scrittura (stato, assegnazione, instradamento, risposte, note)")


def tutti_gli_scopi() -> list[str]:
    return list(ScopoToken.values)


class TokenAccesso(models.Model):
    """A staff member's personal API token (JSON API, `Authorization: Bearer …`). Hashed.

    Issued by an administrator of `ente` (backoffice, Configurazione → Token API), it reaches only
    that ente's reports, with its `scopi`, until `scade_il`. Tokens without an ente or an expiry
    are the platform's own (created from code, e.g. by tests)."""

    utente = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="token")
    nome = models.CharField(_("nome"), max_length=120)
    ente = models.ForeignKey("enti.Ente", on_delete=models.CASCADE, null=True, blank=True, related_name="token_api")
    scopi = models.JSONField(_("permessi"), default=tutti_gli_scopi)
    scade_il = models.DateTimeField(_("scade il"), null=True, blank=True)
    creato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    prefisso = models.CharField(max_length=12, db_index=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    creato_il = models.DateTimeField(auto_now_add=True)
    usato_il = models.DateTimeField(null=True, blank=True)
    revocato_il = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("token di accesso")
        verbose_name_plural = _("token di accesso")

    def __str__(self) -> str:
        return f"{self.nome} ({self.prefisso}…)"


class TipoIdentita(models.TextChoices):
    SPID = "spid", _("SPID")
    CIE = "cie", _("CIE")


class LivelloSpid(models.TextChoices):
    """The `acr_values` of the SPID/CIE OIDC profile: the authentication level asked for."""

    L1 = "https://www.spid.gov.it/SpidL1", _("SPID livello 1 (password)")
    L2 = "https://www.spid.gov.it/SpidL2", _("SPID livello 2 (password e secondo fattore)")
    L3 = "https://www.spid.gov.it/SpidL3", _("SPID livello 3 (dispositivo fisico)")


class BindingSaml(models.TextChoices):
    """How the AuthnRequest travels to the IdP (both are signed, SPID technical rules)."""

    REDIRECT = "redirect", "HTTP-Redirect"
    POST = "post", "HTTP-POST"


ATTRIBUTI_SPID = ["name", "familyName", "fiscalNumber", "email"]


def attributi_predefiniti() -> list[str]:
    return list(ATTRIBUTI_SPID)


class RelyingParty(models.Model):
    """Civico as the SPID/CIE service of one ente (or, without ente, of the national portal): an
    OpenID Connect relying party and a SAML2 service provider. Registered with the identity
    federation under `client_id` (its entity id).

    The organisation fields are what AgID's metadata and the federation's entity configuration
    publish about the ente (SPID technical rules: contact person with IPA code, VAT number or
    fiscal code). The private keys never leave the server: the public half is published.
    """

    ente = models.OneToOneField(
        "enti.Ente", on_delete=models.CASCADE, related_name="relying_party", null=True, blank=True,
        help_text=_("Vuoto: l'accesso del portale nazionale."),
    )
    client_id = models.URLField(_("client_id (identificativo dell'ente come relying party)"), max_length=300)
    # JSON Web Key Set with the private keys (RSA, at least 2048 bits): one signs the request
    # objects and the client assertions (private_key_jwt).
    chiavi_private = models.JSONField(_("chiavi private (JWKS)"), default=dict, blank=True)
    livello = models.CharField(
        _("livello SPID richiesto"), max_length=40, choices=LivelloSpid.choices, default=LivelloSpid.L2
    )
    attivo = models.BooleanField(_("attivo"), default=True)
    nome_organizzazione = models.CharField(_("nome dell'organizzazione"), max_length=200, blank=True)
    codice_ipa = models.CharField(
        _("codice IPA"), max_length=20, blank=True,
        help_text=_("Il codice dell'ente nell'Indice dei domicili digitali della PA (IPA)."),
    )
    partita_iva = models.CharField(_("partita IVA"), max_length=13, blank=True)
    codice_fiscale_ente = models.CharField(_("codice fiscale dell'ente"), max_length=16, blank=True)
    email_contatto = models.EmailField(_("e-mail di contatto tecnico"), blank=True)
    telefono_contatto = models.CharField(_("telefono di contatto tecnico"), max_length=20, blank=True)
    # The SPID/CIE attributes asked of the provider (SAML names, e.g. "fiscalNumber"; the OIDC
    # claims are derived from them).
    attributi = models.JSONField(_("attributi richiesti"), default=attributi_predefiniti, blank=True)
    # OpenID Connect Federation (civico.accounts.federazione). The federation keys sign the entity
    # configuration only; the core keys above sign request objects and client assertions.
    chiavi_federazione = models.JSONField(_("chiavi della federazione (JWKS privato)"), default=dict, blank=True)
    # kid → ISO time after which a rotated-out key leaves its JWKS (core and federation keys).
    chiavi_in_uscita = models.JSONField(_("chiavi in uscita"), default=dict, blank=True)
    authority_hints = models.JSONField(
        _("authority hints"), default=list, blank=True,
        help_text=_("Gli entity id dei superiori nella federazione (trust anchor o aggregatore), dall'onboarding."),
    )
    # [{"id": …, "trust_mark": JWT}] issued to us at the onboarding, checked when registered.
    trust_mark = models.JSONField(_("trust mark ricevuti"), default=list, blank=True)
    # SAML2 (SPID and CIE's SAML IdP). The key pair is generated on the server
    # (`civico genera_chiavi_identita`): the key is never shown, the certificate is published in
    # the SP metadata.
    saml_entity_id = models.URLField(
        _("entity id SAML"), max_length=300, blank=True,
        help_text=_("Vuoto: lo stesso del client_id."),
    )
    saml_chiave_privata = models.TextField(_("chiave privata SAML (PEM)"), blank=True, editable=False)
    saml_certificato = models.TextField(_("certificato SAML (PEM)"), blank=True, editable=False)
    saml_binding = models.CharField(
        _("binding della richiesta SAML"), max_length=8, choices=BindingSaml.choices,
        default=BindingSaml.REDIRECT,
    )

    class Meta:
        verbose_name = _("relying party SPID/CIE")
        verbose_name_plural = _("relying party SPID/CIE")
        constraints = [
            models.UniqueConstraint(fields=["client_id"], name="relying_party_client_unico"),
        ]

    def __str__(self) -> str:
        return f"{self.ente or _('portale nazionale')} · {self.client_id}"


class ProviderIdentita(models.Model):
    """An identity provider (a SPID IdP or the CIE one) that a relying party lets citizens use."""

    relying_party = models.ForeignKey(RelyingParty, on_delete=models.CASCADE, related_name="provider")
    tipo = models.CharField(_("tipo"), max_length=4, choices=TipoIdentita.choices)
    nome = models.CharField(_("nome"), max_length=80)
    # The OpenID Provider's entity id (its issuer): its metadata come from the trust chain
    # (civico.accounts.federazione), never from this row.
    issuer = models.URLField(_("entity id del provider"), max_length=300)
    ordine = models.PositiveSmallIntegerField(_("ordine"), default=0)
    attivo = models.BooleanField(_("attivo"), default=True)

    class Meta:
        verbose_name = _("provider di identità")
        verbose_name_plural = _("provider di identità")
        ordering = ["tipo", "ordine", "nome"]
        constraints = [
            models.UniqueConstraint(fields=["relying_party", "issuer"], name="provider_unico_per_rp")
        ]

    def __str__(self) -> str:
        return f"{self.get_tipo_display()} · {self.nome}"

    def clean(self) -> None:
        # The server fetches its discovery document and keys: https, outside our own network.
        from civico.core import rete

        if self.issuer:
            try:
                rete.verifica_url(self.issuer)
            except rete.UrlNonPermesso as errore:
                raise ValidationError({"issuer": [errore.messaggio]}) from None


class TrustAnchor(models.Model):
    """A federation's root (SPID: AgID's registry; CIE: the Ministry's). Its public keys come from
    the onboarding, not from the network: they are what every trust chain is checked against."""

    entity_id = models.URLField(_("entity id"), max_length=300, unique=True)
    tipo = models.CharField(
        _("tipo"), max_length=4, choices=TipoIdentita.choices,
        help_text=_("Il tipo dei provider elencati da questo trust anchor."),
    )
    chiavi = models.JSONField(_("chiavi pubbliche (JWKS)"))
    attivo = models.BooleanField(_("attivo"), default=True)

    class Meta:
        verbose_name = _("trust anchor")
        verbose_name_plural = _("trust anchor")

    def __str__(self) -> str:
        return self.entity_id


class CatenaFiducia(models.Model):
    """A resolved trust chain (or the reason it failed), shared by every process until `scade_il`."""

    entity_id = models.URLField(max_length=300, unique=True)
    trust_anchor = models.URLField(max_length=300, blank=True)
    metadati = models.JSONField(default=dict, blank=True)  # the OP's metadata after the policies
    errore = models.CharField(max_length=300, blank=True)
    scade_il = models.DateTimeField()
    aggiornata_il = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("catena di fiducia")
        verbose_name_plural = _("catene di fiducia")

    def __str__(self) -> str:
        return self.entity_id


class AsserzioneSamlUsata(models.Model):
    """A SAML assertion already consumed, kept until it expires: a replayed one is refused in
    every process (the DB, not a per-process memory)."""

    id_asserzione = models.CharField(max_length=200, unique=True)
    scade_il = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("asserzione SAML usata")
        verbose_name_plural = _("asserzioni SAML usate")

    def __str__(self) -> str:
        return self.id_asserzione


class RicevutaCancellazione(models.Model):
    """Proof that an account was erased (art. 17 GDPR): a number, a time, what was done.

    Holds no personal data: the person keeps the receipt, the ente keeps only this row."""

    numero = models.CharField(_("numero"), max_length=24, unique=True)
    eseguita_il = models.DateTimeField(_("eseguita il"))
    riepilogo = models.JSONField(_("riepilogo"), default=dict)

    class Meta:
        verbose_name = _("ricevuta di cancellazione")
        verbose_name_plural = _("ricevute di cancellazione")

    def __str__(self) -> str:
        return self.numero
