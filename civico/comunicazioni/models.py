"""Who follows what. Delivery (outbox, channels) builds on these subscriptions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Iscrizione(models.Model):
    """A person following a report: by account, or by e-mail for people without one."""

    segnalazione = models.ForeignKey(
        "segnalazioni.Segnalazione", on_delete=models.CASCADE, related_name="iscrizioni"
    )
    utente = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="iscrizioni"
    )
    email = models.EmailField(blank=True)
    creata_il = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("iscrizione")
        verbose_name_plural = _("iscrizioni")
        constraints = [
            models.UniqueConstraint(fields=["segnalazione", "utente"], name="iscrizione_unica_utente"),
            models.CheckConstraint(
                condition=models.Q(utente__isnull=False) | ~models.Q(email=""), name="iscrizione_con_destinatario"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.segnalazione_id} ← {self.utente_id or self.email}"
