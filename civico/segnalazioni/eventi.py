"""Appending to a report's history, and reading it back as a timeline.

Events store only what the actor wrote and structured data; the default sentences ("La
segnalazione è stata presa in carico.") are rendered at read time, in the reader's language.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from civico.accounts.permissions import Attore
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
    if visibilita not in Visibilita.values:
        raise ValueError(f"visibilità sconosciuta: {visibilita}")
    evento = Evento.objects.create(
        segnalazione=segnalazione,
        ente_id=segnalazione.ente_id,
        tipo=tipo,
        visibilita=visibilita,
        testo=testo,
        stato_da=stato_da,
        stato_a=stato_a,
        transizione=transizione,
        attore=attore.utente if attore.utente and attore.utente.is_authenticated else None,
        attore_pubblico=_nome_pubblico(segnalazione, attore),
        dati={"attore": _tipo_attore(attore), **(dati or {})},
        creato_il=quando,
    )
    if visibilita == Visibilita.PUBBLICA and testo:
        # The list APIs show the latest public word without reading the timeline.
        Segnalazione.objects.filter(pk=segnalazione.pk).update(nota_pubblica=testo)
        segnalazione.nota_pubblica = testo
    evento_aggiunto.send(sender=Evento, evento=evento)
    transaction.on_commit(
        lambda: evento_registrato.send(sender=Evento, evento=evento), robust=True
    )
    return evento


def _tipo_attore(attore: Attore) -> str:
    return "sistema" if attore.sistema else "segnalante" if attore.segnalante else "staff"


def _nome_pubblico(segnalazione: Segnalazione, attore: Attore) -> str:
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
    from civico.segnalazioni.workflow import TRANSIZIONI  # the workflow imports this module

    if evento.testo:
        return evento.testo
    d = evento.dati
    if evento.tipo == TipoEvento.CREATED:
        return _("Segnalazione ricevuta.")
    if evento.tipo in (TipoEvento.ROUTED, TipoEvento.REROUTED):
        return _("Assegnata all'ufficio %(ufficio)s.") % {"ufficio": d.get("ufficio", "—")}
    if evento.tipo == TipoEvento.RECLASSIFIED:
        return _("Categoria cambiata in %(categoria)s.") % {"categoria": d.get("categoria", "—")}
    if evento.tipo == TipoEvento.COMMENT:
        return evento.testo
    if evento.tipo == TipoEvento.ASSIGNED:
        return _("Assegnata a un operatore.")
    if evento.tipo == TipoEvento.MEDIA_ADDED:
        return _("Aggiunto un allegato.")
    if evento.tipo == TipoEvento.STATE_CHANGED:
        if evento.transizione == "mark_duplicate":
            return _("Duplicata di %(codice)s.") % {"codice": d.get("duplicato_di", "—")}
        t = TRANSIZIONI.get(evento.transizione)
        if t and t.testo_predefinito:
            return str(t.testo_predefinito)
    return evento.get_tipo_display()


def cronologia_pubblica(segnalazione: Segnalazione) -> list[Evento]:
    """The public timeline, oldest first. Internal notes never leave the backoffice."""
    return list(segnalazione.eventi.filter(visibilita=Visibilita.PUBBLICA).order_by("creato_il", "id"))


def cronologia_del_segnalante(segnalazione: Segnalazione) -> list[Evento]:
    """What the reporter sees: the public timeline and their messages with the office."""
    return list(
        segnalazione.eventi.exclude(visibilita=Visibilita.INTERNA).order_by("creato_il", "id")
    )
