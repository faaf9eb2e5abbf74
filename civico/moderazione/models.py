"""What moderation stores: citizens' flags, bans, and the original of masked public text."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Motivo(models.TextChoices):
    SPAM = "spam", _("Spam o pubblicità")
    OFFENSIVO = "offensivo", _("Linguaggio offensivo")
    DATI_PERSONALI = "dati_personali", _("Dati personali di qualcuno")
    FALSO = "falso", _("Contenuto falso o fuorviante")
    ALTRO = "altro", _("Altro")


class EsitoSegnalazione(models.TextChoices):
    APERTA = "aperta", _("Da esaminare")
    ACCOLTA = "accolta", _("Accolta: contenuto nascosto")
    RESPINTA = "respinta", _("Respinta: contenuto lasciato visibile")


class SegnalazioneContenuto(models.Model):
    """A citizen's "Segnala contenuto inappropriato" on a public report. One per person per
    report (`impronta`: a keyed hash of the account or the address, never the address itself)."""

    segnalazione = models.ForeignKey(
        "segnalazioni.Segnalazione", on_delete=models.CASCADE, related_name="segnalazioni_contenuto"
    )
    motivo = models.CharField(max_length=20, choices=Motivo.choices)
    testo = models.TextField(blank=True, max_length=500)
    impronta = models.CharField(max_length=64)
    utente = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    creata_il = models.DateTimeField(auto_now_add=True)
    esito = models.CharField(max_length=10, choices=EsitoSegnalazione.choices, default=EsitoSegnalazione.APERTA)
    gestita_da = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    gestita_il = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("segnalazione di contenuto")
        verbose_name_plural = _("segnalazioni di contenuto")
        constraints = [
            models.UniqueConstraint(fields=["segnalazione", "impronta"], name="moderazione_una_per_persona"),
        ]
        indexes = [models.Index(fields=["esito", "creata_il"])]

    def __str__(self) -> str:
        return f"{self.get_motivo_display()} · {self.segnalazione_id}"


class TipoDivieto(models.TextChoices):
    EMAIL = "email", _("Indirizzo e-mail")
    TELEFONO = "telefono", _("Numero di telefono")
    DOMINIO = "dominio", _("Dominio e-mail")


class Divieto(models.Model):
    """An e-mail, phone or e-mail domain refused at intake: in one ente, or everywhere (ente
    empty, set by the platform administrators)."""

    tipo = models.CharField(max_length=10, choices=TipoDivieto.choices)
    valore = models.CharField(max_length=254, help_text=_("Normalizzato: minuscolo, telefono solo cifre con +."))
    ente = models.ForeignKey("enti.Ente", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    motivo = models.CharField(max_length=300)
    creato_da = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    creato_il = models.DateTimeField(auto_now_add=True)
    attivo = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("divieto")
        verbose_name_plural = _("divieti")
        constraints = [
            models.UniqueConstraint(fields=["tipo", "valore", "ente"], name="moderazione_divieto_unico"),
        ]
        indexes = [models.Index(fields=["tipo", "valore"])]

    def __str__(self) -> str:
        return f"{self.get_tipo_display()}: {self.valore}"


class TestoOriginale(models.Model):
    """The words a citizen typed before masking: for the staff of the report, never public."""

    segnalazione = models.ForeignKey(
        "segnalazioni.Segnalazione", on_delete=models.CASCADE, related_name="testi_originali"
    )
    campo = models.CharField(max_length=20)
    testo = models.TextField()
    trovati = models.JSONField(default=list, help_text=_("Che cosa è stato nascosto: email, telefono…"))
    creato_il = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("testo originale")
        verbose_name_plural = _("testi originali")
        constraints = [models.UniqueConstraint(fields=["segnalazione", "campo"], name="moderazione_originale_unico")]

    def __str__(self) -> str:
        return f"{self.segnalazione_id} · {self.campo}"
