"""Likely duplicates: open public reports of the same category near a point.

Shown to a citizen while they write a report, so they can support the existing one instead of
sending another. Only public reports: a private one must not reveal itself to strangers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from civico.catalogo.models import Categoria
from civico.enti.models import Ente
from civico.segnalazioni.models import Segnalazione
from civico.segnalazioni.workflow import APERTI
from civico.territorio.distanza import distanza_m, riquadro

RAGGIO_M = 50
LIMITE = 5


@dataclass(frozen=True)
class Simile:
    segnalazione: Segnalazione
    distanza_m: float


def vicine(
    ente: Ente, categoria: Categoria, lat: float | None, lon: float | None, *, raggio_m: float = RAGGIO_M,
    limite: int = LIMITE,
) -> list[Simile]:
    """Open public reports of `categoria` within `raggio_m` of the point, nearest first (none
    without a point: reports imported without a place)."""
    if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)) or raggio_m <= 0 or limite <= 0:
        return []
    lat_min, lat_max, lon_min, lon_max = riquadro(lat, lon, raggio_m)
    candidate = Segnalazione.objects.filter(
        ente=ente, categoria=categoria, stato__in=APERTI, pubblica=True,
        lat__gte=lat_min, lat__lte=lat_max, lon__gte=lon_min, lon__lte=lon_max,
    ).select_related("categoria")
    simili = [Simile(s, distanza_m(lat, lon, s.lat, s.lon)) for s in candidate.order_by()]
    simili = [x for x in simili if x.distanza_m <= raggio_m]
    simili.sort(key=lambda x: (x.distanza_m, -x.segnalazione.creata_il.timestamp()))
    return simili[:limite]


def entro_metri(simili: list[Simile]) -> int:
    """The distance to say ("simili a 30 m"): the farthest one, rounded up to ten metres."""
    if not simili:
        return 0
    return max(10, math.ceil(max(x.distanza_m for x in simili) / 10) * 10)
