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
from civico.catalogo.models import Categoria, RegolaInstradamento, Ufficio
from civico.errors import InvalidData, NotAllowed
from civico.segnalazioni import eventi
from civico.segnalazioni.models import Segnalazione, TipoEvento, Visibilita


def ufficio_competente(
    categoria: Categoria, lat: float, lon: float, cella: str
) -> tuple[Ufficio | None, RegolaInstradamento | None]:
    """The first matching zone rule's office, else the category's default office."""
    regole = RegolaInstradamento.objects.filter(ente_id=categoria.ente_id, attiva=True).select_related(
        "ufficio"
    )
    for regola in regole.order_by("priorita", "id"):
        if regola.categoria_id not in (None, categoria.pk):
            continue
        if regola.ufficio.attivo and _nella_zona(regola, lat, lon, cella):
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
