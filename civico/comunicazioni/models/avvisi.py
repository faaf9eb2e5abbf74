"""Avvisi: what the comune announces (works, closures, emergencies), for an area and topics."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TipoAvviso(models.TextChoices):
    INFORMAZIONE = "informazione", _("Informazione")
    LAVORI = "lavori", _("Lavori")
    VIABILITA = "viabilita", _("Viabilità")
    EVENTO = "evento", _("Evento")
    EMERGENZA = "emergenza", _("Emergenza")


class StatoAvviso(models.TextChoices):
    BOZZA = "bozza", _("Bozza")
    PUBBLICATO = "pubblicato", _("Pubblicato")
    RITIRATO = "ritirato", _("Ritirato")


class Avviso(models.Model):
    ente = models.ForeignKey("enti.Ente", on_delete=models.CASCADE, related_name="avvisi")
    titolo = models.CharField(_("titolo"), max_length=200)
    testo = models.TextField(_("testo"))
    tipo = models.CharField(_("tipo"), max_length=15, choices=TipoAvviso.choices, default=TipoAvviso.INFORMAZIONE)
    valido_dal = models.DateTimeField(_("valido dal"))
    valido_al = models.DateTimeField(_("valido fino al"), null=True, blank=True)
    # Where: a GeoJSON Polygon/MultiPolygon, or a quartiere; neither means the whole comune.
    area = models.JSONField(_("area (GeoJSON)"), null=True, blank=True)
    quartiere = models.CharField(_("quartiere"), max_length=80, blank=True)
    categorie = models.ManyToManyField("catalogo.Categoria", blank=True, related_name="+")
    creato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    creato_il = models.DateTimeField(_("pubblicato il"))
    aggiornato_il = models.DateTimeField()
    # Drafts are seen by staff only; a withdrawn avviso disappears from the portal and the feed.
    stato = models.CharField(_("stato"), max_length=10, choices=StatoAvviso.choices, default=StatoAvviso.PUBBLICATO)
    ritirato_il = models.DateTimeField(null=True, blank=True)
    # When it was pushed to the alerts (once: editing a published avviso does not push it again).
    diffuso_il = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("avviso")
        verbose_name_plural = _("avvisi")
        ordering = ["-valido_dal", "-id"]
        indexes = [models.Index(fields=["ente", "valido_dal"], name="avviso_ente_validita")]

    def __str__(self) -> str:
        return self.titolo


class Conversazione(models.Model):
    """A report by message (SMS, Telegram…) still missing something (address, category, an
    answer), or a question the reporter was asked ("risolto?"): the next message from the same
    sender on the same channel continues it (inbound/conversazione.py). Forgotten after a day."""

    canale = models.CharField(max_length=20, default="sms")
    mittente = models.CharField(max_length=80)  # the channel's address: a phone number, a chat id
    ente = models.ForeignKey("enti.Ente", on_delete=models.CASCADE, related_name="+")
    dati = models.JSONField(default=dict)
    aggiornata_il = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["canale", "mittente"], name="conversazione_unica")]

    def __str__(self) -> str:
        return f"{self.canale}:{self.mittente}"


class Revisione(models.TextChoices):
    """A reply whose sender is not proven is held for an operator (inbound/trattenute.py)."""

    IN_ATTESA = "in_attesa", _("Da revisionare")
    PUBBLICATA = "pubblicata", _("Aggiunta alla segnalazione")
    SCARTATA = "scartata", _("Scartata")


class MessaggioInArrivo(models.Model):
    """Every e-mail or SMS received, once: a redelivered message is recognised and not processed
    again; staff can see what came in and what became of it."""

    chiave = models.CharField(max_length=64, unique=True)
    canale = models.CharField(max_length=10)
    mittente = models.CharField(max_length=320)
    ente = models.ForeignKey("enti.Ente", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    oggetto = models.CharField(max_length=250, blank=True)
    esito = models.CharField(max_length=20)
    dettaglio = models.TextField(blank=True)
    segnalazione = models.ForeignKey(
        "segnalazioni.Segnalazione", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ricevuto_il = models.DateTimeField()
    # Held messages only: the message as received (nothing lost until an operator decides) and
    # the decision.
    contenuto = models.BinaryField(blank=True, default=b"", editable=False)
    revisione = models.CharField(max_length=12, choices=Revisione.choices, blank=True, db_index=True)
    revisionato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revisionato_il = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-ricevuto_il"]

    def __str__(self) -> str:
        return f"{self.canale} {self.mittente}: {self.esito}"
