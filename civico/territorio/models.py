"""The territory of each ente: streets and house numbers (the gazetteer). Trees and other
assets are in civico.patrimonio.

Every table is tenant-scoped, so every index starts with the ente. Coordinates are WGS84
floats: plain columns that index and compare the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from civico.enti.models import Ente


class Via(models.Model):
    """An area di circolazione (street, square...) of the comune's stradario."""

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, related_name="vie")
    codice = models.PositiveIntegerField(_("codice via"))
    dug = models.CharField(_("DUG"), max_length=40, help_text=_("Via, Piazza, Corso…"))
    duf = models.CharField(_("DUF"), max_length=120, help_text=_("Il nome come nella fonte."))
    nome = models.CharField(_("nome"), max_length=200)
    # Lowercase, no accents or apostrophes, numbers in words: what the search matches.
    chiave = models.CharField(_("chiave di ricerca"), max_length=300, editable=False)
    cap = models.CharField(_("CAP"), max_length=5, blank=True)
    quartiere = models.CharField(_("quartiere o sobborgo"), max_length=80, blank=True)
    # Where to put the pin for the street as a whole: its middle house number.
    lat = models.FloatField(_("latitudine"), null=True, blank=True)
    lon = models.FloatField(_("longitudine"), null=True, blank=True)

    class Meta:
        verbose_name = _("via")
        verbose_name_plural = _("vie")
        ordering = ["ente_id", "nome"]
        constraints = [
            models.UniqueConstraint(fields=["ente", "codice"], name="territorio_via_unica"),
        ]

    def __str__(self) -> str:
        return self.nome


class NumeroCivico(models.Model):
    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, related_name="numeri_civici")
    via = models.ForeignKey(Via, on_delete=models.CASCADE, related_name="civici")
    numero = models.PositiveIntegerField(_("numero"))
    esponente = models.CharField(_("esponente"), max_length=8, blank=True)
    cap = models.CharField(_("CAP"), max_length=5, blank=True)
    quartiere = models.CharField(_("quartiere o sobborgo"), max_length=80, blank=True)
    lat = models.FloatField(_("latitudine"))
    lon = models.FloatField(_("longitudine"))

    class Meta:
        verbose_name = _("numero civico")
        verbose_name_plural = _("numeri civici")
        ordering = ["via_id", "numero", "esponente"]
        indexes = [
            models.Index(fields=["ente", "lat", "lon"], name="territorio_civico_pos"),
            models.Index(fields=["ente", "via", "numero"], name="territorio_civico_num"),
        ]

    def __str__(self) -> str:
        return f"{self.via.nome} {self.civico}"

    @property
    def civico(self) -> str:
        """"41", "90/H"."""
        return testo_civico(self.numero, self.esponente)


def testo_civico(numero: int, esponente: str) -> str:
    return f"{numero}/{esponente}" if esponente else str(numero)
