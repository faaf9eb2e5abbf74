"""Point → comune: an in-memory STRtree over every ente's boundary (active or not).

The index holds only geometry, id and name: whether an ente is active is read from the database
on each lookup (one query by pk), so activating a comune needs no rebuild. The index is built
lazily once per process; a boundary saved in this process invalidates it through signals, and
other processes notice within GEO_INDEX_TTL_SECONDS by comparing (count, latest boundary change).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import shapely
from django.conf import settings
from django.db.models import Count, Max
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from shapely.geometry import shape

from civico.enti.models import Ente
from civico.errors import DomainError

# Simplified coastlines and borders miss a few metres here and there: a point this close to one
# comune (≈110–170 m) and inside none still belongs to it (a beach, a pier, a border road).
TOLLERANZA_GRADI = 0.0015


class CoordinateNonValide(DomainError):
    code = "coordinate_non_valide"


class PuntoFuoriItalia(DomainError):
    code = "fuori_italia"

    def __init__(self) -> None:
        super().__init__(_("Il punto indicato non si trova in nessun comune italiano."))


def _messaggio_non_attivo(nome: str) -> str:
    return gettext(
        "Il punto si trova nel comune di %(nome)s, che non usa ancora Civico: "
        "rivolgiti direttamente al comune."
    ) % {"nome": nome}


class ComuneNonAttivo(DomainError):
    code = "comune_non_attivo"

    def __init__(self, ente: Ente) -> None:
        self.ente = ente
        # Lazy, so the message is rendered in the language active when it is shown.
        super().__init__(lazy(_messaggio_non_attivo, str)(ente.nome))


class IndiceConfini:
    """Boundaries in an STRtree; usable without Django (see bench/bench_geo.py)."""

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

    def _indici(self, lat: float, lon: float) -> np.ndarray:
        candidati = self.albero.query(shapely.Point(lon, lat))
        if len(candidati):
            dentro = candidati[shapely.intersects_xy(self.geometrie[candidati], lon, lat)]
            if len(dentro):
                return np.sort(dentro)
        return np.sort(
            self.albero.query_nearest(
                shapely.Point(lon, lat), max_distance=TOLLERANZA_GRADI, all_matches=True
            )
        )

    def trova_tutti(self, lat: float, lon: float) -> list[int]:
        """Ids of the boundaries containing the point (more than one only on overlaps)."""
        return [int(self.ids[i]) for i in self._indici(lat, lon)]

    def trova(self, lat: float, lon: float) -> int | None:
        indici = self._indici(lat, lon)
        return int(self.ids[indici[0]]) if len(indici) else None

    def trova_molti(self, lats: Any, lons: Any) -> np.ndarray:
        """Vectorized `trova`: an id per point, -1 where no comune contains it."""
        lats = np.asarray(lats, dtype=float)
        lons = np.asarray(lons, dtype=float)
        risultato = np.full(lats.shape, -1, dtype=np.int64)
        punti = shapely.points(lons, lats)
        p, g = self.albero.query(punti)
        colpiti = shapely.intersects_xy(self.geometrie[g], lons[p], lats[p])
        p, g = p[colpiti], g[colpiti]
        # Like `trova`, the lowest tree index wins where boundaries overlap.
        ordine = np.lexsort((g, p))[::-1]
        risultato[p[ordine]] = self.ids[g[ordine]]
        mancanti = np.flatnonzero(risultato < 0)
        if len(mancanti):
            p, g = self.albero.query_nearest(
                punti[mancanti], max_distance=TOLLERANZA_GRADI, all_matches=True
            )
            ordine = np.lexsort((g, p))[::-1]
            risultato[mancanti[p[ordine]]] = self.ids[g[ordine]]
        return risultato

    def geometria(self, pk: int) -> Any:
        n = self.posizioni.get(pk)
        return None if n is None else self.geometrie[n]

    def nome(self, pk: int) -> str | None:
        n = self.posizioni.get(pk)
        return None if n is None else self.nomi[n]


# --- The process-wide index over the database -------------------------------------------------

_lock = threading.Lock()
_indice: IndiceConfini | None = None
_controllato_il = 0.0


def _firma() -> tuple[int, Any]:
    r = Ente.objects.aggregate(n=Count("pk"), ultimo=Max("confine_aggiornato_il"))
    return r["n"], r["ultimo"]


def _dal_database(firma: tuple[int, Any]) -> IndiceConfini:
    righe = Ente.objects.filter(confine__isnull=False).values_list(
        "pk", "nome", "confine", "confine_aggiornato_il"
    )
    return IndiceConfini.da_righe(righe.iterator(chunk_size=1000), firma=firma)


def indice() -> IndiceConfini:
    """The current index, built on first use and re-checked at most every TTL seconds."""
    global _indice, _controllato_il
    ttl = settings.CIVICO.get("GEO_INDEX_TTL_SECONDS", 60)
    corrente = _indice
    if corrente is not None and time.monotonic() - _controllato_il < ttl:
        return corrente
    with _lock:
        if _indice is not None and time.monotonic() - _controllato_il < ttl:
            return _indice
        firma = _firma()
        if _indice is None or _indice.firma != firma:
            _indice = _dal_database(firma)
        _controllato_il = time.monotonic()
        return _indice


def invalida() -> None:
    """Drop this process's index; the next lookup rebuilds it."""
    global _indice
    with _lock:
        _indice = None


