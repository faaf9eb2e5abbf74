"""An SMS to the comune's number: "BUCA via Dante 12" becomes a report of that category at that
address. What is missing (the problem, the place, a required answer such as the size of the
hole) is asked by reply, and the next SMS from the same number completes the report; the
conversation is forgotten after a day or on "ANNULLA"."""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from civico.catalogo import services as catalogo
from civico.comunicazioni.destinatari import normalizza_telefono
from civico.comunicazioni.impostazioni import impostazione
from civico.comunicazioni.inbound import testo as lettura
from civico.comunicazioni.inbound.risposte import rispondi
from civico.comunicazioni.models import CanaliEnte, ConversazioneSms, MessaggioInArrivo
from civico.enti.models import Ente
from civico.errors import DomainError, InvalidData
from civico.segnalazioni import intake
from civico.segnalazioni.intake import MAX_DESCRIZIONE, MAX_TITOLO
from civico.segnalazioni.models import Canale, Segnalazione

logger = logging.getLogger(__name__)

DURATA_CONVERSAZIONE = timedelta(days=1)
MAX_TESTO = 1000


@dataclass(frozen=True)
class Esito:
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


def ricevi(da: str, a: str, testo: str, id_messaggio: str = "") -> Esito:
    telefono = normalizza_telefono(da or "")
    if len(telefono) < 7:
        logger.warning("SMS senza un mittente valido (%r): ignorato", da)
        return Esito("ignorata")
    testo = " ".join(strip_tags(testo or "").replace("<", " ").split())[:MAX_TESTO]
    chiave = hashlib.sha256(f"sms:{id_messaggio or uuid.uuid4()}".encode()).hexdigest()
    if id_messaggio and MessaggioInArrivo.objects.filter(chiave=chiave).exists():
        return Esito("duplicata")
    ente = ente_per_numero(a)
    if ente is None:
        esito = Esito("ignorata")
    else:
        with transaction.atomic():
            esito = _conversa(ente, telefono, testo, chiave)
    try:
        with transaction.atomic():
            MessaggioInArrivo.objects.create(
                chiave=chiave, canale="sms", mittente=telefono, ente=ente, oggetto=testo[:250], esito=esito.azione,
                dettaglio=esito.risposta, segnalazione=esito.segnalazione, ricevuto_il=timezone.now(),
            )
    except IntegrityError:
        pass
    return esito


def _conversa(ente: Ente, telefono: str, testo: str, chiave: str) -> Esito:
    adesso = timezone.now()
    conv = ConversazioneSms.objects.select_for_update().filter(telefono=telefono).first()
    if conv and (conv.ente_id != ente.pk or conv.aggiornata_il < adesso - DURATA_CONVERSAZIONE):
        conv.delete()
        conv = None
    if testo.strip().upper() in ("ANNULLA", "STOP", "CANCEL"):
        if conv:
            conv.delete()
        return _rispondi(ente, telefono, chiave, "annullata", [lambda: _("Segnalazione annullata.")])
    if not testo:
        return _rispondi(ente, telefono, chiave, "richiesta", [lambda: _(
            "Scrivi il problema e l'indirizzo, per esempio: BUCA via Roma 12.")])
    dati = conv.dati if conv else {"testi": []}
    dati["testi"].append(testo)
    tutto = " ".join(dati["testi"])
    if not dati.get("categoria"):
        trovata = lettura.categoria(ente, tutto)
        dati["categoria"] = trovata.codice if trovata else ""
    if not dati.get("lat"):
        luogo = lettura.trova_indirizzo(ente, tutto)
        if luogo:
            dati.update(lat=luogo.lat, lon=luogo.lon, indirizzo=luogo.testo)
    categoria = catalogo.trova_categoria(ente, dati["categoria"]) if dati["categoria"] else None
    risposte = dict(dati.get("risposte", {}))
    if categoria:
        risposte.update({k: v for k, v in lettura.risposte_dal_testo(categoria, testo).items() if k not in risposte})
    dati["risposte"] = risposte

    domanda = None
    if categoria is None:
        domanda = lambda: _("Che problema vuoi segnalare? Per esempio: BUCA, LAMPIONE spento, RIFIUTI.")  # noqa: E731
    elif not dati.get("lat"):
        domanda = lambda: _("Dove? Scrivi la via e il numero civico, per esempio: via Roma 12.")  # noqa: E731
    elif mancanti := lettura.domande_mancanti(categoria, risposte):
        domanda = lambda d=mancanti[0]: lettura.come_si_risponde(d)  # noqa: E731
    if domanda is not None:
        ConversazioneSms.objects.update_or_create(
            telefono=telefono, defaults={"ente": ente, "dati": dati, "aggiornata_il": adesso}
        )
        return _rispondi(ente, telefono, chiave, "richiesta", [domanda])

    if conv:
        conv.delete()
    nuova = intake.NuovaSegnalazione(
        lat=dati["lat"], lon=dati["lon"], titolo=dati["testi"][0][:MAX_TITOLO], categoria=categoria.codice,
        descrizione=tutto[:MAX_DESCRIZIONE], canale=Canale.SMS, indirizzo=dati["indirizzo"], risposte=risposte,
        telefono=telefono, ente=ente,
    )
    try:
        # The receipt (code and link) reaches the reporter through the outbox, by SMS.
        ricevuta = intake.submit(nuova, chiave_idempotenza=f"sms:{chiave[:48]}")
    except (InvalidData, DomainError) as exc:
        return _rispondi(ente, telefono, chiave, "richiesta", [
            lambda: _("Non siamo riusciti a registrare la segnalazione:"), str(exc)])
    return Esito("creata", "", ricevuta.segnalazione)


def _rispondi(ente: Ente, telefono: str, chiave: str, azione: str, righe: list) -> Esito:
    rispondi(ente, origine=chiave, telefono=telefono, oggetto="SMS", righe=righe)
    return Esito(azione, " ".join(str(r() if callable(r) else r) for r in righe))
