"""People: citizens and staff share one user model; staff powers come from role assignments."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Utente(AbstractUser):
    telefono = models.CharField(_("telefono"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("utente")
        verbose_name_plural = _("utenti")


class Ruolo(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", _("Amministratore della piattaforma")
    ENTE_ADMIN = "ente_admin", _("Amministratore dell'ente")
    OFFICE_MANAGER = "office_manager", _("Responsabile d'ufficio")
    OPERATORE = "operatore", _("Operatore")
    SINDACO = "sindaco", _("Ufficio del sindaco")
    OSSERVATORE = "osservatore", _("Osservatore (sola lettura)")


class Incarico(models.Model):
    """A role held by a person in an ente, optionally limited to one office."""

    utente = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="incarichi"
    )
    ruolo = models.CharField(_("ruolo"), max_length=20, choices=Ruolo.choices)
    ente = models.ForeignKey(
        "enti.Ente", on_delete=models.CASCADE, related_name="incarichi", null=True, blank=True,
        help_text=_("Vuoto solo per l'amministratore della piattaforma."),
    )
    ufficio = models.ForeignKey(
        "catalogo.Ufficio", on_delete=models.CASCADE, related_name="incarichi",
        null=True, blank=True, help_text=_("Vuoto: tutto l'ente."),
    )

    class Meta:
        verbose_name = _("incarico")
        verbose_name_plural = _("incarichi")
        constraints = [
            models.UniqueConstraint(
                fields=["utente", "ruolo", "ente", "ufficio"], name="incarico_unico"
            )
        ]

    def __str__(self) -> str:
        dove = self.ufficio or self.ente or _("piattaforma")
        return f"{self.utente} · {self.get_ruolo_display()} · {dove}"
