"""Routing: which office handles a report. One function decides; re-routing is an event."""

from __future__ import annotations

import json
from functools import lru_cache

import h3
import shapely
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civico.accounts.permissions import RUOLI_OPERATIVI, Attore, ruoli_attore
from civico.catalogo import services as catalogo
from civico.catalogo.models import Categoria, RegolaInstradamento, Ufficio
from civico.enti.models import Ente
from civico.errors import InvalidData, NotAllowed
from civico.segnalazioni import eventi
from civico.segnalazioni.models import Segnalazione, TipoEvento, Visibilita
from civico.triage import servizi as triage
from civico.triage.models import FonteEsempio


def ufficio_competente(
    categoria: Categoria, lat: float | None, lon: float | None, cella: str
) -> tuple[Ufficio | None, RegolaInstradamento | None]:
    """The first matching zone rule's office, else the category's default office."""
    for regola in catalogo.regole_attive(categoria.ente_id):
        if regola.categoria_id not in (None, categoria.pk):
            continue
        # A report still to be placed (no point) goes to the category's office until it is.
        if regola.ufficio.attivo and lat is not None and _nella_zona(regola, lat, lon, cella):
            return regola.ufficio, regola
    return categoria.ufficio_predefinito, None


def _nella_zona(regola: RegolaInstradamento, lat: float, lon: float, cella: str) -> bool:
    for cella_regola in regola.celle_h3 or []:
        try:
            res = h3.get_resolution(cella_regola)
        except (ValueError, TypeError, h3.H3BaseException):
            continue
        if res <= h3.get_resolution(cella) and h3.cell_to_parent(cella, res) == cella_regola:
            return True
    if regola.zona:
        return bool(shapely.contains_xy(_poligono(json.dumps(regola.zona, sort_keys=True)), lon, lat))
    return False


@lru_cache(maxsize=256)
def _poligono(geojson: str) -> shapely.Geometry:
    """Parsed and prepared once per distinct zone: rules change rarely, reports come often."""
    geometria = shapely.from_geojson(geojson)
    shapely.prepare(geometria)
    return geometria


def reroute(segnalazione: Segnalazione, ufficio: Ufficio, attore: Attore, *, motivo: str) -> Segnalazione:
    """Move a report to another office of the same ente, with the reason, as an event."""
    motivo = (motivo or "").strip()
    if not motivo:
        raise InvalidData({"motivo": [_("Indica il motivo del cambio di ufficio.")]})
    with transaction.atomic():
        s = Segnalazione.objects.select_for_update().get(pk=segnalazione.pk)
        if not ruoli_attore(attore, s) & RUOLI_OPERATIVI:
            raise NotAllowed(_("Non hai i permessi per cambiare l'ufficio di questa segnalazione."))
        if ufficio.ente_id != s.ente_id or not ufficio.attivo:
            raise InvalidData({"ufficio": [_("L'ufficio scelto non è un ufficio attivo di questo comune.")]})
        precedente = s.ufficio
        s.ufficio = ufficio
        quando = timezone.now()
        eventi.aggiorna(s, quando)
        s.save()
        eventi.registra(
            s, TipoEvento.REROUTED, attore, quando=quando, testo="",
            dati={
                "ufficio": ufficio.nome, "ufficio_id": ufficio.pk,
                "da_ufficio": precedente.nome if precedente else None, "motivo": motivo,
            },
        )
        # The reason is for staff: an internal note keeps it out of the public timeline.
        eventi.registra(s, TipoEvento.INTERNAL_NOTE, attore, quando=quando,
                        visibilita=Visibilita.INTERNA, testo=motivo)
    return s


