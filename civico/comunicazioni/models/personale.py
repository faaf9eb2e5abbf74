"""What staff are told about their work (comunicazioni.personale): per person and kind of event,
at once, in a daily digest, or not at all; and the items waiting for the next digest."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TipoAvvisoPersonale(models.TextChoices):
    NUOVA = "nuova", _("Nuova segnalazione nel mio ufficio")
    ASSEGNATA = "assegnata", _("Segnalazione assegnata a me")
    RISPOSTA = "risposta", _("Il segnalante ha scritto")
    RIAPERTA = "riaperta", _("Il segnalante ha riaperto una segnalazione")
    RITARDO = "ritardo", _("Segnalazioni in ritardo (un riepilogo al giorno)")
    SINDACO = "sindaco", _("Messaggi al sindaco")


class ModoAvviso(models.TextChoices):
    SUBITO = "subito", _("Subito, un messaggio per ciascuna")
    RIEPILOGO = "riepilogo", _("In un riepilogo giornaliero")
    MAI = "mai", _("Mai")


class PreferenzaPersonale(models.Model):
    """A staff member's choice for one kind of event; no row means the default (`personale.PREDEFINITI`)."""

    utente = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="avvisi_lavoro")
    tipo = models.CharField(max_length=20, choices=TipoAvvisoPersonale.choices)
    modo = models.CharField(max_length=20, choices=ModoAvviso.choices)

    class Meta:
        verbose_name = _("avviso di lavoro")
        verbose_name_plural = _("avvisi di lavoro")
        constraints = [models.UniqueConstraint(fields=["utente", "tipo"], name="avviso_lavoro_unico")]

    def __str__(self) -> str:
        return f"{self.tipo}: {self.modo}"


class ElementoPersonale(models.Model):
    """One thing for a person's (or an office mailbox's) next digest. `chiave` names the person
    and the occurrence, so the same event never lands twice; `notifica` is set when sent."""

    chiave = models.CharField(max_length=200, unique=True)
    utente = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="+")
    email = models.EmailField(blank=True)  # an office's own mailbox, when no person is there to tell
    ente = models.ForeignKey("enti.Ente", on_delete=models.CASCADE, related_name="+")
    tipo = models.CharField(max_length=20, choices=TipoAvvisoPersonale.choices)
    segnalazione = models.ForeignKey("segnalazioni.Segnalazione", on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="+")
    messaggio_sindaco = models.ForeignKey("comunicazioni.MessaggioSindaco", on_delete=models.CASCADE, null=True,
                                          blank=True, related_name="+")
    testo = models.CharField(max_length=300, blank=True)
    creato_il = models.DateTimeField()
    notifica = models.ForeignKey("comunicazioni.Notifica", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    inviato = models.BooleanField(default=False)
    # Immediate notices caused by one bulk action: sent together at its end, one e-mail per
    # person (`personale.invia_lotto`), never in the daily digest.
    lotto = models.CharField(max_length=60, blank=True)

    class Meta:
        indexes = [models.Index(fields=["inviato", "tipo"], name="elem_personale_attesa")]

    def __str__(self) -> str:
        return self.chiave
