"""Appending to a report's history, and reading it back as a timeline.

Events store only what the actor wrote and structured data; the default sentences ("La
segnalazione è stata presa in carico.") are rendered at read time, in the reader's language.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.dispatch import Signal
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from civico.accounts.permissions import Attore
from civico.core.inserimento import inserisci_tutti
from civico.moderazione import cancello
from civico.moderazione.testo import pubblico
from civico.segnalazioni.models import Evento, Segnalazione, TipoEvento, Visibilita

# Sent inside the transaction that appends the event: receivers write what must commit or roll
# back with it (the notification outbox). Keep them fast and free of network calls.
evento_aggiunto = Signal()
# Sent after that transaction has committed (never for a rolled-back one): live pages, wake-ups.
evento_registrato = Signal()


def aggiorna(segnalazione: Segnalazione, quando: datetime) -> None:
    """Mark a report as changed: bump the optimistic-lock version and the update time."""
    segnalazione.versione += 1
    segnalazione.aggiornata_il = max(quando, segnalazione.aggiornata_il or quando)


def cambia(segnalazione: Segnalazione, campo: str, valore: Any) -> tuple[Any, datetime] | None:
    """Set one field of a locked report, mark it changed and save it: (the previous value, when),
    or None when it already had that value (nothing is written and no event is due)."""
    precedente = getattr(segnalazione, campo)
    if precedente == valore:
        return None
    setattr(segnalazione, campo, valore)
    quando = timezone.now()
    aggiorna(segnalazione, quando)
    segnalazione.save()
    return precedente, quando


@dataclass(frozen=True)
class NuovoEvento:
    """One event to append with `registra_tutti` (the fields of `registra`)."""

    tipo: str
    attore: Attore
    visibilita: str = Visibilita.PUBBLICA
    testo: str = ""
    stato_da: str = ""
    stato_a: str = ""
    transizione: str = ""
    dati: dict | None = None


def registra(
    segnalazione: Segnalazione,
    tipo: str,
    attore: Attore,
    *,
    quando: datetime,
    visibilita: str = Visibilita.PUBBLICA,
    testo: str = "",
    stato_da: str = "",
    stato_a: str = "",
    transizione: str = "",
    dati: dict | None = None,
) -> Evento:
    """Append one event. Call inside the transaction that made the change it records."""
    nuovo, mascherati = _al_cancello(NuovoEvento(tipo, attore, visibilita, testo, stato_da, stato_a, transizione, dati))
    evento = _evento(segnalazione, nuovo, quando)
    evento.save()
    if mascherati is not None:
        cancello.conserva_originale_evento(evento, mascherati)
    _annunciato(segnalazione, evento)
    return evento


def registra_tutti(segnalazione: Segnalazione, nuovi: list[NuovoEvento], *, quando: datetime) -> list[Evento]:
    """Append the events of one change in one INSERT (a new report: received, routed), then
    announce each in order, as `registra` would have. Call inside the transaction of the change."""
    passati = [_al_cancello(n) for n in nuovi]
    # One statement built once per number of rows (core.inserimento): what bulk_create does, without its compiling.
    creati = inserisci_tutti([_evento(segnalazione, n, quando) for n, _m in passati])
    for evento, (_n, mascherati) in zip(creati, passati, strict=True):
        if mascherati is not None:
            cancello.conserva_originale_evento(evento, mascherati)
        _annunciato(segnalazione, evento)
    return creati


def _al_cancello(n: NuovoEvento) -> tuple[NuovoEvento, cancello.Mascherati | None]:
    """A citizen's words that the public will read ("risolto? no, perché…", also the report's
    latest public word and Open311's status_notes) pass the masking gate like the report's own
    text; what it hid is kept for the staff. Staff write in the office's name and may publish the
    office's numbers: their words are theirs to check."""
    if not (n.testo and n.attore.segnalante and n.visibilita == Visibilita.PUBBLICA):
        return n, None
    mascherati = cancello.maschera_campi(testo=n.testo)
    if not mascherati.originali:
        return n, None
    return replace(n, testo=mascherati.testi["testo"]), mascherati


