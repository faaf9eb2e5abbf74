"""Work orders (interventi): several reports fixed by one crew or contractor on a planned date.

Adding a report writes a public event on it: the citizen sees that the repair is planned and
when, which answers the most common question ("ci sono novità?") before it is asked. The work
order's title, crew and costs stay internal: they may name contractors and are for analytics.

Closing resolves every open report of the work order with one public message, through the
workflow's door, in one transaction. A report that cannot be resolved (rejected, merged, outside
the actor's office…) is listed in the result with the reason, never skipped silently. A report
still "received" is taken in charge on the way by an internal step: its citizens get one
message, the resolution, not a "presa in carico" in the same second.

An open order can be edited (crew, planned date, estimate, notes; the actual cost and notes also
once closed), cancelled with a reason, and a report can be taken out of it. Every change to an
order appends an `EventoIntervento` (its history on the order page); every change a citizen
should know of (joined an order, the planned date moved, taken out, order cancelled) appends a
public `work_order` event on the reports concerned, which the outbox sends to their followers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civico.accounts.permissions import RUOLI_OPERATIVI, Attore, puo_lavorare_in_ente, ruoli_attore
from civico.enti.models import Ente
from civico.errors import Conflict, DomainError, InvalidData, NotAllowed
from civico.segnalazioni import eventi, workflow
from civico.segnalazioni.models import (
    EventoIntervento,
    Intervento,
    Segnalazione,
    StatoIntervento,
    TipoEvento,
    TipoEventoIntervento,
)
from civico.stati import Stato
from civico.testo import MAX_DESCRIZIONE, valida_testo

MAX_NOTE = 4000
MAX_MOTIVO = 1000
# What can still change once an order is closed: the bill arrives after the crew.
MODIFICABILI_DA_CHIUSO = frozenset({"costo_effettivo", "note"})


@dataclass
class EsitoChiusura:
    intervento: Intervento
    risolte: list[Segnalazione] = field(default_factory=list)
    gia_risolte: list[Segnalazione] = field(default_factory=list)
    # (report, the reason it stayed as it was), for the page to show.
    non_risolte: list[tuple[Segnalazione, str]] = field(default_factory=list)


def lavora_nell_ente(attore: Attore, ente: Ente) -> bool:
    """A working role somewhere in this ente (or on the whole platform): the permission module's rule."""
    return puo_lavorare_in_ente(attore.utente, ente)


def crea_intervento(
    ente: Ente,
    attore: Attore,
    titolo: str,
    segnalazioni: Iterable[Segnalazione] = (),
    *,
    squadra_o_ditta: str = "",
    data_prevista: date | None = None,
    costo_stimato: Decimal | None = None,
) -> Intervento:
    errori: dict = {}
    titolo = valida_testo(titolo, "titolo", 200, errori, obbligatorio=True)
    squadra_o_ditta = valida_testo(squadra_o_ditta, "squadra_o_ditta", 200, errori)
    _costo(costo_stimato, "costo_stimato", errori)
    if errori:
        raise InvalidData(errori)
    if not lavora_nell_ente(attore, ente):
        raise NotAllowed(_("Non hai un ruolo operativo in questo comune."))
    segnalazioni = list(segnalazioni)
    with transaction.atomic():
        # The reports are locked first: a second identical click waits here, then finds them taken.
        _blocca(segnalazioni)
        gia = intervento_aperto_con(segnalazioni)
        if gia is not None:
            raise Conflict(
                _("Queste segnalazioni sono già nell'intervento aperto «%(t)s».") % {"t": gia.titolo},
                code="intervento_esistente",
            )
        intervento = Intervento.objects.create(
            ente=ente, titolo=titolo, squadra_o_ditta=squadra_o_ditta, data_prevista=data_prevista,
            costo_stimato=costo_stimato, creato_da=attore.utente, creato_il=timezone.now(),
        )
        _storia(intervento, attore, TipoEventoIntervento.CREATO, dati={"campi": {
            k: [None, _json(v)] for k, v in (("titolo", titolo), ("squadra_o_ditta", squadra_o_ditta),
                                            ("data_prevista", data_prevista), ("costo_stimato", costo_stimato)) if v
        }})
        _aggiungi(intervento, attore, segnalazioni)
    return intervento


