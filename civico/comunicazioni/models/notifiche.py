"""The outbox: one row per recipient and channel, written with the event; and each attempt."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CanaleConsegna(models.TextChoices):
    """The built-in delivery channels, by name, for code that means one of them (a sign-in link
    goes by e-mail). The full list, with labels, is the registry (comunicazioni/canali/): not
    to be confused with segnalazioni.models.Canale, the way a report arrived."""

    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    PUSH = "push", _("Notifica push")
    APP_IO = "app_io", _("App IO")


def scelte_canale() -> list:
    """Every registered channel: a callable, so a new channel needs no migration."""
    from civico.comunicazioni.canali import scelte

    return scelte()


class StatoNotifica(models.TextChoices):
    IN_ATTESA = "pending", _("In attesa")
    IN_INVIO = "sending", _("In invio")
    INVIATA = "sent", _("Inviata")
    FALLITA = "failed", _("Non consegnata")


class Notifica(models.Model):
    # sha256 of "origin:channel:address": the same event never reaches the same address twice
    # on the same channel, and it is the e-mail's Message-ID.
    chiave = models.CharField(max_length=64, unique=True)
    canale = models.CharField(_("canale"), max_length=10, choices=scelte_canale)
    # E-mail address, phone number, codice fiscale, or the push subscription's id.
    indirizzo = models.CharField(_("destinatario"), max_length=1000)
    utente = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lingua = models.CharField(max_length=5, default="it")
    segnalazione = models.ForeignKey(
        "segnalazioni.Segnalazione", on_delete=models.CASCADE, null=True, blank=True, related_name="notifiche"
    )
    evento = models.ForeignKey(
        "segnalazioni.Evento", on_delete=models.DO_NOTHING, null=True, blank=True, related_name="+"
    )
    ente = models.ForeignKey("enti.Ente", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # Why it was sent: "evento", "allerta", "riepilogo", "avviso", "risposta", "sindaco".
    motivo = models.CharField(max_length=20)
    oggetto = models.CharField(_("oggetto"), max_length=250)
    testo = models.TextField(_("testo"))
    html = models.TextField(blank=True)
    # Channel extras: headers (List-Unsubscribe, In-Reply-To), push URL…
    dati = models.JSONField(default=dict, blank=True)
    stato = models.CharField(
        _("stato"), max_length=10, choices=StatoNotifica.choices, default=StatoNotifica.IN_ATTESA
    )
    tentativi = models.PositiveIntegerField(_("tentativi"), default=0)
    prossimo_tentativo_il = models.DateTimeField(_("prossimo tentativo"))
    in_invio_dal = models.DateTimeField(null=True, blank=True)
    ultimo_errore = models.TextField(_("ultimo errore"), blank=True)
    id_esterno = models.CharField(max_length=200, blank=True)
    creata_il = models.DateTimeField(_("creata il"))
    inviata_il = models.DateTimeField(_("inviata il"), null=True, blank=True)

    class Meta:
        verbose_name = _("notifica")
        verbose_name_plural = _("notifiche")
        ordering = ["creata_il", "id"]
        indexes = [
            models.Index(fields=["stato", "prossimo_tentativo_il"], name="notifica_da_consegnare"),
            # Today's alerts to one address (allerte: the daily cap per person and channel).
            models.Index(fields=["indirizzo", "creata_il"], name="notifica_per_indirizzo"),
        ]

    def __str__(self) -> str:
        return f"{self.get_canale_display()} → {self.indirizzo[:40]} · {self.get_stato_display()}"


class EsitoTentativo(models.TextChoices):
    OK = "ok", _("Consegnata")
    TEMPORANEO = "temporaneo", _("Errore temporaneo")
    PERMANENTE = "permanente", _("Errore definitivo")


class TentativoConsegna(models.Model):
    notifica = models.ForeignKey(Notifica, on_delete=models.CASCADE, related_name="tentativi_consegna")
    numero = models.PositiveIntegerField()
    iniziato_il = models.DateTimeField()
    durata_ms = models.PositiveIntegerField(default=0)
    esito = models.CharField(max_length=12, choices=EsitoTentativo.choices)
    errore = models.TextField(blank=True)

    class Meta:
        ordering = ["notifica", "numero"]

    def __str__(self) -> str:
        return f"{self.notifica_id} #{self.numero}: {self.esito}"


class EventoDaScrivere(models.Model):
    """A new report's first event whose outbox rows (the receipt, the office's "new report") the
    worker writes: inserted in intake's transaction, so an acknowledged report never loses them;
    deleted in the transaction that writes them (outbox.scrivi_sospesi), or found by the sweeper."""

    evento = models.OneToOneField("segnalazioni.Evento", on_delete=models.CASCADE, primary_key=True,
                                  related_name="+")
    creato_il = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["creato_il"]

    def __str__(self) -> str:
        return f"evento {self.evento_id}"
