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


class ApplicazioneClient(models.Model):
    """A client application allowed to submit reports through the APIs (Open311 api_key).

    Only a hash of the key is stored; the key itself is shown once, when it is created.
    """

    ente = models.ForeignKey(
        "enti.Ente", on_delete=models.CASCADE, related_name="applicazioni", null=True, blank=True,
        help_text=_("Vuoto: può inviare segnalazioni a ogni comune attivo."),
    )
    nome = models.CharField(_("nome"), max_length=120)
    contatto = models.EmailField(_("e-mail dello sviluppatore"), blank=True)
    prefisso = models.CharField(max_length=12, db_index=True, editable=False)
    chiave_hash = models.CharField(max_length=64, unique=True, editable=False)
    limite_al_minuto = models.PositiveIntegerField(_("richieste di scrittura al minuto"), default=60)
    attiva = models.BooleanField(_("attiva"), default=True)
    creata_il = models.DateTimeField(auto_now_add=True)
    revocata_il = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("applicazione client")
        verbose_name_plural = _("applicazioni client")

    def __str__(self) -> str:
        return f"{self.nome} ({self.prefisso}…)"


class TokenAccesso(models.Model):
    """A staff member's personal API token (JSON API, `Authorization: Bearer …`). Hashed."""

    utente = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="token")
    nome = models.CharField(_("nome"), max_length=120)
    prefisso = models.CharField(max_length=12, db_index=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    creato_il = models.DateTimeField(auto_now_add=True)
    usato_il = models.DateTimeField(null=True, blank=True)
    revocato_il = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("token di accesso")
        verbose_name_plural = _("token di accesso")

    def __str__(self) -> str:
        return f"{self.nome} ({self.prefisso}…)"