def riclassifica(segnalazione: Segnalazione, categoria: Categoria, attore: Attore, *, motivo: str = "") -> Segnalazione:
    """Change the category (a public event): the deadline follows the new category's SLA, and the
    report moves to the office competent for the new category at its place, when that differs."""
    from civico.segnalazioni import sla  # sla reads the workflow, which reads this module's callers

    with transaction.atomic():
        s = Segnalazione.objects.select_for_update(of=("self",)).select_related("ente", "ufficio").get(
            pk=segnalazione.pk
        )
        if not ruoli_attore(attore, s) & RUOLI_OPERATIVI:
            raise NotAllowed(_("Non hai i permessi per cambiare la categoria di questa segnalazione."))
        if categoria.ente_id != s.ente_id or not categoria.attiva:
            raise InvalidData({"categoria": [_("Scegli una categoria attiva di questo comune.")]})
        if categoria.pk == s.categoria_id:
            return s
        precedente = s.categoria
        s.categoria = categoria
        if s.scadenza is not None and s.stato in _aperti():
            s.scadenza = sla.scadenza_di(s)
            s.sollecitata_il = s.sollecitata_dirigenti_il = None
        ufficio = s.ufficio
        if s.lat is not None and s.lon is not None:
            ufficio = ufficio_competente(categoria, s.lat, s.lon, s.cella_h3)[0] or ufficio
        elif categoria.ufficio_predefinito:
            ufficio = categoria.ufficio_predefinito
        da_ufficio = s.ufficio
        s.ufficio = ufficio
        quando = timezone.now()
        eventi.aggiorna(s, quando)
        s.save()
        eventi.registra(s, TipoEvento.RECLASSIFIED, attore, quando=quando,
                        dati={"categoria": categoria.nome, "da_categoria": precedente.nome})
        if ufficio is not None and ufficio != da_ufficio:
            eventi.registra(s, TipoEvento.REROUTED, attore, quando=quando, dati={
                "ufficio": ufficio.nome, "ufficio_id": ufficio.pk,
                "da_ufficio": da_ufficio.nome if da_ufficio else None, "motivo": str(_("nuova categoria")),
            })
        if (motivo or "").strip():
            eventi.registra(s, TipoEvento.INTERNAL_NOTE, attore, quando=quando,
                            visibilita=Visibilita.INTERNA, testo=motivo.strip())
        # A correction is the best teacher triage has: the next similar words suggest this category.
        triage.registra_esempio(s, categoria, FonteEsempio.RICLASSIFICAZIONE)
    return s


def _aperti() -> frozenset[str]:
    from civico.segnalazioni.workflow import APERTI

    return APERTI


def inoltra(segnalazione: Segnalazione, ente: Ente, attore: Attore, *, motivo: str) -> Segnalazione:
    """Forward a report to another comune on the platform (the place is in its territory: a
    border case). The other comune receives a new report through the one door of intake, with its
    own code, routing and deadline; this one is rejected with a public line naming the new code,
    and its followers follow the new one. Returns the new report."""
    from civico.segnalazioni import eventi_dominio, intake, workflow

    motivo = (motivo or "").strip()
    if not motivo:
        raise InvalidData({"testo": [_("Indica il motivo dell'inoltro.")]})
    s = Segnalazione.objects.select_related("ente", "categoria").get(pk=segnalazione.pk)
    if not ruoli_attore(attore, s) & RUOLI_OPERATIVI:
        raise NotAllowed(_("Non hai i permessi per inoltrare questa segnalazione."))
    if ente.pk == s.ente_id:
        raise InvalidData({"ente": [_("Scegli un altro comune.")]})
    if s.lat is None or s.lon is None:
        raise InvalidData({"ente": [_("Una segnalazione senza posizione non si può inoltrare a un altro comune.")]})
    if s.stato not in _aperti():
        raise _non_inoltrabile(s)
    categoria = Categoria.objects.filter(ente=ente, codice=s.categoria.codice, attiva=True).first()
    with transaction.atomic():
        nuova = intake.submit(
            intake.NuovaSegnalazione(
                lat=s.lat, lon=s.lon, titolo=s.titolo, descrizione=s.descrizione, indirizzo=s.indirizzo,
                categoria=categoria.pk if categoria else None, canale=s.canale, nome=s.segnalante_nome,
                email=s.segnalante_email, telefono=s.segnalante_telefono, ente=ente,
                risposte=s.risposte if categoria else {},
            ),
            attore=Attore.di_sistema(),
        ).segnalazione
        testo = _("Non di competenza: inoltrata al Comune di %(ente)s con il codice %(codice)s. %(motivo)s") % {
            "ente": ente.nome, "codice": nuova.codice, "motivo": motivo}
        workflow.transition(s, "reject", attore, testo=str(testo))
        # Emits segnalazione_inoltrata: comunicazioni moves the followers (eventi_dominio).
        eventi_dominio.emetti(eventi_dominio.SEGNALAZIONE_INOLTRATA, vecchia=s, nuova=nuova)
    return nuova


def _non_inoltrabile(s: Segnalazione) -> Exception:
    from civico.errors import Conflict

    return Conflict(
        _("Una segnalazione «%(stato)s» non si inoltra.") % {"stato": s.get_stato_display()}, code="illegal_state"
    )
