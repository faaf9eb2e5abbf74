"""Reports near the one on screen, and which of them may be the same problem.

Possible duplicates follow the one shared rule (`segnalazioni.duplicati`: open, same category,
within 50 m), the same the citizen sees while writing. The wider neighbourhood comes from the
report's H3 cell, stored and indexed on every report: the ring of cells around it is one indexed
`IN` query, and the exact distance is computed here.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

import h3
from django.db.models import QuerySet

from civico.accounts.models import Utente
from civico.accounts.permissions import puo_vedere
from civico.segnalazioni import duplicati
from civico.segnalazioni.models import Segnalazione
from civico.territorio.distanza import distanza_m

RAGGIO_VICINE_M = 250
MAX_VICINE = 10
MAX_DUPLICATI = 5


@dataclass(frozen=True)
class Vicina:
    segnalazione: Segnalazione
    distanza_m: float


def possibili_duplicati(s: Segnalazione, utente: Utente) -> list[Vicina]:
    simili = duplicati.vicine(s.ente, s.categoria, s.lat, s.lon, limite=MAX_DUPLICATI + 1)
    return [
        Vicina(x.segnalazione, x.distanza_m) for x in simili
        if x.segnalazione.pk != s.pk and puo_vedere(utente, x.segnalazione)
    ][:MAX_DUPLICATI]


def _celle_intorno(cella: str, raggio_m: float) -> list[str]:
    lato = h3.average_hexagon_edge_length(h3.get_resolution(cella), "m")
    # Each ring adds at least 1.5 edges of distance; one ring more covers the cell's own extent.
    anelli = math.ceil(raggio_m / (1.5 * lato)) + 1
    return list(h3.grid_disk(cella, anelli))


def vicine(
    s: Segnalazione, visibili: QuerySet[Segnalazione], *, escluse: Collection[int] = (),
    raggio_m: float = RAGGIO_VICINE_M,
) -> list[Vicina]:
    """Reports around `s` among those the reader may see, nearest first (none if `s` has no place)."""
    if not s.cella_h3 or s.lat is None or s.lon is None:
        return []
    try:
        celle = _celle_intorno(s.cella_h3, raggio_m)
    except (ValueError, TypeError, h3.H3BaseException):
        return []
    candidate = (
        visibili.filter(ente_id=s.ente_id, cella_h3__in=celle)
        .exclude(pk__in={s.pk, *escluse})
        .select_related("categoria")
        .only("codice", "titolo", "stato", "lat", "lon", "creata_il", "ente_id", "categoria__nome")
        .order_by()
    )
    trovate = [Vicina(altra, distanza_m(s.lat, s.lon, altra.lat, altra.lon)) for altra in candidate]
    trovate = [v for v in trovate if v.distanza_m <= raggio_m]
    trovate.sort(key=lambda v: v.distanza_m)
    return trovate[:MAX_VICINE]