def _valida(lat: Any, lon: Any) -> tuple[float, float]:
    valori = []
    for nome, valore, limite in (("lat", lat, 90.0), ("lon", lon, 180.0)):
        try:
            v = float(valore)
        except (TypeError, ValueError):
            v = math.nan
        if not math.isfinite(v) or abs(v) > limite:
            raise CoordinateNonValide(
                _(
                    "Coordinate non valide: la latitudine va da -90 a 90, "
                    "la longitudine da -180 a 180."
                ),
                field=nome,
            )
        valori.append(v)
    return valori[0], valori[1]


def _enti_nel_punto(lat: float, lon: float) -> list[Ente]:
    for _tentativo in range(2):
        ids = indice().trova_tutti(lat, lon)
        if not ids:
            return []
        enti = Ente.objects.in_bulk(ids)
        if len(enti) == len(ids):
            return [enti[i] for i in ids]
        # An ente vanished (deleted elsewhere, or a rolled-back test): rebuild and ask again.
        invalida()
    return [enti[i] for i in ids if i in enti]


def comune_per_punto(lat: float, lon: float) -> Ente | None:
    """Any comune (active or not) containing the point, or None outside Italy."""
    lat, lon = _valida(lat, lon)
    enti = _enti_nel_punto(lat, lon)
    return next((e for e in enti if e.attivo), enti[0] if enti else None)


def ente_per_punto(lat: float, lon: float) -> Ente:
    """The active ente whose territory contains the point, or a DomainError saying why not."""
    lat, lon = _valida(lat, lon)
    enti = _enti_nel_punto(lat, lon)
    if not enti:
        raise PuntoFuoriItalia()
    for ente in enti:
        if ente.attivo:
            return ente
    raise ComuneNonAttivo(enti[0])


def punto_in_ente(ente: Ente, lat: float, lon: float) -> bool:
    """Whether the point lies in the ente's territory (with the same rules as ente_per_punto)."""
    lat, lon = _valida(lat, lon)
    corrente = indice()
    if ente.pk in corrente:
        return ente.pk in corrente.trova_tutti(lat, lon)
    # An ente the index does not know (unsaved, or saved without signals): use its own boundary.
    if not ente.confine:
        return False
    return IndiceConfini.da_righe([(0, ente.nome, ente.confine)]).trova(lat, lon) == 0


# --- Signals: keep this process's index in step with boundary changes --------------------------


def dopo_salvataggio(sender: type[Ente], instance: Ente, update_fields=None, **kwargs: Any) -> None:
    corrente = _indice
    if corrente is None or "confine" not in instance.__dict__:
        return  # nothing built yet, or the boundary was not loaded hence not saved
    if update_fields is not None and "confine" not in update_fields:
        return
    versione = instance.confine_aggiornato_il if instance.confine else None
    if corrente.versioni.get(instance.pk) != versione:
        invalida()


def dopo_cancellazione(sender: type[Ente], instance: Ente, **kwargs: Any) -> None:
    corrente = _indice
    if corrente is not None and instance.pk in corrente:
        invalida()