def _blocca(segnalazioni: Iterable[Segnalazione]) -> None:
    pk = sorted({s.pk for s in segnalazioni})
    list(Segnalazione.objects.select_for_update().filter(pk__in=pk).order_by("pk").values_list("pk", flat=True))


def in_interventi_aperti(pk: Iterable[int]) -> set[int]:
    """Which of these reports are already in an open work order."""
    return set(Intervento.segnalazioni.through.objects.filter(
        segnalazione_id__in=list(pk), intervento__stato=StatoIntervento.APERTO,
    ).values_list("segnalazione_id", flat=True))


def intervento_aperto_con(segnalazioni: Iterable[Segnalazione]) -> Intervento | None:
    """The open work order that already holds every one of these reports, if any."""
    pk = {s.pk for s in segnalazioni}
    if not pk:
        return None
    candidati = Intervento.objects.filter(stato=StatoIntervento.APERTO, segnalazioni__in=pk).distinct()
    for candidato in candidati.order_by("creato_il", "pk"):
        if pk <= set(candidato.segnalazioni.values_list("pk", flat=True)):
            return candidato
    return None


def aggiungi(intervento: Intervento, attore: Attore, segnalazioni: Iterable[Segnalazione]) -> Intervento:
    """Put more reports in an open work order."""
    with transaction.atomic():
        intervento = Intervento.objects.select_for_update().get(pk=intervento.pk)
        if intervento.stato != StatoIntervento.APERTO:
            raise Conflict(_("L'intervento è chiuso: non si aggiungono segnalazioni."), code="intervento_chiuso")
        _aggiungi(intervento, attore, segnalazioni)
    return intervento


def _aggiungi(intervento: Intervento, attore: Attore, segnalazioni: Iterable[Segnalazione]) -> None:
    gia = set(intervento.segnalazioni.values_list("pk", flat=True))
    pk = sorted({s.pk for s in segnalazioni} - gia)  # a stable order: no lock-order deadlocks
    bloccate = list(Segnalazione.objects.select_for_update().filter(pk__in=pk).order_by("pk"))
    errate = [s.codice for s in bloccate if s.ente_id != intervento.ente_id or s.stato not in workflow.APERTI]
    if errate:
        raise InvalidData({"segnalazioni": [
            _("Si possono aggiungere solo segnalazioni aperte di questo comune: %(codici)s.")
            % {"codici": ", ".join(errate)}
        ]})
    altrove = sorted(s.codice for s in bloccate if s.pk in in_interventi_aperti([s.pk for s in bloccate]))
    if altrove:  # one open work order per report: the citizen is told once, the crew goes once
        raise InvalidData({"segnalazioni": [
            _("Già in un altro intervento aperto: %(codici)s.") % {"codici": ", ".join(altrove)}
        ]})
    for s in bloccate:
        if not ruoli_attore(attore, s) & RUOLI_OPERATIVI:
            raise NotAllowed(_("Non lavori sulla segnalazione %(codice)s.") % {"codice": s.codice})
    quando = timezone.now()
    for s in bloccate:
        _al_cittadino(s, intervento, attore, "aggiunta", quando)
    intervento.segnalazioni.add(*bloccate)
    if bloccate:
        _storia(intervento, attore, TipoEventoIntervento.AGGIUNTE, quando=quando,
                dati={"codici": [s.codice for s in bloccate]})


def chiudi_intervento(
    intervento: Intervento, attore: Attore, messaggio_pubblico: str, costo_effettivo: Decimal | None = None
) -> EsitoChiusura:
    """Close the work order and resolve each of its open reports with the same public message."""
    errori: dict = {}
    messaggio = valida_testo(messaggio_pubblico, "messaggio_pubblico", MAX_DESCRIZIONE, errori, obbligatorio=True)
    _costo(costo_effettivo, "costo_effettivo", errori)
    if errori:
        raise InvalidData(errori)
    with transaction.atomic():
        intervento = Intervento.objects.select_for_update().get(pk=intervento.pk)
        if intervento.stato != StatoIntervento.APERTO:
            raise Conflict(_("L'intervento è già chiuso."), code="intervento_chiuso")
        if not lavora_nell_ente(attore, intervento.ente):
            raise NotAllowed(_("Non hai un ruolo operativo in questo comune."))
        esito = EsitoChiusura(intervento)
        for s in intervento.segnalazioni.order_by("pk"):
            _risolvi(s, attore, messaggio, esito)
        prima = intervento.costo_effettivo
        intervento.stato = StatoIntervento.CHIUSO
        if costo_effettivo is not None:  # an actual cost entered before closing is kept
            intervento.costo_effettivo = costo_effettivo
        intervento.chiuso_da = attore.utente
        intervento.chiuso_il = timezone.now()
        intervento.save()
        dati: dict = {"risolte": [s.codice for s in esito.risolte],
                      "non_risolte": [s.codice for s, _m in esito.non_risolte]}
        if intervento.costo_effettivo != prima:
            dati["campi"] = {"costo_effettivo": [_json(prima), _json(intervento.costo_effettivo)]}
        _storia(intervento, attore, TipoEventoIntervento.CHIUSO, testo=messaggio, dati=dati,
                quando=intervento.chiuso_il)
    return esito


