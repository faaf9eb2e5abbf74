"""The backoffice's own data: what a staff member keeps for themselves, never about reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VistaSalvata(models.Model):
    """A named inbox filter ("Buche in ritardo del centro"): the inbox's query string, kept as is
    so a saved view opens exactly the page it was saved from."""

    utente = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="viste_salvate")
    nome = models.CharField(_("nome"), max_length=80)
    querystring = models.CharField(_("filtri"), max_length=2000, blank=True)
    creata_il = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vista salvata")
        verbose_name_plural = _("viste salvate")
        ordering = ["nome"]
        constraints = [models.UniqueConstraint(fields=["utente", "nome"], name="vista_nome_unico_per_utente")]

    def __str__(self) -> str:
        return self.nome
