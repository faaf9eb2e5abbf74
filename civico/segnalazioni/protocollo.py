"""The protocol number (numero di protocollo) the comune's records system gives a report.

Staff may type it (`registra_protocollo`), or a connector asks for it: `invia_al_protocollo` POSTs
the report as JSON to the ente's `protocollo_webhook_url`, signed with HMAC-SHA256 of the shared
secret; the records system answers later on our callback with the same signature, and
`registra_da_callback` stores the number. Both end in the same door.

New reports of an ente with a configured records system are posted by the worker: a receiver of
`eventi.evento_registrato`, connected when this module is imported (SegnalazioniConfig.ready).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Any

import requests
from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from civico.accounts.permissions import RUOLI_OPERATIVI, SISTEMA, Attore, ruoli_attore
from civico.core import rete
from civico.enti.models import Ente
from civico.errors import DomainError, InvalidData, NotAllowed
from civico.segnalazioni import eventi
from civico.segnalazioni.models import Evento, Segnalazione, TipoEvento, Visibilita
from civico.testo import valida_testo

log = logging.getLogger(__name__)

INTESTAZIONE_FIRMA = "X-Civico-Firma"
TIMEOUT_SECONDI = 10


def registra_protocollo(segnalazione: Segnalazione, attore: Attore, numero: str) -> Segnalazione:
    """Store the protocol number (internal event). The same number again changes nothing; a
    different one replaces it and the event keeps the previous, so a typo can be corrected."""
    errori: dict = {}
    numero = valida_testo(numero, "numero_protocollo", 64, errori, obbligatorio=True)
    if errori:
        raise InvalidData(errori)
    with transaction.atomic():
        s = Segnalazione.objects.select_for_update().get(pk=segnalazione.pk)
        if not ruoli_attore(attore, s) & (RUOLI_OPERATIVI | {SISTEMA}):
            raise NotAllowed(_("Solo gli uffici che lavorano la segnalazione possono protocollarla."))
        if (cambio := eventi.cambia(s, "numero_protocollo", numero)) is None:
            return s
        precedente, quando = cambio
        eventi.registra(s, TipoEvento.PROTOCOL, attore, quando=quando, visibilita=Visibilita.INTERNA,
                        dati={"numero_protocollo": numero, "precedente": precedente or None})
    return s


def firma(segreto: str, corpo: bytes) -> str:
    return "sha256=" + hmac.new(segreto.encode(), corpo, hashlib.sha256).hexdigest()


def firma_valida(segreto: str, corpo: bytes, ricevuta: str | None) -> bool:
    return bool(segreto and ricevuta) and hmac.compare_digest(firma(segreto, corpo), ricevuta or "")


def dati_per_il_protocollo(s: Segnalazione) -> dict[str, Any]:
    """What the records system registers: the report and its sender (the same comune's data)."""
    return {
        "codice": s.codice,
        "uuid": str(s.uuid),
        "ente": s.ente.codice_istat,
        "categoria": s.categoria.nome,
        "ufficio": s.ufficio.nome if s.ufficio else None,
        "titolo": s.titolo,
        "descrizione": s.descrizione,
        "indirizzo": s.indirizzo,
        "lat": s.lat,
        "lon": s.lon,
        "creata_il": s.creata_il.isoformat(),
        "mittente": {"nome": s.segnalante_nome, "email": s.segnalante_email, "telefono": s.segnalante_telefono},
        "callback_url": _callback(s.ente),
    }


def _callback(ente: Ente) -> str | None:
    try:
        return settings.CIVICO["BASE_URL"].rstrip("/") + reverse("configurazione:protocollo_callback", args=[ente.slug])
    except NoReverseMatch:  # the configuration pages are not wired in this deployment
        return None


def invia_al_protocollo(segnalazione: Segnalazione) -> bool:
    """POST the report to the ente's records system. True when it accepted it (2xx). A missing
    configuration or a failure is logged and returns False: the report itself is not affected."""
    s = Segnalazione.objects.select_related("ente", "categoria", "ufficio").get(pk=segnalazione.pk)
    ente = s.ente
    if not (ente.protocollo_webhook_url and ente.protocollo_segreto):
        return False
    corpo = json.dumps(dati_per_il_protocollo(s), ensure_ascii=False).encode()
    try:  # through civico.core.rete: never to an address inside our network, no redirects
        risposta = rete.richiesta(
            "POST", ente.protocollo_webhook_url, data=corpo, timeout=TIMEOUT_SECONDI,
            headers={"Content-Type": "application/json; charset=utf-8",
                     INTESTAZIONE_FIRMA: firma(ente.protocollo_segreto, corpo)},
        )
    except requests.RequestException as errore:
        log.warning("protocollo: invio di %s a %s fallito: %s", s.codice, ente.protocollo_webhook_url, errore)
        return False
    risposta.close()
    return 200 <= risposta.status_code < 300


def registra_da_callback(ente: Ente, corpo: bytes, firma_ricevuta: str | None) -> Segnalazione:
    """The records system's answer: a signed JSON body {"codice": …, "numero_protocollo": …}."""
    if not firma_valida(ente.protocollo_segreto, corpo, firma_ricevuta):
        raise NotAllowed(_("Firma non valida."))
    try:
        dati = json.loads(corpo)
        codice, numero = str(dati["codice"]), str(dati["numero_protocollo"])
    except (ValueError, KeyError, TypeError) as errore:
        raise InvalidData({"corpo": [_("Servono «codice» e «numero_protocollo» in JSON.")]}) from errore
    s = Segnalazione.objects.filter(ente=ente, codice=codice.strip().upper()).first()
    if s is None:
        raise DomainError(_("Segnalazione %(codice)s non trovata.") % {"codice": codice[:40]}, code="not_found")
    return registra_protocollo(s, Attore.di_sistema(), numero)


@task()
def invia_al_protocollo_in_background(segnalazione_id: int) -> bool:
    s = Segnalazione.objects.filter(pk=segnalazione_id).first()
    return invia_al_protocollo(s) if s else False


@receiver(eventi.evento_registrato, dispatch_uid="civico.segnalazioni.protocollo.nuova_segnalazione")
def _nuova_segnalazione(sender, evento: Evento, **kwargs) -> None:
    # The worker posts it: intake never waits for the records system. Intake read the ente in
    # this request: its settings are at hand.
    if evento.tipo != TipoEvento.CREATED:
        return
    ente = evento.segnalazione.ente
    if ente.protocollo_webhook_url and ente.protocollo_segreto:
        invia_al_protocollo_in_background.enqueue(evento.segnalazione_id)
