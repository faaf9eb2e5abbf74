"""The boundary index itself: an STRtree of prepared shapely geometries keyed by ente id.

Pure shapely/numpy, no Django, so the benchmark can measure lookups alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape

# Simplified coastlines and borders miss a few metres here and there, and the full-precision
# boundaries of the Province of Alessandria leave slivers (< 0.0015° wide) against their
# simplified neighbours: a point this close to a comune (≈110–170 m) and inside none belongs to it.
TOLLERANZA_GRADI = 0.0015


class IndiceConfini:
    """Boundaries in an STRtree; usable without Django (see bench/bench_geo.py).

    A point belongs to the boundaries that contain it (edges included); when none does, to the
    nearest one within TOLLERANZA_GRADI. Where boundaries overlap, the lowest index comes first.
    """

    def __init__(
        self,
        ids: Sequence[int],
        nomi: Sequence[str],
        geometrie: Sequence[Any],
        versioni: dict[int, Any] | None = None,
        firma: Any = None,
    ) -> None:
        self.ids = np.asarray(ids, dtype=np.int64)
        self.nomi = list(nomi)
        self.geometrie = np.asarray(geometrie, dtype=object)
        # A few simplified polygons self-intersect; repair them so containment is well defined.
        rotte = ~shapely.is_valid(self.geometrie)
        if rotte.any():
            self.geometrie[rotte] = shapely.make_valid(self.geometrie[rotte])
        shapely.prepare(self.geometrie)
        self.albero = shapely.STRtree(self.geometrie)
        self.posizioni = {int(i): n for n, i in enumerate(self.ids)}
        self.versioni = versioni or {}
        self.firma = firma

    @classmethod
    def da_righe(cls, righe: Iterable[Sequence[Any]], firma: Any = None) -> IndiceConfini:
        """From (id, nome, geojson_geometry[, version]) rows; rows without geometry are skipped."""
        ids, nomi, geometrie, versioni = [], [], [], {}
        for riga in righe:
            if not riga[2]:
                continue
            ids.append(riga[0])
            nomi.append(riga[1])
            geometrie.append(shape(riga[2]))
            if len(riga) > 3:
                versioni[riga[0]] = riga[3]
        return cls(ids, nomi, geometrie, versioni, firma)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, pk: object) -> bool:
        return pk in self.posizioni

    def _candidati(self, lat: float, lon: float) -> np.ndarray:
        # One tree query with the tolerance box: exact hits and near misses share the candidates.
        t = TOLLERANZA_GRADI
        return self.albero.query(shapely.box(lon - t, lat - t, lon + t, lat + t))

    def _vicini(self, candidati: np.ndarray, lat: float, lon: float) -> np.ndarray:
        """Candidates containing the point, else the nearest ones within the tolerance."""
        dentro = candidati[shapely.intersects_xy(self.geometrie[candidati], lon, lat)]
        if len(dentro):
            return np.sort(dentro)
        distanze = shapely.distance(self.geometrie[candidati], shapely.Point(lon, lat))
        minima = distanze.min()
        if minima > TOLLERANZA_GRADI:
            return candidati[:0]
        return np.sort(candidati[distanze == minima])

    def trova_tutti(self, lat: float, lon: float) -> list[int]:
        """Ids of the boundaries containing the point (several only where boundaries overlap);
        if none does, of the nearest one within TOLLERANZA_GRADI."""
        candidati = self._candidati(lat, lon)
        if not len(candidati):
            return []
        return [int(self.ids[i]) for i in self._vicini(candidati, lat, lon)]

    def trova(self, lat: float, lon: float) -> int | None:
        """The id of the comune at the point (the lowest index where boundaries overlap)."""
        candidati = self._candidati(lat, lon)
        if not len(candidati):
            return None  # open sea, abroad: the common fast path
        if len(candidati) == 1 and shapely.intersects_xy(self.geometrie[candidati[0]], lon, lat):
            return int(self.ids[candidati[0]])
        vicini = self._vicini(candidati, lat, lon)
        return int(self.ids[vicini[0]]) if len(vicini) else None

    def trova_molti(self, lats: Any, lons: Any) -> np.ndarray:
        """Vectorized `trova`: an id per point, -1 where no comune is there."""
        lats = np.asarray(lats, dtype=float)
        lons = np.asarray(lons, dtype=float)
        risultato = np.full(lats.shape, -1, dtype=np.int64)
        t = TOLLERANZA_GRADI
        p, g = self.albero.query(shapely.box(lons - t, lats - t, lons + t, lats + t))
        ordine = np.lexsort((g, p))
        p, g = p[ordine], g[ordine]
        dentro = shapely.intersects_xy(self.geometrie[g], lons[p], lats[p])
        # Pairs are sorted by point then index: the first hit of each point is its lowest index.
        punti, primi = np.unique(p[dentro], return_index=True)
        risultato[punti] = self.ids[g[dentro][primi]]
        fuori = risultato[p] < 0
        if fuori.any():
            p, g = p[fuori], g[fuori]
            d = shapely.distance(self.geometrie[g], shapely.points(lons[p], lats[p]))
            vicini = d <= t
            p, g, d = p[vicini], g[vicini], d[vicini]
            ordine = np.lexsort((g, d, p))
            punti, primi = np.unique(p[ordine], return_index=True)
            risultato[punti] = self.ids[g[ordine][primi]]
        return risultato

    def geometria(self, pk: int) -> Any:
        n = self.posizioni.get(pk)
        return None if n is None else self.geometrie[n]

    def nome(self, pk: int) -> str | None:
        n = self.posizioni.get(pk)
        return None if n is None else self.nomi[n]