def _evento(segnalazione: Segnalazione, n: NuovoEvento, quando: datetime) -> Evento:
    if n.visibilita not in Visibilita.values:
        raise ValueError(f"visibilità sconosciuta: {n.visibilita}")
    attore = n.attore
    return Evento(
        segnalazione=segnalazione,
        ente_id=segnalazione.ente_id,
        tipo=n.tipo,
        visibilita=n.visibilita,
        testo=n.testo,
        stato_da=n.stato_da,
        stato_a=n.stato_a,
        transizione=n.transizione,
        attore=attore.utente if attore.utente and attore.utente.is_authenticated else None,
        attore_pubblico=nome_pubblico(segnalazione, attore),
        dati={"attore": _tipo_attore(attore), **(n.dati or {})},
        creato_il=quando,
    )


def _annunciato(segnalazione: Segnalazione, evento: Evento) -> None:
    """What follows an appended event: the latest public word, the outbox, the after-commit news."""
    if evento.visibilita == Visibilita.PUBBLICA and evento.testo:
        # The list APIs show the latest public word without reading the timeline.
        Segnalazione.objects.filter(pk=segnalazione.pk).update(nota_pubblica=evento.testo)
        segnalazione.nota_pubblica = evento.testo
    evento_aggiunto.send(sender=Evento, evento=evento)
    transaction.on_commit(
        lambda: evento_registrato.send(sender=Evento, evento=evento), robust=True
    )


def _tipo_attore(attore: Attore) -> str:
    return "sistema" if attore.sistema else "segnalante" if attore.segnalante else "staff"


def nome_pubblico(segnalazione: Segnalazione, attore: Attore) -> str:
    """Staff act publicly in the name of their office, never with their own name."""
    if attore.sistema or attore.segnalante:
        return ""  # rendered in the reader's language by `chi()`
    if attore.nome_pubblico:
        return attore.nome_pubblico
    return segnalazione.ufficio.nome if segnalazione.ufficio else segnalazione.ente.nome


def chi(evento: Evento) -> str:
    """Who did it, as the public sees it."""
    tipo = evento.dati.get("attore")
    if tipo == "sistema":
        return _("Sistema")
    if tipo == "segnalante":
        return _("Segnalante")
    return evento.attore_pubblico


def descrizione(evento: Evento) -> str:
    """The sentence a reader sees for an event, in the active language."""
    return Descrizioni().di(evento.tipo, evento.testo, evento.visibilita, evento.transizione, evento.dati)


# What each default sentence reads of an event's `dati`: `_frase` is given these keys only, so a
# sentence is a function of (type, transition, these values) and a list works each out once.
_LETTI: dict[str, tuple[str, ...]] = {
    TipoEvento.ROUTED: ("ufficio",),
    TipoEvento.REROUTED: ("ufficio",),
    TipoEvento.RECLASSIFIED: ("categoria",),
    TipoEvento.WORK_ORDER: ("cambio", "data_prevista"),
    TipoEvento.LOCATED: ("indirizzo",),
    TipoEvento.STATE_CHANGED: ("duplicato_di",),
}


class Descrizioni:
    """The sentences of many events (a list's timelines, read as plain values) in the active
    language: each default sentence is translated once per list, not once per event; a
    citizen's public words pass the masking gate (`pubblico`)."""

    def __init__(self) -> None:
        self._frasi: dict[tuple, str] = {}
        # JSON text of `dati` → its value, and (type, transition, that text) → sentence: a list's
        # events share few distinct `dati` ({"attore": "sistema"}), each decoded and worded once.
        self._dati: dict[str, dict[str, Any]] = {}
        self._per_json: dict[tuple[str, str, str], str] = {}

    def di(self, tipo: str, testo: str, visibilita: str, transizione: str, dati: dict) -> str:
        if testo:
            if visibilita == Visibilita.PUBBLICA and dati.get("attore") == "segnalante":
                # Masked when written (`_al_cancello`); again here, cheaply, for rows written before that.
                return pubblico(testo)
            return testo
        return self._frase(tipo, transizione, dati)

    def di_json(self, tipo: str, testo: str, visibilita: str, transizione: str, dati: str | None) -> str:
        """`di` of an event read as plain values, its `dati` as the database's JSON text."""
        if testo:
            return self.di(tipo, testo, visibilita, transizione, self._decodifica(dati))
        chiave = (tipo, transizione, dati or "")
        frase = self._per_json.get(chiave)
        if frase is None:
            frase = self._per_json[chiave] = self._frase(tipo, transizione, self._decodifica(dati))
        return frase

    def _decodifica(self, dati: str | None) -> dict[str, Any]:
        if not dati:
            return {}
        valore = self._dati.get(dati)
        if valore is None:
            valore = self._dati[dati] = json.loads(dati)
        return valore

    def _frase(self, tipo: str, transizione: str, dati: dict) -> str:
        letti = {k: dati[k] for k in _LETTI.get(tipo, ()) if k in dati}
        try:
            chiave = (tipo, transizione, *letti.items())
            frase = self._frasi.get(chiave)
        except TypeError:  # a value that cannot be a key (a list): worked out every time
            return _frase(tipo, transizione, letti)
        if frase is None:
            frase = self._frasi[chiave] = _frase(tipo, transizione, letti)
        return frase


