"""Reports near the one on screen, and which of them may be the same problem.

Possible duplicates are ranked by the one duplicate score (`triage.duplicati`: words, distance,
time, category), the same the citizen sees while writing, among the open reports this person may
see; each comes with its reason. The wider neighbourhood comes from the report's H3 cell, stored
and indexed on every report: the ring of cells around it is one indexed `IN` query, and the exact
distance is computed here.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import h3
from django.db.models import QuerySet

from civico.accounts.models import Utente
from civico.segnalazioni.models import Segnalazione
from civico.segnalazioni.workflow import APERTI
from civico.territorio.distanza import distanza_m
from civico.triage import duplicati
from civico.triage.duplicati import Punteggio, celle_intorno

RAGGIO_VICINE_M = 250
MAX_VICINE = 10
MAX_DUPLICATI = 5


@dataclass(frozen=True)
class Vicina:
    segnalazione: Segnalazione
    distanza_m: float
    punteggio: Punteggio | None = None  # possible duplicates only: the score and its parts


def possibili_duplicati(s: Segnalazione, utente: Utente) -> list[Vicina]:
    """Open reports this person may see that are likely the same problem, most likely first."""
    candidate = Segnalazione.objects.visibili_a(utente).filter(ente_id=s.ente_id, stato__in=APERTI)
    simili = duplicati.simili(duplicati.Caso.di(s), candidate, escluse={s.pk}, limite=MAX_DUPLICATI)
    return [Vicina(x.segnalazione, x.distanza_m, x.punteggio) for x in simili]


def vicine(
    s: Segnalazione, visibili: QuerySet[Segnalazione], *, escluse: Collection[int] = (),
    raggio_m: float = RAGGIO_VICINE_M,
) -> list[Vicina]:
    """Reports around `s` among those the reader may see, nearest first (none if `s` has no place)."""
    if not s.cella_h3 or s.lat is None or s.lon is None:
        return []
    try:
        celle = celle_intorno(s.cella_h3, raggio_m)
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
