"""Point → comune: an in-memory STRtree over every ente's boundary (active or not).

The index holds only geometry, id and name: whether an ente is active is read from the database
on each lookup (one query by pk), so activating a comune needs no rebuild. The index is built
lazily once per process; a boundary saved in this process invalidates it through signals, and
other processes notice within GEO_INDEX_TTL_SECONDS by comparing (count, latest boundary change).
"""

from __future__ import annotations

import copy
import math
import threading
import time
from typing import Any

from django.conf import settings
from django.db.models import Count, Max
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from civico.core.memoria import Memoria
from civico.enti.indice_confini import TOLLERANZA_GRADI, IndiceConfini
from civico.enti.models import Ente
from civico.errors import DomainError

__all__ = [
    "TOLLERANZA_GRADI", "ComuneNonAttivo", "CoordinateNonValide", "IndiceConfini",
    "PuntoFuoriItalia", "comune_per_punto", "ente_per_punto", "indice", "invalida",
    "punto_in_ente",
]


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


# The rows of the enti found at points, remembered per process without their boundary (the index
# holds it; loading its JSON at every report was most of this lookup's cost). Any write to the enti
# table, by any path, forgets them (civico.core.memoria): activating a comune applies at once here,
# within a second elsewhere. Each caller gets its own copy: the remembered row is never modified.
_memoria = Memoria("enti_per_punto", ("enti.Ente",), ttl_s=300)


def _righe(ids: list[int]) -> dict[int, Ente]:
    trovati = {i: _memoria.prendi(i, lambda i=i: Ente.objects.defer("confine").filter(pk=i).first(),
                                  ricorda_none=False, solo_confermata=True) for i in ids}
    return {i: copy.copy(e) for i, e in trovati.items() if e is not None}


def _enti_nel_punto(lat: float, lon: float) -> list[Ente]:
    for _tentativo in range(2):
        ids = indice().trova_tutti(lat, lon)
        if not ids:
            return []
        enti = _righe(ids)
        if len(enti) == len(ids):
            return [enti[i] for i in ids]
        # An ente vanished (deleted elsewhere, or a rolled-back test): rebuild and ask again.
        invalida()
    return [enti[i] for i in ids if i in enti]


def comune_per_punto(lat: float, lon: float) -> Ente | None:
    """The comune containing the point, active or not (active first where boundaries overlap);
    None outside Italy."""
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
