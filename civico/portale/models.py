"""The portal's own data: drafts of reports and their files, sign-in links, confirmed addresses,
ratings of the service and anonymous ratings of the pages."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from civico.segnalazioni.models import TipoAllegato


def _chiave_idempotenza() -> str:
    return f"bozza-{secrets.token_hex(24)}"


def _percorso_file_bozza(istanza: FileBozza, nome: str) -> str:
    return f"bozze/{istanza.bozza.uuid}/{nome}"


class Bozza(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dati = models.JSONField(default=dict, blank=True)
    chiave = models.CharField(max_length=64, unique=True, editable=False, default=_chiave_idempotenza)
    sessione = models.CharField(max_length=40, blank=True, db_index=True)
    utente = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="bozze"
    )
    ente = models.ForeignKey("enti.Ente", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    segnalazione = models.ForeignKey(
        "segnalazioni.Segnalazione", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    creata_il = models.DateTimeField(auto_now_add=True)
    aggiornata_il = models.DateTimeField(auto_now=True)
    scade_il = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("bozza di segnalazione")
        verbose_name_plural = _("bozze di segnalazione")

    def __str__(self) -> str:
        return str(self.uuid)


class FileBozza(models.Model):
    bozza = models.ForeignKey(Bozza, on_delete=models.CASCADE, related_name="file")
    tipo = models.CharField(max_length=10, choices=TipoAllegato.choices)
    file = models.FileField(upload_to=_percorso_file_bozza, max_length=255)
    miniatura = models.FileField(upload_to=_percorso_file_bozza, max_length=255, blank=True)
    nome_originale = models.CharField(max_length=255, blank=True)
    dimensione = models.PositiveIntegerField()
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    creato_il = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.nome_originale or self.file.name


class LinkAccesso(models.Model):
    nonce_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField()
    creato_il = models.DateTimeField(auto_now_add=True)
    usato_il = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.email


class IndirizzoConfermato(models.Model):
    utente = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="indirizzi_confermati"
    )
    email = models.EmailField()
    confermato_il = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["utente", "email"], name="indirizzo_confermato_unico")]

    def __str__(self) -> str:
        return self.email


class ValutazioneServizio(models.Model):
    bozza = models.OneToOneField(
        Bozza, on_delete=models.SET_NULL, null=True, blank=True, related_name="valutazione"
    )
    ente = models.ForeignKey("enti.Ente", on_delete=models.CASCADE, null=True, related_name="+")
    voto = models.PositiveSmallIntegerField(_("voto"))
    commento = models.TextField(_("commento"), blank=True)
    creata_il = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("valutazione del servizio")
        verbose_name_plural = _("valutazioni del servizio")
        constraints = [models.CheckConstraint(condition=models.Q(voto__gte=1, voto__lte=5), name="voto_da_1_a_5")]

    def __str__(self) -> str:
        return f"{self.voto}/5"


# The follow-up answers of the Designers Italia model (AgID criterion C.SI.2.5), in its words:
# asked after 4-5 stars ("what did you like?") and after 1-3 stars ("where did you struggle?").
ASPETTI_POSITIVI = [
    ("chiare", _("Le indicazioni erano chiare")),
    ("complete", _("Le indicazioni erano complete")),
    ("orientamento", _("Capivo sempre che stavo procedendo correttamente")),
    ("nessun-problema", _("Non ho avuto problemi tecnici")),
    ("altro-positivo", _("Altro")),
]
ASPETTI_NEGATIVI = [
    ("poco-chiare", _("A volte le indicazioni non erano chiare")),
    ("incomplete", _("A volte le indicazioni non erano complete")),
    ("disorientamento", _("A volte non capivo se stavo procedendo correttamente")),
    ("problemi-tecnici", _("Ho avuto problemi tecnici")),
    ("altro-negativo", _("Altro")),
]
MAX_DETTAGLIO_VALUTAZIONE = 200


class ValutazionePagina(models.Model):
    """One "Quanto sono chiare le informazioni su questa pagina?" vote on a page, with the model's
    follow-up answer and free text. Nothing about who voted: no user, address or session; the day
    only, so a vote cannot be matched to a request in the server's logs; the text is stored masked
    (civico.moderazione.cancello), never as typed."""

    pagina = models.CharField(_("pagina"), max_length=200)
    voto = models.PositiveSmallIntegerField(_("voto"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    aspetto = models.CharField(_("aspetto"), max_length=20, blank=True,
                               choices=[*ASPETTI_POSITIVI, *ASPETTI_NEGATIVI])
    dettaglio = models.CharField(_("dettaglio"), max_length=MAX_DETTAGLIO_VALUTAZIONE, blank=True)
    creata_il = models.DateField(_("giorno"))

    class Meta:
        verbose_name = _("valutazione di una pagina")
        verbose_name_plural = _("valutazioni delle pagine")
        indexes = [models.Index(fields=["pagina", "creata_il"], name="valutazione_pagina_giorno")]
        constraints = [
            models.CheckConstraint(condition=models.Q(voto__gte=1, voto__lte=5), name="valutazione_pagina_voto")
        ]

    def __str__(self) -> str:
        return f"{self.pagina}: {self.voto}"
