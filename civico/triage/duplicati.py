"""Whether two reports are the same problem: one score from their words, places, times and categories.

`punteggio(a, b)` is the one rule, used by the reporting flow ("Anche io" proposals), the report's
"possibili duplicati" panel and the backoffice queue of likely pairs. It multiplies
- how alike the *problem* is: the same category (or a category of the same national kind), the
  same national kind read from the words by the day-one model (so "buca" and "pothole" agree), and
  the same words (Italian stems and character n-grams, so typos still match);
- how near the places are (a pin dropped on a map is often tens of metres off);
- how near the times are (a report a year later is more likely a new problem).
A product, not a sum: a pothole and a dark lamp ten metres apart share the place but not the
problem, and score near zero; the same pothole reworded 30 m away a day later scores high.
The words read are the stored, masked columns (titolo, descrizione): no personal data is needed.
The weights and `SOGLIA` come from the development set (bench/bench_triage.py, docs/benchmarks.md).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

import h3
import numpy as np
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from civico.territorio.distanza import distanza_m
from civico.triage.modello import modello_giorno_uno, ngrammi_caratteri, prepara
from civico.triage.tipi import ALTRO

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from civico.catalogo.models import Categoria
    from civico.segnalazioni.models import Segnalazione

# Above this a pair is proposed as a likely duplicate (precision/recall on the development set).
SOGLIA = 0.45
# Candidates are looked for only this near and this recent: beyond either, the score is below
# SOGLIA whatever the words (place factor at 250 m 0.05, time factor at 120 days 0.43), so nothing
# is lost by not looking. Searching is one indexed query on the H3 cells around the point.
RAGGIO_M = 250
FINESTRA_GIORNI = 120
MAX_CANDIDATE = 500  # in a very dense spot, the most recent ones
DISTANZA_META_M = 60  # the distance at which the place factor is one half
GIORNI_META = 90  # the time apart at which the time factor is one half
TESTO_MASSIMO = 2000

# The problem's likeness: a weighted mean of three agreements (each in [0, 1]).
PESO_CATEGORIA = 0.35
PESO_TIPO = 0.35
PESO_PAROLE = 0.30
STESSO_TIPO = 0.6  # the category part for two categories of the same national kind


@dataclass(frozen=True)
class Caso:
    """What the score reads of a report (or of a citizen's draft)."""

    testo: str
    lat: float | None
    lon: float | None
    quando: datetime
    categoria_id: int | None = None
    tipo: str | None = None  # the national kind of the category, if known

    @classmethod
    def di(cls, segnalazione: Segnalazione) -> Caso:
        return cls(
            f"{segnalazione.titolo}\n{segnalazione.descrizione}", segnalazione.lat, segnalazione.lon,
            segnalazione.creata_il, segnalazione.categoria_id, tipo_categoria(segnalazione.categoria),
        )


@dataclass(frozen=True)
class Punteggio:
    """The score and its parts, for the explanation shown to staff."""

    valore: float
    distanza_m: float | None
    giorni: float
    testo: float  # how alike the words are (kind and words), 0..1
    stessa_categoria: bool
    stesso_tipo: bool

    @property
    def probabile(self) -> bool:
        return self.valore >= SOGLIA

    @property
    def motivi(self) -> list[str]:
        """Why, in words: the score, the distance, the days apart, the words, the category."""
        giorni = round(self.giorni)
        motivi = [_("somiglianza %(p)d%%") % {"p": round(self.valore * 100)}]
        if self.distanza_m is not None:
            motivi.append(_("a %(m)d m") % {"m": round(self.distanza_m)})
        motivi.append(
            ngettext("%(n)d giorno di distanza", "%(n)d giorni di distanza", giorni) % {"n": giorni}
            if giorni else _("lo stesso giorno")
        )
        motivi.append(_("testo simile al %(p)d%%") % {"p": round(self.testo * 100)})
        motivi.append(_("stessa categoria") if self.stessa_categoria else
                      _("categoria dello stesso tipo") if self.stesso_tipo else _("categoria diversa"))
        return motivi


@dataclass(frozen=True)
class _Impronta:
    tipi: np.ndarray  # P(national kind | words), zeros when the words say nothing recognisable
    parole: dict[str, float]  # Italian stems, unit length
    ngrammi: dict[str, float]  # character 3–5-grams, unit length


def _unitario(conteggi: Counter) -> dict[str, float]:
    norma = math.sqrt(sum(v * v for v in conteggi.values()))
    return {k: v / norma for k, v in conteggi.items()} if norma else {}


@lru_cache(maxsize=8192)
def _impronta(testo: str) -> _Impronta:
    preparato = prepara(testo[:TESTO_MASSIMO])
    probabilita, riconosciuto = modello_giorno_uno().analizza(preparato)
    return _Impronta(
        probabilita if riconosciuto else np.zeros_like(probabilita),
        _unitario(Counter(preparato.radici["it"])),
        _unitario(Counter(ngrammi_caratteri(preparato.documento))),
    )


def _coseno(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(k, 0.0) for k, v in a.items())


def somiglianza_testo(a: str, b: str) -> tuple[float, float]:
    """(same national kind, same words), each in [0, 1]. The kind part is the probability that
    both texts are the same kind, relative to each being its own most likely kind: two vague
    texts ("Segnalazione") do not agree just by saying nothing."""
    ia, ib = _impronta(a), _impronta(b)
    if not ia.parole or not ib.parole:
        return math.nan, math.nan  # no words on one side: nothing to compare
    comune = float(ia.tipi @ ib.tipi)
    tetto = float(ia.tipi.max() * ib.tipi.max())
    tipo = min(1.0, comune / tetto) if tetto > 0 else 0.0
    parole = 0.5 * _coseno(ia.parole, ib.parole) + 0.5 * _coseno(ia.ngrammi, ib.ngrammi)
    return tipo, parole


def fattore_luogo(metri: float | None) -> float:
    if metri is None:
        return 0.0  # no place, no claim: a report without a position is never proposed
    return 1.0 / (1.0 + (metri / DISTANZA_META_M) ** 2)


def fattore_tempo(giorni: float) -> float:
    return 1.0 / (1.0 + abs(giorni) / GIORNI_META)


def punteggio(a: Caso, b: Caso) -> Punteggio:
    """How likely `a` and `b` are the same problem, in [0, 1] (≥ SOGLIA: propose it)."""
    metri = None
    if None not in (a.lat, a.lon, b.lat, b.lon):
        metri = distanza_m(a.lat, a.lon, b.lat, b.lon)
    giorni = abs((a.quando - b.quando).total_seconds()) / 86400
    stessa = a.categoria_id is not None and a.categoria_id == b.categoria_id
    stesso_tipo = stessa or (a.tipo is not None and a.tipo == b.tipo and a.tipo != ALTRO)
    categoria = 1.0 if stessa else STESSO_TIPO if stesso_tipo else 0.0
    tipo, parole = somiglianza_testo(a.testo, b.testo)
    if math.isnan(tipo):  # a draft without words yet: the category alone says what the problem is
        problema, testo = categoria, 0.0
    else:
        if a.categoria_id is None or b.categoria_id is None:  # a draft without a category: the words
            categoria = tipo
        problema = PESO_CATEGORIA * categoria + PESO_TIPO * tipo + PESO_PAROLE * parole
        testo = (PESO_TIPO * tipo + PESO_PAROLE * parole) / (PESO_TIPO + PESO_PAROLE)
    valore = problema * fattore_luogo(metri) * fattore_tempo(giorni)
    return Punteggio(round(valore, 4), metri, giorni, round(testo, 4), stessa, stesso_tipo)


# --- finding them: bounded by the H3 cells around the point and a time window ------------------

_tipi_categorie: dict[tuple, str] = {}


def tipo_categoria(categoria: Categoria | None) -> str | None:
    """The category's national kind (`servizi.tipo_di`), remembered per process by its words."""
    if categoria is None:
        return None
    from civico.triage.servizi import tipo_di  # the one reading of a category's kind

    chiave = (categoria.pk, categoria.codice, categoria.nome, categoria.descrizione, categoria.gruppo,
              tuple(map(str, categoria.parole_chiave or [])))
    if chiave not in _tipi_categorie:
        if len(_tipi_categorie) > 20000:
            _tipi_categorie.clear()
        _tipi_categorie[chiave] = tipo_di(categoria)[0]
    return _tipi_categorie[chiave]


def celle_intorno(cella: str, raggio_m: float) -> list[str]:
    """The H3 cells that cover a circle of `raggio_m` around any point of `cella`."""
    lato = h3.average_hexagon_edge_length(h3.get_resolution(cella), "m")
    # Each ring adds at least 1.5 edges of distance; one ring more covers the cell's own extent.
    anelli = math.ceil(raggio_m / (1.5 * lato)) + 1
    return list(h3.grid_disk(cella, anelli))


@dataclass(frozen=True)
class Simile:
    segnalazione: Segnalazione
    punteggio: Punteggio

    @property
    def distanza_m(self) -> float:
        return self.punteggio.distanza_m or 0.0


def simili(
    caso: Caso, candidate: QuerySet[Segnalazione], *, escluse: Collection[int] = (), limite: int = 5,
    soglia: float = SOGLIA,
) -> list[Simile]:
    """The reports among `candidate` that are likely the same problem as `caso`, most likely first
    (none without a place: reports imported without one are never proposed)."""
    if caso.lat is None or caso.lon is None or not (math.isfinite(caso.lat) and math.isfinite(caso.lon)):
        return []
    try:
        cella = h3.latlng_to_cell(caso.lat, caso.lon, settings.CIVICO["H3_RESOLUTION"])
    except (ValueError, h3.H3BaseException):
        return []
    finestra = timedelta(days=FINESTRA_GIORNI)
    vicine = (
        candidate.filter(cella_h3__in=celle_intorno(cella, RAGGIO_M), creata_il__gte=caso.quando - finestra,
                         creata_il__lte=caso.quando + finestra)
        .exclude(pk__in=escluse)
        .select_related("categoria")
        .order_by("-creata_il")[:MAX_CANDIDATE]
    )
    trovate = [Simile(s, punteggio(caso, Caso.di(s))) for s in vicine]
    trovate = [x for x in trovate if x.punteggio.valore >= soglia]
    trovate.sort(key=lambda x: (-x.punteggio.valore, x.distanza_m))
    return trovate[:limite]
