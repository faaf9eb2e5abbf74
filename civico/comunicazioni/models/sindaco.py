"""Scrivi al sindaco: compliments, suggestions, remarks and general reports to the mayor's office."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TipoMessaggio(models.TextChoices):
    COMPLIMENTO = "complimento", _("Complimento")
    SUGGERIMENTO = "suggerimento", _("Suggerimento")
    OSSERVAZIONE = "osservazione", _("Osservazione")
    SEGNALAZIONE = "segnalazione", _("Segnalazione generale")


class MessaggioSindaco(models.Model):
    """Private by default: public only with the author's consent and after the office's review."""

    ente = models.ForeignKey("enti.Ente", on_delete=models.CASCADE, related_name="messaggi_al_sindaco")
    tipo = models.CharField(_("tipo"), max_length=15, choices=TipoMessaggio.choices)
    testo = models.TextField(_("messaggio"))
    nome = models.CharField(_("nome"), max_length=160, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    # The page's language when they wrote: the acknowledgement and the answer are in it.
    lingua = models.CharField(max_length=5, default="it")
    utente = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    consenso_pubblicazione = models.BooleanField(_("acconsento alla pubblicazione"), default=False)
    # A compliment may thank for a resolved report: then that report's office sees it.
    segnalazione = models.ForeignKey(
        "segnalazioni.Segnalazione", on_delete=models.SET_NULL, null=True, blank=True, related_name="complimenti"
    )
    pubblicato = models.BooleanField(_("pubblicato"), default=False)
    rivisto_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rivisto_il = models.DateTimeField(null=True, blank=True)
    risposta = models.TextField(_("risposta"), blank=True)
    risposta_pubblica = models.BooleanField(_("risposta pubblica"), default=False)
    risposto_il = models.DateTimeField(null=True, blank=True)
    creato_il = models.DateTimeField(_("ricevuto il"), db_index=True)

    class Meta:
        verbose_name = _("messaggio al sindaco")
        verbose_name_plural = _("messaggi al sindaco")
        ordering = ["-creato_il"]
        indexes = [models.Index(fields=["ente", "tipo", "creato_il"], name="sindaco_ente_tipo_data")]

    def __str__(self) -> str:
        return f"{self.get_tipo_display()} · {self.creato_il:%Y-%m-%d}"