def _risolvi(s: Segnalazione, attore: Attore, messaggio: str, esito: EsitoChiusura) -> None:
    if s.stato in workflow.RISOLTI:
        esito.gia_risolte.append(s)
        return
    try:
        with transaction.atomic():  # a savepoint: a refused step leaves this report untouched
            if s.stato == Stato.SUBMITTED:
                # Internal: the resolution is the one message its citizens get for the closing.
                s = workflow.transition(s, "take_in_charge", attore, interno=True)
            s = workflow.transition(s, "resolve", attore, testo=messaggio)
    except DomainError as errore:
        esito.non_risolte.append((s, str(errore)))
    else:
        esito.risolte.append(s)


def _costo(valore: Decimal | None, campo: str, errori: dict) -> None:
    if valore is not None and valore < 0:
        errori.setdefault(campo, []).append(_("Un costo non può essere negativo."))


# --- Editing, cancelling, taking a report out -----------------------------------------------------


def modifica_intervento(intervento: Intervento, attore: Attore, **valori) -> Intervento:
    """Change some of: squadra_o_ditta, data_prevista, costo_stimato, costo_effettivo, note (and
    titolo). Only what differs is written and recorded; a new planned date is told to the
    citizens of the order's open reports."""
    ammessi = {"titolo", "squadra_o_ditta", "data_prevista", "costo_stimato", "costo_effettivo", "note"}
    sconosciuti = set(valori) - ammessi
    if sconosciuti:
        raise InvalidData({"__all__": [_("Campi non modificabili: %(c)s.") % {"c": ", ".join(sorted(sconosciuti))}]})
    errori: dict = {}
    if "titolo" in valori:
        valori["titolo"] = valida_testo(valori["titolo"], "titolo", 200, errori, obbligatorio=True)
    if "squadra_o_ditta" in valori:
        valori["squadra_o_ditta"] = valida_testo(valori["squadra_o_ditta"] or "", "squadra_o_ditta", 200, errori)
    if "note" in valori:
        valori["note"] = valida_testo(valori["note"] or "", "note", MAX_NOTE, errori)
    for campo in ("costo_stimato", "costo_effettivo"):
        if campo in valori:
            _costo(valori[campo], campo, errori)
    if errori:
        raise InvalidData(errori)
    with transaction.atomic():
        intervento = _bloccato(intervento, attore)
        if intervento.stato == StatoIntervento.ANNULLATO:
            raise Conflict(_("L'intervento è annullato: non si modifica."), code="intervento_annullato")
        cambiati = {k: v for k, v in valori.items() if getattr(intervento, k) != v}
        if intervento.stato == StatoIntervento.CHIUSO and set(cambiati) - MODIFICABILI_DA_CHIUSO:
            raise Conflict(_("L'intervento è chiuso: si possono cambiare solo il costo effettivo e le note."),
                           code="intervento_chiuso")
        if not cambiati:
            return intervento
        campi = {k: [_json(getattr(intervento, k)), _json(v)] for k, v in cambiati.items()}
        for k, v in cambiati.items():
            setattr(intervento, k, v)
        intervento.save(update_fields=list(cambiati))
        quando = timezone.now()
        _storia(intervento, attore, TipoEventoIntervento.MODIFICATO, dati={"campi": campi}, quando=quando)
        if "data_prevista" in cambiati:
            for s in _aperte_bloccate(intervento):
                _al_cittadino(s, intervento, attore, "data", quando, precedente=campi["data_prevista"][0])
    return intervento


