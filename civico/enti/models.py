"""Enti: the comuni (tenants). Every comune of Italy is known; those on the platform are active."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Ente(models.Model):
    nome = models.CharField(_("nome"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    codice_istat = models.CharField(_("codice ISTAT"), max_length=6, unique=True)
    codice_catastale = models.CharField(_("codice catastale"), max_length=4, unique=True)
    # Prefix of the tracking codes (AL-2026-000123); unique so a code names one report.
    sigla = models.CharField(_("sigla dei codici"), max_length=8, unique=True)
    provincia = models.CharField(_("provincia (sigla)"), max_length=2, blank=True)
    regione = models.CharField(_("regione"), max_length=60, blank=True)
    attivo = models.BooleanField(_("attivo su Civico"), default=False, db_index=True)
    # The boundary as a GeoJSON geometry (Polygon or MultiPolygon, WGS84).
    confine = models.JSONField(_("confine (GeoJSON)"), null=True, blank=True)
    confine_aggiornato_il = models.DateTimeField(default=timezone.now, editable=False)
    email = models.EmailField(_("e-mail"), blank=True)
    pec = models.EmailField(_("PEC"), blank=True)
    telefono = models.CharField(_("telefono"), max_length=40, blank=True)
    sito_web = models.URLField(_("sito web"), blank=True)
    indirizzo = models.CharField(_("indirizzo della sede"), max_length=200, blank=True)
    fuso_orario = models.CharField(_("fuso orario"), max_length=40, default="Europe/Rome")
    # A host name that serves this ente alone (e.g. segnalazioni.comune.alessandria.it): APIs
    # called on it need no jurisdiction_id.
    dominio = models.CharField(_("dominio dedicato"), max_length=253, blank=True, db_index=True)
    # The patron saint's day is a local holiday: working-day deadlines skip it.
    santo_patrono_giorno = models.PositiveSmallIntegerField(
        _("santo patrono: giorno"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    santo_patrono_mese = models.PositiveSmallIntegerField(
        _("santo patrono: mese"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    # The comune's protocol system (protocollo informatico): new reports are POSTed here, signed
    # with HMAC-SHA256 of the secret; the system answers on our callback with the number.
    protocollo_webhook_url = models.URLField(_("indirizzo del servizio di protocollo"), blank=True)
    protocollo_segreto = models.CharField(_("segreto condiviso con il protocollo"), max_length=128, blank=True)
    # The comune's accessibility declaration on AgID's form (form.agid.gov.it), linked from the
    # footer of its pages (AgID C.SI.3.2); empty: the platform's (CIVICO URL_DICHIARAZIONE_ACCESSIBILITA).
    url_dichiarazione_accessibilita = models.URLField(
        _("indirizzo della dichiarazione di accessibilità"), blank=True,
        help_text=_("La dichiarazione del comune pubblicata su form.agid.gov.it. Vuoto: quella della piattaforma."),
    )
    # Privacy (GDPR) settings: they drive retention, photo review and the generated art. 13 notice.
    conservazione_contatti_mesi = models.PositiveSmallIntegerField(
        _("mesi di conservazione dei recapiti dopo la chiusura"), null=True, blank=True, default=24,
        validators=[MaxValueValidator(240)],
        help_text=_("Dopo questo periodo nome, e-mail e telefono del segnalante sono anonimizzati. "
                    "Vuoto: conservati finché il segnalante non chiede la cancellazione."),
    )
    foto_in_revisione = models.BooleanField(
        _("foto nascoste fino alla revisione"), default=False,
        help_text=_("Le nuove foto restano riservate finché il personale non le ha controllate."),
    )
    conserva_originali_foto = models.BooleanField(
        _("conserva l'originale delle foto oscurate"), default=True,
        help_text=_("Se no, l'originale è distrutto quando la foto viene oscurata."),
    )
    # Reports imported from the platform used before Civico that are still open and older than
    # this are the inherited backlog (segnalazioni.pregresso): listed apart, not counted as overdue.
    pregresso_giorni = models.PositiveSmallIntegerField(
        _("età dell'arretrato ereditato (giorni)"), default=180,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("Le segnalazioni importate ancora aperte e più vecchie di così sono arretrato ereditato."),
    )
    pregresso_nei_ritardi = models.BooleanField(
        _("conta l'arretrato ereditato nei ritardi"), default=False,
        help_text=_("Se sì, l'arretrato ereditato conta tra le segnalazioni in ritardo, nei solleciti e nei "
                    "cruscotti come le altre."),
    )
    rpd_nome = models.CharField(_("responsabile della protezione dei dati (RPD)"), max_length=160, blank=True)
    rpd_email = models.EmailField(_("e-mail dell'RPD"), blank=True)
    gestore_piattaforma = models.CharField(
        _("gestore della piattaforma (responsabile del trattamento)"), max_length=200, blank=True
    )

    class Meta:
        verbose_name = _("ente")
        verbose_name_plural = _("enti")
        ordering = ["nome"]

    def __str__(self) -> str:
        return self.nome

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # None when the boundary was not loaded (deferred): then a save never counts as a change.
        self._confine_caricato = self.__dict__.get("confine", _NON_CARICATO)

    def save(self, *args, **kwargs):
        # Other processes compare this timestamp to know their boundary index is stale.
        confine = self.__dict__.get("confine", _NON_CARICATO)
        if self._confine_caricato is not _NON_CARICATO and confine != self._confine_caricato:
            self.confine_aggiornato_il = timezone.now()
        super().save(*args, **kwargs)
        self._confine_caricato = self.__dict__.get("confine", _NON_CARICATO)


_NON_CARICATO = object()
