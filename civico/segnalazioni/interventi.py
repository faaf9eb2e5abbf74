"""Work orders (interventi): several reports fixed by one crew or contractor on a planned date.

Adding a report writes a public event on it: the citizen sees that the repair is planned and
when, which answers the most common question ("ci sono novità?") before it is asked. The work
order's title, crew and costs stay internal: they may name contractors and are for analytics.

Closing resolves every open report of the work order with one public message, through the
workflow's door, in one transaction. A report that cannot be resolved (rejected, merged, outside
the actor's office…) is listed in the result with the reason, never skipped silently.
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
from civico.segnalazioni.intake import MAX_DESCRIZIONE, valida_testo
from civico.segnalazioni.models import Intervento, Segnalazione, StatoIntervento, TipoEvento
from civico.segnalazioni.stati import Stato

GIA_RISOLTE = frozenset({Stato.RESOLVED, Stato.CLOSED})


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
        eventi.aggiorna(s, quando)
        s.save()
        eventi.registra(s, TipoEvento.WORK_ORDER, attore, quando=quando, dati={
            "intervento_id": intervento.pk,
            "data_prevista": intervento.data_prevista.isoformat() if intervento.data_prevista else None,
        })
    intervento.segnalazioni.add(*bloccate)


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
        intervento.stato = StatoIntervento.CHIUSO
        intervento.costo_effettivo = costo_effettivo
        intervento.chiuso_da = attore.utente
        intervento.chiuso_il = timezone.now()
        intervento.save()
    return esito


def _risolvi(s: Segnalazione, attore: Attore, messaggio: str, esito: EsitoChiusura) -> None:
    if s.stato in GIA_RISOLTE:
        esito.gia_risolte.append(s)
        return
    try:
        with transaction.atomic():  # a savepoint: a refused step leaves this report untouched
            if s.stato == Stato.SUBMITTED:
                s = workflow.transition(s, "take_in_charge", attore)
            s = workflow.transition(s, "resolve", attore, testo=messaggio)
    except DomainError as errore:
        esito.non_risolte.append((s, str(errore)))
    else:
        esito.risolte.append(s)


def _costo(valore: Decimal | None, campo: str, errori: dict) -> None:
    if valore is not None and valore < 0:
        errori.setdefault(campo, []).append(_("Un costo non può essere negativo."))
