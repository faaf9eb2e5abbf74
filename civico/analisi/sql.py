"""Vendor-aware SQL pieces for the statistics: durations in days, percentiles, H3 parents.

PostgreSQL does the heavy lifting (`percentile_cont`, bit arithmetic on H3 indexes) so a
dashboard never loads rows into Python; SQLite (development, tests) gets the same figures from a
Python fallback over the few rows it holds. Both give the same numbers: `percentile_cont` is the
linear interpolation between closest ranks, and so is `percentile()` below.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import h3
from django.db import connection
from django.db.models import Aggregate, CharField, Count, F, FloatField, Func, QuerySet

SECONDI_AL_GIORNO = 86400.0


class GiorniTra(Func):
    """Days (with fraction) from `inizio` to `fine`: `fine - inizio`."""

    output_field = FloatField()

    def __init__(self, fine: Any, inizio: Any, **extra: Any):
        super().__init__(fine, inizio, **extra)

    def as_sql(self, compiler, connection, **extra_context):  # SQLite and others
        return self.as_sql_template(compiler, connection, "(julianday(%s) - julianday(%s))")

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql_template(compiler, connection, f"(EXTRACT(EPOCH FROM (%s - %s)) / {SECONDI_AL_GIORNO})")

    def as_sql_template(self, compiler, connection, template: str):
        parti, parametri = [], []
        for espressione in self.source_expressions:
            sql, p = compiler.compile(espressione)
            parti.append(sql)
            parametri.extend(p)
        return template % tuple(parti), parametri


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate `percentile_cont(f) WITHIN GROUP (ORDER BY expr)`."""

    function = "PERCENTILE_CONT"
    output_field = FloatField()
    template = "%(function)s(%(frazione)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, espressione: Any, frazione: float, **extra: Any):
        if not 0 <= frazione <= 1:
            raise ValueError("frazione fuori da [0, 1]")
        super().__init__(espressione, frazione=repr(float(frazione)), **extra)


def percentile(valori: Sequence[float], frazione: float) -> float | None:
    """`percentile_cont` in Python: linear interpolation on sorted values (None when empty)."""
    if not valori:
        return None
    ordinati = sorted(valori)
    posizione = frazione * (len(ordinati) - 1)
    sotto = math.floor(posizione)
    sopra = min(sotto + 1, len(ordinati) - 1)
    return ordinati[sotto] + (ordinati[sopra] - ordinati[sotto]) * (posizione - sotto)


def percentile_pesato(coppie: Iterable[tuple[float, int]], frazione: float) -> float | None:
    """`percentile()` over a histogram: each value repeated its count of times (None when empty)."""
    ordinati = sorted((v, n) for v, n in coppie if n > 0)
    totale = sum(n for _, n in ordinati)
    if not totale:
        return None
    posizione = frazione * (totale - 1)
    sotto = math.floor(posizione)
    sopra = min(sotto + 1, totale - 1)
    valori, visti = {}, 0
    for valore, n in ordinati:  # the values at ranks `sotto` and `sopra`
        for rango in (sotto, sopra):
            if visti <= rango < visti + n:
                valori[rango] = valore
        visti += n
    return valori[sotto] + (valori[sopra] - valori[sotto]) * (posizione - sotto)


def usa_postgresql() -> bool:
    return connection.vendor == "postgresql"


def percentili_per_gruppo(
    qs: QuerySet, gruppo: str, durata: Any, frazioni: Sequence[float], *, extra: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """For each value of `gruppo`: `n`, the percentiles of `durata` (keys `p50`, `p90`…) and the
    aggregates in `extra`. One GROUP BY on PostgreSQL; one narrow read and Python on SQLite."""
    chiavi = {f"p{round(f * 100)}": f for f in frazioni}
    extra = extra or {}
    if usa_postgresql():
        annotazioni = {k: PercentileCont(durata, f) for k, f in chiavi.items()}
        return list(qs.values(gruppo).annotate(n=Count("pk"), **annotazioni, **extra).order_by())
    valori: dict[Any, list[float]] = defaultdict(list)
    for chiave, giorni in qs.annotate(_durata=durata).values_list(gruppo, "_durata").order_by():
        valori[chiave].append(float(giorni))
    aggiunte = {r[gruppo]: r for r in qs.values(gruppo).annotate(**extra).order_by()} if extra else {}
    righe = []
    for chiave, elenco in valori.items():
        riga: dict[str, Any] = {gruppo: chiave, "n": len(elenco)}
        riga.update({k: percentile(elenco, f) for k, f in chiavi.items()})
        riga.update({k: v for k, v in aggiunte.get(chiave, {}).items() if k != gruppo})
        righe.append(riga)
    return righe


# --- H3: counting reports per hexagon at a coarser resolution than the stored one --------------


class GenitoreH3(Func):
    """On PostgreSQL, the parent of an H3 cell (hex string) at resolution `res`, as hex string.

    An H3 index keeps its resolution in bits 52–55 and one 3-bit digit per resolution below the
    base cell; the parent sets the resolution and fills the finer digits with 7 (unused). Doing
    it in SQL lets the database group a million reports into a few hundred hexagons.
    """

    output_field = CharField()

    def __init__(self, cella: Any, res: int, **extra: Any):
        if not 0 <= res <= 15:
            raise ValueError("risoluzione H3 non valida")
        self.res = int(res)
        super().__init__(cella, **extra)

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, parametri = compiler.compile(self.source_expressions[0])
        return genitore_h3_postgresql(sql, self.res), parametri

    def as_sql(self, compiler, connection, **extra_context):  # other vendors roll up in Python
        raise NotImplementedError("GenitoreH3 è calcolato in SQL solo su PostgreSQL")


def genitore_h3_postgresql(sql: str, res: int) -> str:
    """PostgreSQL's expression for the parent at `res` of the H3 cell (hex string) in `sql`."""
    indice = f"(('x' || lpad({sql}, 16, '0'))::bit(64)::bigint)"
    riempi = (1 << (3 * (15 - res))) - 1
    return f"to_hex(({indice} & ~(15::bigint << 52)) | ({res}::bigint << 52) | {riempi}::bigint)"


def genitore_h3(cella: str | None, res: int) -> str | None:
    """The cell at resolution `res` holding `cella` (itself if coarser); None if malformed."""
    try:
        return cella if h3.get_resolution(cella) <= res else h3.cell_to_parent(cella, res)
    except (ValueError, TypeError, h3.H3BaseException):
        return None


def conta_per_esagono(qs: QuerySet, res: int) -> dict[str, int]:
    """Reports per H3 cell at resolution `res` (reports without a cell are left out)."""
    qs = qs.exclude(cella_h3="").filter(lat__isnull=False).order_by()
    if usa_postgresql():
        righe = qs.annotate(_cella=GenitoreH3(F("cella_h3"), res)).values("_cella").annotate(
            n=Count("pk")
        ).values_list("_cella", "n")
        return {c: n for c, n in righe}
    return _arrotonda(qs.values("cella_h3").annotate(n=Count("pk")).values_list("cella_h3", "n"), res)


def _arrotonda(righe: Iterable[tuple[str, int]], res: int) -> dict[str, int]:
    somme: dict[str, int] = defaultdict(int)
    for cella, n in righe:
        genitore = genitore_h3(cella, res)
        if genitore is not None:  # a malformed cell cannot be drawn
            somme[genitore] += n
    return dict(somme)
