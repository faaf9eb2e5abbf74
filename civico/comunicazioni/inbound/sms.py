"""An SMS to the comune's number: the provider's webhook gives it to the conversation
(inbound/conversazione.py), which makes "BUCA via Dante 12" a report and asks by reply what is
missing; the reply goes back by SMS through the outbox."""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import strip_tags

from civico.comunicazioni.impostazioni import impostazione
from civico.comunicazioni.inbound.conversazione import EsitoConversazione, conversa
from civico.comunicazioni.inbound.risposte import rispondi
from civico.comunicazioni.models import CanaliEnte, MessaggioInArrivo
from civico.enti.models import Ente
from civico.formati.telefono import normalizza_telefono
from civico.segnalazioni.models import Segnalazione

logger = logging.getLogger(__name__)

MAX_TESTO = 1000


@dataclass(frozen=True)
class EsitoSmsInArrivo:
    azione: str  # creata, richiesta, annullata, ignorata, duplicata
    risposta: str = ""  # the reply, for providers that answer inline
    segnalazione: Segnalazione | None = None


def ente_per_numero(numero: str) -> Ente | None:
    if numero:
        cercato = normalizza_telefono(numero)
        for canali in CanaliEnte.objects.exclude(numero_sms="").filter(ente__attivo=True).select_related("ente"):
            if normalizza_telefono(canali.numero_sms) == cercato:
                return canali.ente
    if slug := impostazione("SMS_ENTE_PREDEFINITO"):
        return Ente.objects.filter(slug=slug, attivo=True).first()
    return None


def ricevi(da: str, a: str, testo: str, id_messaggio: str = "") -> EsitoSmsInArrivo:
    telefono = normalizza_telefono(da or "")
    if len(telefono) < 7:
        logger.warning("SMS senza un mittente valido (%r): ignorato", da)
        return EsitoSmsInArrivo("ignorata")
    testo = " ".join(strip_tags(testo or "").replace("<", " ").split())[:MAX_TESTO]
    chiave = hashlib.sha256(f"sms:{id_messaggio or uuid.uuid4()}".encode()).hexdigest()
    if id_messaggio and MessaggioInArrivo.objects.filter(chiave=chiave).exists():
        return EsitoSmsInArrivo("duplicata")
    ente = ente_per_numero(a)
    if ente is None:
        esito = EsitoSmsInArrivo("ignorata")
    else:
        with transaction.atomic():
            esito = _rispondi(ente, telefono, chiave, conversa(
                ente, canale="sms", mittente=telefono, testo=testo, chiave=chiave))
    try:
        with transaction.atomic():
            MessaggioInArrivo.objects.create(
                chiave=chiave, canale="sms", mittente=telefono, ente=ente, oggetto=testo[:250], esito=esito.azione,
                dettaglio=esito.risposta, segnalazione=esito.segnalazione, ricevuto_il=timezone.now(),
            )
    except IntegrityError:
        pass
    return esito


def _rispondi(ente: Ente, telefono: str, chiave: str, esito: EsitoConversazione) -> EsitoSmsInArrivo:
    if esito.righe:
        rispondi(ente, origine=chiave, telefono=telefono, oggetto="SMS", righe=esito.righe)
    return EsitoSmsInArrivo(esito.azione, esito.testo, esito.segnalazione)