def annulla_intervento(intervento: Intervento, attore: Attore, motivo: str) -> Intervento:
    """Cancel an open order with a reason. Its reports stay as they are (open), free for another
    order; their citizens are told the planned work is off."""
    errori: dict = {}
    motivo = valida_testo(motivo, "motivo", MAX_MOTIVO, errori, obbligatorio=True)
    if errori:
        raise InvalidData(errori)
    with transaction.atomic():
        intervento = _bloccato(intervento, attore)
        _deve_essere_aperto(intervento)
        intervento.stato = StatoIntervento.ANNULLATO
        intervento.chiuso_da = attore.utente
        intervento.chiuso_il = timezone.now()
        intervento.save(update_fields=["stato", "chiuso_da", "chiuso_il"])
        aperte = _aperte_bloccate(intervento)
        for s in aperte:
            _al_cittadino(s, intervento, attore, "annullato", intervento.chiuso_il)
        _storia(intervento, attore, TipoEventoIntervento.ANNULLATO, testo=motivo, quando=intervento.chiuso_il,
                dati={"codici": [s.codice for s in aperte]})
    return intervento


def rimuovi_segnalazione(intervento: Intervento, attore: Attore, segnalazione: Segnalazione,
                         motivo: str = "") -> Intervento:
    """Take one report out of an open order (wrongly grouped, fixed another way…)."""
    errori: dict = {}
    motivo = valida_testo(motivo or "", "motivo", MAX_MOTIVO, errori)
    if errori:
        raise InvalidData(errori)
    with transaction.atomic():
        intervento = _bloccato(intervento, attore)
        _deve_essere_aperto(intervento)
        s = Segnalazione.objects.select_for_update().filter(pk=segnalazione.pk, interventi=intervento).first()
        if s is None:
            raise InvalidData({"segnalazione": [_("La segnalazione non è in questo intervento.")]})
        if not ruoli_attore(attore, s) & RUOLI_OPERATIVI:
            raise NotAllowed(_("Non lavori sulla segnalazione %(codice)s.") % {"codice": s.codice})
        intervento.segnalazioni.remove(s)
        quando = timezone.now()
        if s.stato in workflow.APERTI:  # a closed report keeps its story as it is
            _al_cittadino(s, intervento, attore, "rimossa", quando)
        _storia(intervento, attore, TipoEventoIntervento.RIMOSSA, testo=motivo, quando=quando,
                dati={"codici": [s.codice]})
    return intervento


def _bloccato(intervento: Intervento, attore: Attore) -> Intervento:
    intervento = Intervento.objects.select_for_update().get(pk=intervento.pk)
    if not lavora_nell_ente(attore, intervento.ente):
        raise NotAllowed(_("Non hai un ruolo operativo in questo comune."))
    return intervento


def _deve_essere_aperto(intervento: Intervento) -> None:
    if intervento.stato == StatoIntervento.CHIUSO:
        raise Conflict(_("L'intervento è già chiuso."), code="intervento_chiuso")
    if intervento.stato == StatoIntervento.ANNULLATO:
        raise Conflict(_("L'intervento è annullato."), code="intervento_annullato")


def _aperte_bloccate(intervento: Intervento) -> list[Segnalazione]:
    return list(intervento.segnalazioni.select_for_update().filter(stato__in=workflow.APERTI).order_by("pk"))


def _al_cittadino(s: Segnalazione, intervento: Intervento, attore: Attore, cambio: str, quando,
                  *, precedente: str | None = None) -> None:
    """The public `work_order` event on a report: what its citizens see and are sent."""
    dati = {"intervento_id": intervento.pk, "cambio": cambio,
            "data_prevista": _json(intervento.data_prevista) if cambio in ("aggiunta", "data") else None}
    if cambio == "data":
        dati["data_precedente"] = precedente
    eventi.aggiorna(s, quando)
    s.save()
    eventi.registra(s, TipoEvento.WORK_ORDER, attore, quando=quando, dati=dati)


def _storia(intervento: Intervento, attore: Attore, tipo: str, *, testo: str = "", dati: dict | None = None,
            quando=None) -> EventoIntervento:
    return EventoIntervento.objects.create(
        intervento=intervento, tipo=tipo, attore=attore.utente, testo=testo, dati=dati or {},
        creato_il=quando or timezone.now(),
    )


def _json(valore):
    """A field's value as the history stores it (dates ISO, money as text)."""
    if valore is None or isinstance(valore, str | int):
        return valore
    if isinstance(valore, date):
        return valore.isoformat()
    return str(valore)
