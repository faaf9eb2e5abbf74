"""The notification texts a comune writes itself (comunicazioni/testi_ente.py)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from civico.comunicazioni.models.iscrizioni import Lingua


class TestoNotifica(models.Model):
    """A comune's own wording of one event's notification in one language; absent or empty: the
    platform's default text."""

    ente = models.ForeignKey("enti.Ente", on_delete=models.CASCADE, related_name="testi_notifiche")
    evento = models.CharField(_("evento"), max_length=40)  # a key of testi_ente.EVENTI
    lingua = models.CharField(_("lingua"), max_length=5, choices=Lingua.choices)
    testo = models.TextField(_("testo"), blank=True)  # validated by testi_ente.verifica on save
    aggiornato_il = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("testo di una notifica")
        verbose_name_plural = _("testi delle notifiche")
        constraints = [
            models.UniqueConstraint(fields=["ente", "evento", "lingua"], name="testo_notifica_unico"),
        ]

    def __str__(self) -> str:
        return f"{self.ente_id} {self.evento} {self.lingua}"
