"""Where the problem is: a point on the map, or just an address in a comune.

A point decides the comune (`ente_per_punto`) and the address is the nearest house number. An
address without a point is checked against the gazetteer now, so the citizen hears at once if
it is unknown; intake places it again on submission, from the same gazetteer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import shapely.geometry
from django.utils.translation import gettext_lazy as _

from civico.enti import geo
from civico.enti.models import Ente
from civico.errors import DomainError, InvalidData
from civico.segnalazioni.intake import valida_testo
from civico.territorio import gazetteer

MAX_RISULTATI = 8
MAX_INDIRIZZO = 250  # as the report's field


@dataclass(frozen=True)
class Luogo:
    ente: Ente
    lat: float | None  # None: the address alone places the report
    lon: float | None
    indirizzo: str  # as the citizen typed it, or the address found for the point
    punto: tuple[float, float]  # best known position, for the duplicates' search
    indirizzo_trovato: str  # what the gazetteer says is there

    def come_dati(self) -> dict[str, Any]:
        return {
            "ente": self.ente.slug, "comune": self.ente.nome, "lat": self.lat, "lon": self.lon,
            "indirizzo": self.indirizzo, "punto": list(self.punto), "indirizzo_trovato": self.indirizzo_trovato,
        }


def enti_attivi() -> list[Ente]:
    return list(Ente.objects.filter(attivo=True).only("id", "nome", "slug").order_by("nome"))


def ente_attivo(slug: str | None) -> Ente | None:
    if not slug:
        return None
    return Ente.objects.filter(slug=slug, attivo=True).first()


def _numero(valore: Any) -> float | None:
    if valore in (None, ""):
        return None
    try:
        numero = float(str(valore).replace(",", "."))
    except ValueError:
        return math.nan
    return numero


def risolvi(ente: Ente | None, indirizzo: str, lat: Any, lon: Any) -> Luogo:
    """The place of a draft from what the step sent; InvalidData names the field to fix."""
    errori: dict[str, list] = {}
    indirizzo = valida_testo(indirizzo, "indirizzo", MAX_INDIRIZZO, errori)
    if errori:
        raise InvalidData(errori)
    la, lo = _numero(lat), _numero(lon)
    if la is not None or lo is not None:
        return _dal_punto(la, lo, indirizzo)
    if not indirizzo:
        raise InvalidData({"posizione": [_("Indica il luogo: scrivi l'indirizzo o segna il punto sulla mappa.")]})
    if ente is None:
        raise InvalidData({"ente": [_("Scegli il comune in cui si trova l'indirizzo.")]})
    trovati = gazetteer.cerca(ente, indirizzo, limite=1)
    if not trovati:
        raise InvalidData({"indirizzo": [
            _("Non troviamo l'indirizzo «%(indirizzo)s» a %(ente)s: controlla o indica il punto sulla mappa.")
            % {"indirizzo": indirizzo[:100], "ente": ente.nome}
        ]})
    trovato = trovati[0]
    return Luogo(ente, None, None, indirizzo, (trovato.lat, trovato.lon), trovato.testo)


def _dal_punto(lat: float | None, lon: float | None, indirizzo: str) -> Luogo:
    if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)):
        raise InvalidData({"posizione": [_("Le coordinate indicate non sono valide.")]})
    try:
        ente = geo.ente_per_punto(lat, lon)
    except DomainError as exc:  # outside Italy, a comune not on Civico, bad coordinates
        raise InvalidData({"posizione": [exc.message]}) from exc
    trovato = gazetteer.indirizzo_piu_vicino(ente, lat, lon)
    testo_trovato = trovato.testo if trovato else ""
    return Luogo(ente, round(lat, 7), round(lon, 7), indirizzo or testo_trovato, (lat, lon), testo_trovato)


def descrivi_punto(lat: Any, lon: Any) -> dict[str, Any]:
    """What the map shows for a pin: the comune and the nearest address, or why it cannot be used."""
    la, lo = _numero(lat), _numero(lon)
    try:
        luogo = _dal_punto(la, lo, "")
    except InvalidData as exc:
        comune = _comune_o_nulla(la, lo)
        return {"ok": False, "errore": exc.as_dict()["posizione"][0], "comune": comune}
    return {
        "ok": True, "comune": luogo.ente.nome, "ente": luogo.ente.slug,
        "indirizzo": luogo.indirizzo_trovato, "lat": luogo.lat, "lon": luogo.lon,
    }


def _comune_o_nulla(lat: float | None, lon: float | None) -> str | None:
    try:
        ente = geo.comune_per_punto(lat, lon)  # type: ignore[arg-type]
    except DomainError:
        return None
    return ente.nome if ente else None


def cerca_indirizzi(ente: Ente | None, testo: str) -> list[dict[str, Any]]:
    """Autocomplete: the gazetteer's matches for what the citizen is typing."""
    testo = (testo or "").strip()
    if ente is None or len(testo) < 3:
        return []
    return [
        {"testo": i.testo, "lat": i.lat, "lon": i.lon, "cap": i.cap, "quartiere": i.quartiere}
        for i in gazetteer.cerca(ente, testo[:200], limite=MAX_RISULTATI)
    ]


# Italy, for a map with no comune chosen yet: [[south, west], [north, east]].
ITALIA = [[36.6, 6.6], [47.1, 18.5]]


def riquadro(ente: Ente | None) -> list[list[float]]:
    """The bounds the map opens on: the comune's boundary, or Italy."""
    if ente is None:
        return ITALIA
    return _riquadro(ente.pk, ente.confine_aggiornato_il.isoformat())


@lru_cache(maxsize=256)
def _riquadro(pk: int, _versione: str) -> list[list[float]]:
    confine = Ente.objects.filter(pk=pk).values_list("confine", flat=True).first()
    if not confine:
        return ITALIA
    ovest, sud, est, nord = shapely.geometry.shape(confine).bounds
    return [[round(sud, 5), round(ovest, 5)], [round(nord, 5), round(est, 5)]]
