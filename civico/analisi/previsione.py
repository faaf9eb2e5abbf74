"""Forecast of a comune's weekly intake, checked against its own past at every refresh.

A comune's weekly counts are short (a year or two), seasonal (leaves in autumn, grass in spring)
and sparse (a category gets 0–3 reports a week). Three methods plain enough to check by hand:

- `media-recente`: the average of the last 8 weeks. The baseline, always available.
- `livellamento`: simple exponential smoothing (recent weeks weigh more; follows a change of level).
- `stagionale`: the same weeks of last year (each averaged with its neighbours against the noise),
  scaled by how the last 8 weeks compare with the same 8 weeks a year before. Only where last
  year has reports to scale: weeks before the first report are not history, and an empty year
  is not a ratio of 1.

Each method is back-tested rolling one week ahead over the last `SETTIMANE_VERIFICA` weeks (as if
standing on each past Monday with only the weeks before it); its mean absolute error (MAE) is
shown beside the forecast, with the baseline's on the same weeks. A method is used only when it
beats the baseline by a clear margin (10 %: on a flat noisy series the smoothing beats the average
by 5 % about one time in twenty, by chance); otherwise the plain average is the forecast.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

SETTIMANE_MEDIA = 8
SETTIMANE_VERIFICA = 26
MINIMO_VERIFICA = 8  # fewer one-week-ahead checks than this say nothing about a method
ALFA = 0.3  # smoothing weight of the latest week: about the last 6 weeks count
MARGINE = 0.9  # a method must cut the baseline's error by 10 %: noise alone must not switch methods
ANNO = 52

BASE = "media-recente"
LIVELLAMENTO = "livellamento"
STAGIONALE = "stagionale"

Metodo = Callable[[Sequence[int], int], float | None]  # (the weeks known so far, steps ahead) -> estimate


def media_recente(valori: Sequence[int], passi: int = 1) -> float | None:
    ultime = valori[-SETTIMANE_MEDIA:]
    return sum(ultime) / len(ultime) if ultime else None


def livellamento(valori: Sequence[int], passi: int = 1) -> float | None:
    if not valori:
        return None
    livello = sum(valori[:SETTIMANE_MEDIA]) / len(valori[:SETTIMANE_MEDIA])  # a start that is not one odd week
    for v in valori:
        livello += ALFA * (v - livello)
    return livello


def rapporto_annuo(valori: Sequence[int]) -> float | None:
    """The last 8 weeks against the same 8 weeks a year before; None without a year of history or
    when last year had no reports in those weeks."""
    if len(valori) < ANNO + SETTIMANE_MEDIA:
        return None
    base = sum(valori[-ANNO - SETTIMANE_MEDIA:-ANNO])
    if base <= 0:
        return None
    rapporto = sum(valori[-SETTIMANE_MEDIA:]) / base
    return min(max(rapporto, 0.25), 4.0)  # one odd year must not explode the forecast


def stagionale(valori: Sequence[int], passi: int = 1) -> float | None:
    rapporto = rapporto_annuo(valori)
    if rapporto is None:
        return None
    centro = len(valori) - ANNO + passi - 1  # the target week, a year earlier
    vicine = valori[max(centro - 1, 0):centro + 2]
    return rapporto * sum(vicine) / len(vicine) if vicine else None


METODI: dict[str, Metodo] = {BASE: media_recente, LIVELLAMENTO: livellamento, STAGIONALE: stagionale}


@dataclass
class Verifica:
    """A method's one-week-ahead errors over the last weeks of the history."""

    metodo: str
    errori: dict[int, float]  # week index -> |forecast - actual|, for the weeks it could forecast

    @property
    def settimane(self) -> int:
        return len(self.errori)

    @property
    def mae(self) -> float | None:
        return sum(self.errori.values()) / len(self.errori) if len(self.errori) >= MINIMO_VERIFICA else None

    def mae_su(self, settimane: set[int]) -> float:
        return sum(self.errori[t] for t in settimane) / len(settimane)


def verifica(valori: Sequence[int], metodo: str, *, settimane: int = SETTIMANE_VERIFICA) -> Verifica:
    """Stand on each of the last `settimane` weeks with only the weeks before it, forecast that
    week, compare with what came. The first two weeks are never a test: they have no past to speak of.
    A method that needs more past (the season needs a year and 8 weeks) is tested on the weeks it can do."""
    funzione = METODI[metodo]
    errori = {}
    for t in range(max(len(valori) - settimane, 2), len(valori)):
        stima = funzione(valori[:t], 1)
        if stima is not None:
            errori[t] = abs(stima - valori[t])
    return Verifica(metodo, errori)


@dataclass
class Scelta:
    metodo: str
    verifiche: dict[str, Verifica]
    settimane: int  # the weeks on which the chosen method and the baseline were compared
    errore: float | None
    errore_base: float | None


def scegli(valori: Sequence[int]) -> Scelta:
    """The method to use: the one whose back-test error is lowest, compared with the baseline on
    the same weeks; the baseline unless another beats it by the margin."""
    verifiche = {nome: verifica(valori, nome) for nome in METODI}
    base = verifiche[BASE]
    scelta = Scelta(BASE, verifiche, base.settimane, base.mae, base.mae)
    if base.mae is None:
        return scelta
    miglior_quota = MARGINE
    for nome, v in verifiche.items():
        if nome == BASE or v.mae is None:
            continue
        comuni = set(v.errori)  # the baseline forecasts every week the others can
        errore, errore_base = v.mae_su(comuni), base.mae_su(comuni)
        quota = errore / errore_base if errore_base else (1.0 if errore == 0 else math.inf)
        if quota < miglior_quota:
            miglior_quota = quota
            scelta = Scelta(nome, verifiche, len(comuni), errore, errore_base)
    return scelta


def prevedi(storia: Sequence[tuple[date, int]], *, settimane: int = 8, ultima: date | None = None) -> dict:
    """The next `settimane` weeks' intake, with the method used and the back-test of each method.

    `storia` is (Monday, count) from the comune's first report to the last complete week.
    `ultima`: the last complete week when the history is empty (so the dates still follow today).
    """
    valori = [n for _, n in storia]
    fine = storia[-1][0] if storia else (ultima or timezone.localdate())
    scelta = scegli(valori)
    scelto, verifiche = scelta.metodo, scelta.verifiche
    funzione = METODI[scelto]
    stime = [funzione(valori, passo + 1) for passo in range(settimane)]
    stime = [0.0 if s is None else s for s in stime]
    media = media_recente(valori) or 0.0
    rapporto = rapporto_annuo(valori) if scelto == STAGIONALE else None
    return {
        "metodo": scelto,
        "rapporto_annuo": None if rapporto is None else round(rapporto, 2),
        "media_recente": round(media, 1),
        "settimane_storia": len(valori),
        "verifica": {
            nome: {"mae": None if v.mae is None else round(v.mae, 2), "settimane": v.settimane}
            for nome, v in verifiche.items()
        },
        "errore": None if scelta.errore is None else round(scelta.errore, 2),
        "errore_base": None if scelta.errore_base is None else round(scelta.errore_base, 2),
        "settimane_verifica": scelta.settimane,
        "settimane": [
            {"settimana": fine + timedelta(weeks=i + 1), "stima": round(s, 1)} for i, s in enumerate(stime)
        ],
    }
