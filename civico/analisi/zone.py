"""Places, by distance and by name: clusters of nearby reports and the words people use for them.

A hotspot is a group of reports of the same category whose points chain within `RAGGIO_M`
metres of each other (DBSCAN on the sphere: haversine on a ball tree), not the H3 hexagon that
happens to contain them — a fixed grid splits two reports ten metres apart when a border runs
between them, and a coarse one merges three streets.

A zone is named by its streets (reverse geocoding on the comune's stradario), then its quartiere,
then the addresses the reports carry, and only as a last resort by its coordinates. Staff and
citizens read "Via Milano, Corso Roma (Centro)", never an H3 code.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import h3
import numpy as np
from django.utils.translation import gettext as _

from civico.enti.models import Ente
from civico.territorio.gazetteer import ha_civici, indirizzo_piu_vicino
from civico.territorio.models import Via

RAGGIO_M = 100.0  # two reports within ~100 m are "the same place" for a crew
RAGGIO_TERRA_M = 6_371_008.8
PUNTI_PER_NOME = 8  # reverse-geocode at most this many points of a zone (one query each)


@dataclass(frozen=True)
class Punto:
    pk: int
    lat: float
    lon: float


def raggruppa(punti: Sequence[Punto], *, minimo: int, raggio_m: float = RAGGIO_M) -> list[list[Punto]]:
    """Groups of at least `minimo` points chained within `raggio_m`; isolated points are left out."""
    if len(punti) < max(minimo, 1):
        return []
    from sklearn.cluster import DBSCAN  # here: a serving worker never loads scikit-learn (issue #8)

    radianti = np.radians(np.array([[p.lat, p.lon] for p in punti], dtype=float))
    etichette = DBSCAN(
        eps=raggio_m / RAGGIO_TERRA_M, min_samples=minimo, metric="haversine", algorithm="ball_tree"
    ).fit_predict(radianti)
    gruppi: dict[int, list[Punto]] = {}
    for punto, etichetta in zip(punti, etichette, strict=True):
        if etichetta >= 0:
            gruppi.setdefault(int(etichetta), []).append(punto)
    return [g for g in gruppi.values() if len(g) >= minimo]


def centro(punti: Sequence[Punto]) -> tuple[float, float]:
    return (sum(p.lat for p in punti) / len(punti), sum(p.lon for p in punti) / len(punti))


def raggio(punti: Sequence[Punto]) -> float:
    """The distance in metres from the centre to the farthest point (for the circle on the map)."""
    lat, lon = centro(punti)
    return max(_metri(lat, lon, p.lat, p.lon) for p in punti)


def _metri(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    f1, f2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((f2 - f1) / 2) ** 2 + math.cos(f1) * math.cos(f2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * RAGGIO_TERRA_M * math.asin(min(1.0, math.sqrt(a)))


def _campione(punti: Sequence[tuple[float, float]], n: int) -> list[tuple[float, float]]:
    if len(punti) <= n:
        return list(punti)
    passo = len(punti) / n
    return [punti[int(i * passo)] for i in range(n)]


def nome_luogo(ente: Ente | None, punti: Sequence[tuple[float, float]], indirizzi: Sequence[str] = ()) -> str:
    """The streets (at most two, the most frequent first) and quartiere around these points."""
    vie: Counter[int] = Counter()
    quartieri: Counter[str] = Counter()
    if ente is not None and punti and ha_civici(ente):
        for lat, lon in _campione(punti, PUNTI_PER_NOME):
            trovato = indirizzo_piu_vicino(ente, lat, lon, raggio_m=250)
            if trovato is not None:
                vie[trovato.via_id] += 1
                if trovato.quartiere:
                    quartieri[trovato.quartiere] += 1
    if vie:
        nomi = dict(Via.objects.filter(pk__in=list(vie)).values_list("pk", "nome"))
        strade = ", ".join(nomi[v] for v, _n in vie.most_common(2) if v in nomi)
        quartiere = quartieri.most_common(1)[0][0] if quartieri else ""
        return f"{strade} ({quartiere})" if quartiere and quartiere.lower() not in strade.lower() else strade
    scritti = Counter(i.strip() for i in indirizzi if i and i.strip())
    if scritti:
        return ", ".join(i for i, _n in scritti.most_common(2))
    if punti:
        lat, lon = centro([Punto(0, la, lo) for la, lo in punti])
        return _("presso %(lat).5f, %(lon).5f") % {"lat": lat, "lon": lon}
    return _("zona senza nome")


def nome_cella(ente: Ente | None, cella: str) -> str:
    """A hexagon named by the streets near its centre (the public dashboard's "Da dove arrivano")."""
    try:
        lat, lon = h3.cell_to_latlng(cella)
    except (ValueError, TypeError, h3.H3BaseException):
        return cella
    if ente is None:
        return _("presso %(lat).4f, %(lon).4f") % {"lat": lat, "lon": lon}
    # The centre and every other corner: the street that crosses the cell wins over a corner's.
    punti = [(lat, lon), *list(h3.cell_to_boundary(cella))[::2]]
    return nome_luogo(ente, punti)
