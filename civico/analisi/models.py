"""Precomputed dashboards: the figures of the default view of each comune and of the platform.

A dashboard over a million reports is a dozen GROUP BYs; most visitors open the default view
(the last twelve months, every category), so a task computes it ahead and stores it here. Any
other filter is computed on request and kept in the cache for a few minutes.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Istantanea(models.Model):
    # "ente:<id>|<from>|<to>|<category>" or "piattaforma|…" (see civico.analisi.istantanee).
    chiave = models.CharField(max_length=200, unique=True)
    dati = models.JSONField()
    calcolata_il = models.DateTimeField(_("calcolata il"))
    durata_ms = models.PositiveIntegerField(_("tempo di calcolo (ms)"), default=0)

    class Meta:
        verbose_name = _("cruscotto precalcolato")
        verbose_name_plural = _("cruscotti precalcolati")

    def __str__(self) -> str:
        return self.chiave
