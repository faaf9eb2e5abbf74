"""Import of the shipped stradario (streets + house numbers) into an ente, and the helpers the
import of the shipped trees (civico.patrimonio.alberi, a layer up) shares.

Both imports are idempotent: when the ente already holds as many rows as the file gives,
nothing is written; otherwise only the missing rows are inserted, in one transaction.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from django.db import transaction

from civico.enti.models import Ente
from civico.territorio.fonti import in_wgs84, percorso, righe
from civico.territorio.models import NumeroCivico, Via
from civico.territorio.nomi_strade import chiave, nome_leggibile

Progress = Callable[[str], None] | None
LOTTO = 2000
# 7 decimals of a degree ≈ 1 cm: stored rounded, so a re-import compares equal even if
# another pyproj build differs in the last bits.
DECIMALI = 7

# What this process last read from each file (by path, size and mtime): a repeated import,
# e.g. at every `civico demo` or test, then costs two COUNTs instead of a parse.
CONTEGGI: dict[tuple, dict] = {}
_GIA_FATTO, _ZERI = "Stradario già importato: nulla da fare", {"vie_inserite": 0, "civici_inseriti": 0}


class _Civico(NamedTuple):
    codice: int
    numero: int
    esponente: str
    cap: str
    quartiere: str
    lat: float
    lon: float


def intero(testo: str) -> int | None:
    try:
        return int(testo)
    except ValueError:
        return None


def avvisa(progress: Progress, messaggio: str) -> None:
    if progress:
        progress(messaggio)


def importa_stradario(ente: Ente, progress: Progress = None) -> dict:
    """Streets (viario.csv) and house numbers (numeri-civici.csv) of the ente.

    Returns counts: vie, civici (valid rows in the files), scartati (house numbers without
    valid coordinates or number), vie_inserite, civici_inseriti, secondi.
    """
    inizio = time.monotonic()
    file = (percorso(ente, "viario"), percorso(ente, "numeri-civici"))
    gia_vie = Via.objects.filter(ente=ente).count()
    gia_civici = NumeroCivico.objects.filter(ente=ente).count()
    noto = CONTEGGI.get(firma(file))
    if noto and (gia_vie, gia_civici) == (noto["vie"], noto["civici"]):
        return gia_fatto(progress, _GIA_FATTO, noto, _ZERI, inizio)

    strade, civici, scartati = _leggi_stradario(*file)
    conteggi = {"vie": len(strade), "civici": len(civici), "scartati": scartati}
    CONTEGGI[firma(file)] = conteggi
    avvisa(progress, f"Stradario {ente.nome}: {len(strade)} vie, {len(civici)} numeri civici "
                      f"({scartati} scartati)")
    if (gia_vie, gia_civici) == (len(strade), len(civici)):
        return gia_fatto(progress, _GIA_FATTO, conteggi, _ZERI, inizio)

    with transaction.atomic():
        vie_inserite = _inserisci_vie(ente, strade, civici)
        ids = dict(Via.objects.filter(ente=ente).values_list("codice", "id"))
        presenti = Counter(
            NumeroCivico.objects.filter(ente=ente).values_list(
                "via__codice", "numero", "esponente", "lat", "lon"
            )
        )
        nuovi = []
        for c in civici:
            chiave_civico = (c.codice, c.numero, c.esponente, c.lat, c.lon)
            if presenti[chiave_civico] > 0:  # a Counter: the file has a few exact duplicates
                presenti[chiave_civico] -= 1
                continue
            nuovi.append(NumeroCivico(
                ente=ente, via_id=ids[c.codice], numero=c.numero, esponente=c.esponente,
                cap=c.cap, quartiere=c.quartiere, lat=c.lat, lon=c.lon,
            ))
        NumeroCivico.objects.bulk_create(nuovi, batch_size=LOTTO)
    secondi = round(time.monotonic() - inizio, 2)
    avvisa(progress, f"Inserite {vie_inserite} vie e {len(nuovi)} numeri civici in {secondi} s")
    return conteggi | {"vie_inserite": vie_inserite, "civici_inseriti": len(nuovi),
                       "secondi": secondi}


def _leggi_stradario(
    path_vie: Path, path_civici: Path
) -> tuple[dict[int, tuple[str, str, str, str]], list[_Civico], int]:
    vie_csv = list(righe(path_vie))
    civici_csv = list(righe(path_civici))
    lat, lon, validi = in_wgs84(
        [r["CoordX"] for r in civici_csv], [r["CoordY"] for r in civici_csv]
    )
    # The street list first; a few streets appear only in the house-number file.
    strade: dict[int, tuple[str, str, str, str]] = {}
    for r in vie_csv + civici_csv:
        codice = intero(r["CodiceVia"])
        if codice is not None and r["DUF"]:
            strade.setdefault(
                codice, (r["DUG"], r["DUF"], r.get("CAP", ""), r.get("QuartiereSobborgo", ""))
            )
    civici: list[_Civico] = []
    for i, r in enumerate(civici_csv):
        codice, numero = intero(r["CodiceVia"]), intero(r["Civico"])
        if not validi[i] or codice not in strade or numero is None or numero < 0:
            continue
        civici.append(_Civico(
            codice, numero, r.get("Esponente", "").upper(), r.get("CAP", ""),
            r.get("QuartiereSobborgo", ""),
            round(float(lat[i]), DECIMALI), round(float(lon[i]), DECIMALI),
        ))
    return strade, civici, len(civici_csv) - len(civici)


def _posizioni(civici: list[_Civico]) -> dict[int, tuple[float, float]]:
    """The pin of each street: its middle house number (by number), which lies on it."""
    per_via: dict[int, list[_Civico]] = {}
    for c in civici:
        per_via.setdefault(c.codice, []).append(c)
    posizioni = {}
    for codice, lista in per_via.items():
        lista.sort(key=lambda c: (c.numero, c.esponente))
        mediano = lista[len(lista) // 2]
        posizioni[codice] = (mediano.lat, mediano.lon)
    return posizioni


def _inserisci_vie(
    ente: Ente, strade: dict[int, tuple[str, str, str, str]], civici: list[_Civico]
) -> int:
    posizioni = _posizioni(civici)
    esistenti = set(Via.objects.filter(ente=ente).values_list("codice", flat=True))
    nuove = []
    for codice, (dug, duf, cap, quartiere) in strade.items():
        if codice in esistenti:
            continue
        lat, lon = posizioni.get(codice, (None, None))
        nuove.append(Via(
            ente=ente, codice=codice, dug=dug, duf=duf, nome=nome_leggibile(dug, duf),
            chiave=chiave(f"{dug} {duf}"), cap=cap, quartiere=quartiere, lat=lat, lon=lon,
        ))
    Via.objects.bulk_create(nuove, batch_size=LOTTO)
    # Streets that had no house number at an earlier import get their pin now.
    senza_pin = list(Via.objects.filter(ente=ente, lat__isnull=True, codice__in=list(posizioni)))
    for via in senza_pin:
        via.lat, via.lon = posizioni[via.codice]
    Via.objects.bulk_update(senza_pin, ["lat", "lon"], batch_size=LOTTO)
    return len(nuove)


def firma(file: tuple[Path, ...]) -> tuple:
    return tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in file)


def gia_fatto(progress: Progress, avviso: str, conteggi: dict, zeri: dict, inizio: float) -> dict:
    """The counts of an import that found everything already there (`zeri`: nothing inserted)."""
    avvisa(progress, avviso)
    return conteggi | zeri | {"secondi": round(time.monotonic() - inizio, 2)}
