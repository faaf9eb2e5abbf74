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
from civico.territorio import gazetteer
from civico.testo import a_luogo, valida_testo

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


class IndirizzoLontano(InvalidData):
    """The typed address names another place than the point: the citizen chooses which wins."""

    def __init__(self, indirizzo: str, scarto: gazetteer.Scarto):
        super().__init__({"indirizzo": [scarto.messaggio(indirizzo)]})
        self.indirizzo = indirizzo
        self.scarto = scarto


PUNTO, INDIRIZZO = "punto", "indirizzo"  # what may win when the two disagree


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


def risolvi(ente: Ente | None, indirizzo: str, lat: Any, lon: Any, scelta: str = "") -> Luogo:
    """The place of a draft from what the step sent; InvalidData names the field to fix.

    A point and an address that name different places are never kept together: without a
    `scelta` this raises IndirizzoLontano; "punto" keeps the point and the address found there,
    "indirizzo" moves the point to the address.
    """
    errori: dict[str, list] = {}
    indirizzo = valida_testo(indirizzo, "indirizzo", MAX_INDIRIZZO, errori)
    if errori:
        raise InvalidData(errori)
    la, lo = _numero(lat), _numero(lon)
    if la is not None or lo is not None:
        luogo = _dal_punto(la, lo, indirizzo)
        if luogo.lat is None or luogo.lon is None or indirizzo == luogo.indirizzo_trovato:
            return luogo
        lontano = gazetteer.scarto(luogo.ente, indirizzo, luogo.lat, luogo.lon)
        if lontano is None:
            return luogo
        if scelta == PUNTO:
            return _dal_punto(luogo.lat, luogo.lon, "")
        if scelta == INDIRIZZO:
            return _dal_punto(lontano.indirizzo.lat, lontano.indirizzo.lon, indirizzo)
        raise IndirizzoLontano(indirizzo, lontano)
    if not indirizzo:
        raise InvalidData({"posizione": [_("Indica il luogo: scrivi l'indirizzo o segna il punto sulla mappa.")]})
    if ente is None:
        raise InvalidData({"ente": [_("Scegli il comune in cui si trova l'indirizzo.")]})
    trovati = gazetteer.cerca(ente, indirizzo, limite=1)
    if not trovati:
        raise InvalidData({"indirizzo": [
            _("Non troviamo l'indirizzo «%(indirizzo)s» %(a_ente)s: controlla o indica il punto sulla mappa.")
            % {"indirizzo": indirizzo[:100], "ente": ente.nome, "a_ente": a_luogo(ente.nome)}
        ]})
    trovato = trovati[0]
    if not trovato.esatto:
        # "Corso Roma 999": never placed silently on another number.
        vicini = gazetteer.cerca(ente, indirizzo, limite=4)
        raise InvalidData({"indirizzo": [
            _("Il numero civico indicato non esiste in %(via)s: scrivi solo la via, uno dei numeri più vicini "
              "(%(numeri)s) o indica il punto sulla mappa.")
            % {"via": trovato.via, "numeri": ", ".join(i.testo for i in vicini)}
        ]})
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


def cerca_indirizzi(ente: Ente | None, testo: str) -> dict[str, Any]:
    """Autocomplete: the gazetteer's matches for what the citizen is typing, and a notice when
    the house number asked for does not exist (then the street comes first, then its nearest numbers)."""
    testo = (testo or "").strip()
    if ente is None or len(testo) < 3:
        return {"risultati": [], "avviso": ""}
    trovati = gazetteer.cerca(ente, testo[:200], limite=MAX_RISULTATI)
    avviso = ""
    if trovati and not trovati[0].esatto:
        avviso = _("Il numero civico indicato non esiste in %(via)s: ecco la via e i numeri più vicini.") % {
            "via": trovati[0].via}
        via = gazetteer.la_via(ente, trovati[0].via_id)
        trovati = ([via] if via else []) + trovati[: MAX_RISULTATI - 1]
    return {
        "risultati": [
            {"testo": i.testo, "lat": i.lat, "lon": i.lon, "cap": i.cap, "quartiere": i.quartiere, "esatto": i.esatto}
            for i in trovati
        ],
        "avviso": str(avviso),
    }


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
