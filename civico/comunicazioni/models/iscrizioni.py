"""Who follows what, how they want to be told, and the areas they watch."""

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
    # A reporter known only by phone (SMS channel) follows by SMS.
    telefono = models.CharField(max_length=40, blank=True)
    # A reporter known only by another channel's address follows there ({"telegram": chat id}).
    indirizzi = models.JSONField(default=dict, blank=True)
    # Followers without an account hear in the language they followed in (accounts: their preference).
    lingua = models.CharField(max_length=5, default="it")
    creata_il = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("iscrizione")
        verbose_name_plural = _("iscrizioni")
        constraints = [
            models.UniqueConstraint(fields=["segnalazione", "utente"], name="iscrizione_unica_utente"),
            models.UniqueConstraint(
                fields=["segnalazione", "email"], condition=models.Q(utente__isnull=True) & ~models.Q(email=""),
                name="iscrizione_unica_email",
            ),
            models.UniqueConstraint(
                fields=["segnalazione", "telefono"],
                condition=models.Q(utente__isnull=True, email="") & ~models.Q(telefono=""),
                name="iscrizione_unica_telefono",
            ),
            models.CheckConstraint(
                condition=models.Q(utente__isnull=False) | ~models.Q(email="") | ~models.Q(telefono="")
                | ~models.Q(indirizzi={}),
                name="iscrizione_con_destinatario",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.segnalazione_id} ← {self.utente_id or self.email or self.telefono}"


class Lingua(models.TextChoices):
    IT = "it", _("Italiano")
    EN = "en", _("English")


def canali_predefiniti() -> list[str]:
    from civico.comunicazioni.canali import predefiniti

    return predefiniti()


class Preferenze(models.Model):
    """How a person wants to be told: the set of channels they chose (the area personale shows
    every registered channel, comunicazioni/canali/)."""

    utente = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferenze")
    lingua = models.CharField(_("lingua"), max_length=5, choices=Lingua.choices, default=Lingua.IT)
    # Names of channels (the registry's); a name no longer registered is ignored.
    canali = models.JSONField(_("canali"), default=canali_predefiniti, blank=True)
    # Addresses of channels with no field of their own, by channel name (a Telegram chat id).
    indirizzi = models.JSONField(default=dict, blank=True)
    # App IO addresses citizens by codice fiscale (filled from the SPID/CIE sign-in).
    codice_fiscale = models.CharField(_("codice fiscale"), max_length=16, blank=True)
    telefono = models.CharField(_("cellulare per gli SMS"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("preferenze di notifica")
        verbose_name_plural = _("preferenze di notifica")

    def __str__(self) -> str:
        return str(self.utente)


class AbbonamentoPush(models.Model):
    """A browser's Web Push subscription (PushSubscription.toJSON())."""

    utente = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="abbonamenti_push")
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    attivo = models.BooleanField(default=True)
    creato_il = models.DateTimeField(auto_now_add=True)
    # The push service answered 404/410: the browser dropped it; never send there again.
    disattivato_il = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("abbonamento push")
        verbose_name_plural = _("abbonamenti push")

    def __str__(self) -> str:
        return f"{self.utente_id} · {self.endpoint[:60]}"


class TipoArea(models.TextChoices):
    CERCHIO = "cerchio", _("Intorno a un punto")
    QUARTIERE = "quartiere", _("Quartiere")
    COMUNE = "comune", _("Tutto il comune")


class Frequenza(models.TextChoices):
    IMMEDIATA = "immediata", _("Subito")
    GIORNALIERA = "giornaliera", _("Riepilogo giornaliero")


class Allerta(models.Model):
    """"Tell me about new/resolved reports (and avvisi) in this area, of these categories"."""

    ente = models.ForeignKey("enti.Ente", on_delete=models.CASCADE, related_name="allerte")
    utente = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="allerte"
    )
    email = models.EmailField(blank=True)
    nome = models.CharField(_("nome"), max_length=120, blank=True)
    tipo_area = models.CharField(_("area"), max_length=10, choices=TipoArea.choices, default=TipoArea.COMUNE)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    raggio_m = models.PositiveIntegerField(_("raggio (metri)"), default=500)
    quartiere = models.CharField(_("quartiere"), max_length=80, blank=True)
    # Empty: every category.
    categorie = models.ManyToManyField("catalogo.Categoria", blank=True, related_name="+")
    nuove = models.BooleanField(_("nuove segnalazioni"), default=True)
    risolte = models.BooleanField(_("segnalazioni risolte"), default=True)
    avvisi = models.BooleanField(_("avvisi del comune"), default=True)
    frequenza = models.CharField(
        _("frequenza"), max_length=12, choices=Frequenza.choices, default=Frequenza.IMMEDIATA
    )
    attiva = models.BooleanField(default=True)
    creata_il = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("allerta di zona")
        verbose_name_plural = _("allerte di zona")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(utente__isnull=False) | ~models.Q(email=""), name="allerta_con_destinatario"
            ),
        ]
        indexes = [models.Index(fields=["ente", "attiva"], name="allerta_ente_attiva")]

    def __str__(self) -> str:
        return f"{self.nome or self.get_tipo_area_display()} · {self.utente_id or self.email}"


class TipoElemento(models.TextChoices):
    NUOVA = "nuova", _("Nuova segnalazione")
    RISOLTA = "risolta", _("Segnalazione risolta")
    AVVISO = "avviso", _("Avviso")


class ElementoRiepilogo(models.Model):
    """Something waiting for the next daily digest of an alert."""

    allerta = models.ForeignKey(Allerta, on_delete=models.CASCADE, related_name="in_riepilogo")
    tipo = models.CharField(max_length=10, choices=TipoElemento.choices)
    segnalazione = models.ForeignKey("segnalazioni.Segnalazione", on_delete=models.CASCADE, null=True, blank=True)
    avviso = models.ForeignKey("comunicazioni.Avviso", on_delete=models.CASCADE, null=True, blank=True)
    creato_il = models.DateTimeField(auto_now_add=True)
    # Set when a digest took it: the digest's outbox row.
    notifica = models.ForeignKey(
        "comunicazioni.Notifica", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["allerta", "tipo", "segnalazione"], name="riepilogo_unico_segnalazione"),
            models.UniqueConstraint(fields=["allerta", "avviso"], name="riepilogo_unico_avviso"),
        ]

    def __str__(self) -> str:
        return f"{self.allerta_id} · {self.tipo}"


class CanaliEnte(models.Model):
    """The channels an ente has: its inbound addresses and its App IO key."""

    ente = models.OneToOneField("enti.Ente", on_delete=models.CASCADE, related_name="canali")
    email_in_arrivo = models.EmailField(_("indirizzo e-mail per le segnalazioni"), blank=True, db_index=True)
    numero_sms = models.CharField(_("numero SMS per le segnalazioni"), max_length=40, blank=True, db_index=True)
    # A secret: shown only to the ente's administrators.
    chiave_app_io = models.CharField(_("chiave API del servizio App IO"), max_length=100, blank=True)
    # The channels the comune offers its citizens (names in the registry); None: every channel.
    canali_offerti = models.JSONField(_("canali offerti"), null=True, blank=True, default=None)

    class Meta:
        verbose_name = _("canali dell'ente")
        verbose_name_plural = _("canali degli enti")

    def __str__(self) -> str:
        return str(self.ente)
