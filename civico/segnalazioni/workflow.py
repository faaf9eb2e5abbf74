"""The state machine of a report: one module, data with names, one door for every change.

Pages build their buttons from `TRANSIZIONI`; tests iterate over it; `transition()` is the only
function that changes a report's state. See docs/workflow.md for the diagram.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from civico.accounts.models import Ruolo
from civico.accounts.permissions import RUOLI_OPERATIVI, SEGNALANTE, SISTEMA, Attore, ruoli_attore
from civico.errors import Conflict, InvalidData, NotAllowed
from civico.segnalazioni import eventi, unione
from civico.segnalazioni.models import Segnalazione, TipoEvento, Visibilita
from civico.stati import Stato
from civico.triage import servizi as triage
from civico.triage.models import FonteEsempio

S = Stato
# Who works on reports is a question of permissions (`RUOLI_OPERATIVI`); withdrawing someone
# else's report is for those in charge of the work, not for every operator.
RESPONSABILI = RUOLI_OPERATIVI - {Ruolo.OPERATORE}

# The sets of states: every page, query, statistic and importer takes them from here, and
# tests/segnalazioni/test_stati.py fails when a new state is not placed in them.
# Open: waiting for someone to take them in charge, or being worked on.
DA_PRENDERE = frozenset({S.SUBMITTED, S.REOPENED})
IN_CARICO = frozenset({S.ACCEPTED, S.IN_PROGRESS})
APERTI = DA_PRENDERE | IN_CARICO
# "Resolved" for statistics, complaints and work orders: fixed (and maybe confirmed closed),
# not rejected, merged into another or withdrawn.
RISOLTI = frozenset({S.RESOLVED, S.CLOSED})
# Closed without a fix by the office.
SCARTATI = frozenset({S.REJECTED, S.DUPLICATE, S.WITHDRAWN})
CHIUSI = RISOLTI | SCARTATI
# Left out of the analyses of places (hotspots, recurring problems): a duplicate is already
# counted in its original, a withdrawn report was taken back by its author. A rejected one stays.
DOPPI_O_ANNULLATI = frozenset({S.DUPLICATE, S.WITHDRAWN})


def stato_open311(stato: str) -> str:
    """Open311 GeoReport v2 knows only "open" and "closed"."""
    return "open" if stato in APERTI else "closed"


@dataclass(frozen=True)
class Transizione:
    nome: str
    etichetta: Promise
    da: frozenset[str]
    a: str
    chi: frozenset[str]
    testo_obbligatorio: bool = False
    # The default public line of the timeline when the actor writes nothing.
    testo_predefinito: Promise | None = None


TRANSIZIONI: dict[str, Transizione] = {
    t.nome: t
    for t in [
        Transizione(
            "take_in_charge", _("Prendi in carico"), DA_PRENDERE,
            S.ACCEPTED, RUOLI_OPERATIVI | {SISTEMA},
            testo_predefinito=_("La segnalazione è stata presa in carico."),
        ),
        Transizione(
            "start_work", _("Avvia la lavorazione"), frozenset({S.ACCEPTED, S.REOPENED}),
            S.IN_PROGRESS, RUOLI_OPERATIVI | {SISTEMA},
            testo_predefinito=_("I lavori sono stati avviati."),
        ),
        Transizione(
            "resolve", _("Risolvi"), frozenset({S.ACCEPTED, S.IN_PROGRESS, S.REOPENED}),
            S.RESOLVED, RUOLI_OPERATIVI | {SISTEMA},
            testo_predefinito=_("Il problema è stato risolto."),
        ),
        Transizione(
            "close", _("Chiudi"), frozenset({S.RESOLVED}), S.CLOSED,
            RUOLI_OPERATIVI | {SISTEMA, SEGNALANTE},
            testo_predefinito=_("La segnalazione è stata chiusa."),
        ),
        Transizione(
            "reject", _("Respingi"),
            APERTI, S.REJECTED,
            RUOLI_OPERATIVI, testo_obbligatorio=True,
        ),
        Transizione(
            "mark_duplicate", _("Segna come duplicata"),
            APERTI, S.DUPLICATE,
            RUOLI_OPERATIVI,
        ),
        Transizione(
            "withdraw", _("Annulla la segnalazione"), frozenset({S.SUBMITTED}), S.WITHDRAWN,
            frozenset({SEGNALANTE}) | RESPONSABILI,
            testo_predefinito=_("La segnalazione è stata annullata dal segnalante."),
        ),
        Transizione(
            "reopen", _("Riapri"), RISOLTI, S.REOPENED,
            RUOLI_OPERATIVI | {SEGNALANTE}, testo_obbligatorio=True,
        ),
    ]
}


def transizioni_possibili(segnalazione: Segnalazione, attore: Attore) -> list[Transizione]:
    """The transitions this actor may fire now: what a page shows as buttons."""
    ruoli = ruoli_attore(attore, segnalazione)
    return [
        t for t in TRANSIZIONI.values() if segnalazione.stato in t.da and ruoli & t.chi
    ]


def transition(
    segnalazione: Segnalazione,
    nome: str,
    attore: Attore,
    *,
    testo: str = "",
    versione: int | None = None,
    duplicato_di: Segnalazione | None = None,
    quando: datetime | None = None,
    interno: bool = False,
) -> Segnalazione:
    """Fire the named transition: lock, check, write the new state, append the event.

    `versione` is the version the actor saw; if the report changed since, `Conflict` is raised
    instead of overwriting. `quando` backdates the event (importers and the demo only).
    `interno` records the event for staff only: an automatic intermediate step (taking in charge
    on the way to resolving) that citizens must not be told of in a message of its own.
    """
    t = TRANSIZIONI.get(nome)
    if t is None:
        raise InvalidData({"transizione": [_("Operazione sconosciuta: «%(nome)s».") % {"nome": nome}]})
    testo = (testo or "").strip()
    if t.testo_obbligatorio and not testo:
        raise InvalidData({"testo": [_("Per «%(op)s» serve una motivazione.") % {"op": t.etichetta}]})
    if nome == "mark_duplicate" and duplicato_di is None:
        raise InvalidData({"duplicato_di": [_("Indica la segnalazione originale.")]})

    with transaction.atomic():
        s = Segnalazione.objects.select_for_update().get(pk=segnalazione.pk)
        if versione is not None and s.versione != versione:
            raise Conflict(
                _("La segnalazione è stata modificata da qualcun altro nel frattempo: ricarica la pagina."),
                code="stale",
            )
        if s.stato not in t.da:
            raise Conflict(
                _("Non si può «%(op)s» una segnalazione nello stato «%(stato)s».")
                % {"op": t.etichetta, "stato": s.get_stato_display()},
                code="illegal_transition",
            )
        if not ruoli_attore(attore, s) & t.chi:
            raise NotAllowed(_("Non hai i permessi per «%(op)s» questa segnalazione.") % {"op": t.etichetta})
        dati: dict = {}
        if nome == "mark_duplicate":
            assert duplicato_di is not None
            if duplicato_di.pk == s.pk or duplicato_di.ente_id != s.ente_id:
                raise InvalidData(
                    {"duplicato_di": [_("La segnalazione originale deve essere un'altra dello stesso comune.")]}
                )
            s.duplicato_di = duplicato_di
            dati["duplicato_di"] = duplicato_di.codice

        stato_da = s.stato
        s.stato = t.a
        dal_vivo = quando is None  # not an importer's or the demo's backdated history
        quando = quando or timezone.now()
        if t.a in APERTI:
            s.chiusa_il = None
        elif s.chiusa_il is None:
            s.chiusa_il = quando
        eventi.aggiorna(s, quando)
        s.save()
        if nome == "mark_duplicate":
            # Its followers move to the main report, which records the merge (docs/workflow.md).
            unione.unisci_al_principale(s, attore, quando=quando)
        eventi.registra(
            s, TipoEvento.STATE_CHANGED, attore, quando=quando,
            testo=testo, stato_da=stato_da, stato_a=t.a,
            transizione=nome, dati=dati, visibilita=Visibilita.INTERNA if interno else Visibilita.PUBBLICA,
        )
        if nome == "take_in_charge" and dal_vivo and attore.utente is not None and not attore.sistema:
            # An operator taking a report in charge confirms its category: a labelled example.
            triage.registra_esempio(s, s.categoria, FonteEsempio.CONFERMA)
    return s