def _frase(tipo: str, transizione: str, d: dict[str, Any]) -> str:
    """The default sentence of an event without words of its own."""
    from civico.segnalazioni.workflow import TRANSIZIONI  # the workflow imports this module

    if tipo == TipoEvento.CREATED:
        return _("Segnalazione ricevuta.")
    if tipo in (TipoEvento.ROUTED, TipoEvento.REROUTED):
        return _("Assegnata all'ufficio %(ufficio)s.") % {"ufficio": d.get("ufficio", "—")}
    if tipo == TipoEvento.RECLASSIFIED:
        return _("Categoria cambiata in %(categoria)s.") % {"categoria": d.get("categoria", "—")}
    if tipo == TipoEvento.COMMENT:
        return ""
    if tipo == TipoEvento.ASSIGNED:
        return _("Assegnata a un operatore.")
    if tipo == TipoEvento.MEDIA_ADDED:
        return _("Aggiunto un allegato.")
    if tipo == TipoEvento.WORK_ORDER:
        return _descrizione_intervento(d)
    if tipo == TipoEvento.LOCATED:
        return _("Posizionata sulla mappa: %(indirizzo)s.") % {"indirizzo": d.get("indirizzo") or "—"}
    if tipo == TipoEvento.STATE_CHANGED:
        if transizione == "mark_duplicate":
            return _("Duplicata di %(codice)s.") % {"codice": d.get("duplicato_di", "—")}
        t = TRANSIZIONI.get(transizione)
        if t and t.testo_predefinito:
            return str(t.testo_predefinito)
    return str(_TIPI.get(tipo, tipo))  # what get_tipo_display() gives


_TIPI = dict(TipoEvento.choices)


def _descrizione_intervento(d: dict[str, Any]) -> str:
    """A work order's news for the citizen: joined, new planned date, taken out, cancelled.
    The planned date is their answer to "when?": shown; the crew and cost are not."""
    cambio = d.get("cambio", "aggiunta")
    if cambio == "rimossa":
        return _("Tolta dall'intervento programmato: la data prevista non vale più.")
    if cambio == "annullato":
        return _("L'intervento programmato è stato annullato: la segnalazione resta aperta.")
    prevista = None
    try:
        prevista = date.fromisoformat(d["data_prevista"]) if d.get("data_prevista") else None
    except (TypeError, ValueError):
        prevista = None
    if cambio == "data":
        if prevista is None:
            return _("La data prevista dei lavori è da definire.")
        return _("Nuova data prevista dei lavori: %(data)s.") % {
            "data": formats.date_format(prevista, "SHORT_DATE_FORMAT")}
    if prevista is None:
        return _("Inserita in un intervento programmato.")
    return _("Inserita in un intervento: lavori previsti per il %(data)s.") % {
        "data": formats.date_format(prevista, "SHORT_DATE_FORMAT")}


def cronologia_pubblica(segnalazione: Segnalazione) -> list[Evento]:
    """The public timeline, oldest first. Internal notes never leave the backoffice."""
    return list(segnalazione.eventi.filter(visibilita=Visibilita.PUBBLICA).order_by("creato_il", "id"))


def cronologia_del_segnalante(segnalazione: Segnalazione) -> list[Evento]:
    """What the reporter sees: the public timeline and their messages with the office."""
    return list(
        segnalazione.eventi.exclude(visibilita=Visibilita.INTERNA).order_by("creato_il", "id")
    )
