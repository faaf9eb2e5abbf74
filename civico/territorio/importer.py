"""Import of the shipped stradario (streets + house numbers) and trees into an ente
(the trees become the "alberi" kind of the asset layer, civico.patrimonio).

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
from civico.patrimonio.models import Bene
from civico.patrimonio.servizi import tipo_alberi
from civico.territorio.fonti import in_wgs84, percorso, righe
from civico.territorio.models import NumeroCivico, Via
from civico.territorio.nomi_strade import chiave, nome_leggibile

Progress = Callable[[str], None] | None
LOTTO = 2000
# 7 decimals of a degree ≈ 1 cm: stored rounded, so a re-import compares equal even if
# another pyproj build differs in the last bits.
DECIMALI = 7
FONTE_ALBERI = "Comune di Alessandria, Servizio Verde Pubblico: alberi (Portale Open Data)"
# Census columns that name a tree's attributes (as the rest of the platform reads them)…
_ATTRIBUTI_ALBERO = {
    "Essenza": "specie", "Tipologia": "tipologia", "StatoVegetativo": "stato_vegetativo",
    "ClassificazioneCedimento": "classe_cedimento", "RangeAltezza": "altezza",
}
# …and the other census columns, kept as published.
_COLONNE_ALBERO = (
    "Disposizione", "Posizione", "Portamento", "EssenzaStorica", "DataCensimento",
    "AltezzaPrimoPalco", "RangeDiametroFusto", "Suolo", "QualitaBiomeccanica",
    "Interferenze", "TipoFoglia",
)


# What this process last read from each file (by path, size and mtime): a repeated import,
# e.g. at every `civico demo` or test, then costs two COUNTs instead of a parse.
_CONTEGGI: dict[tuple, dict] = {}


class _Civico(NamedTuple):
    codice: int
    numero: int
    esponente: str
    cap: str
    quartiere: str
    lat: float
    lon: float


def _intero(testo: str) -> int | None:
    try:
        return int(testo)
    except ValueError:
        return None


def _avvisa(progress: Progress, messaggio: str) -> None:
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
    noto = _CONTEGGI.get(_firma(file))
    if noto and (gia_vie, gia_civici) == (noto["vie"], noto["civici"]):
        return _gia_fatto(progress, "stradario", noto, inizio)

    strade, civici, scartati = _leggi_stradario(*file)
    conteggi = {"vie": len(strade), "civici": len(civici), "scartati": scartati}
    _CONTEGGI[_firma(file)] = conteggi
    _avvisa(progress, f"Stradario {ente.nome}: {len(strade)} vie, {len(civici)} numeri civici "
                      f"({scartati} scartati)")
    if (gia_vie, gia_civici) == (len(strade), len(civici)):
        return _gia_fatto(progress, "stradario", conteggi, inizio)

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
    _avvisa(progress, f"Inserite {vie_inserite} vie e {len(nuovi)} numeri civici in {secondi} s")
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
        codice = _intero(r["CodiceVia"])
        if codice is not None and r["DUF"]:
            strade.setdefault(
                codice, (r["DUG"], r["DUF"], r.get("CAP", ""), r.get("QuartiereSobborgo", ""))
            )
    civici: list[_Civico] = []
    for i, r in enumerate(civici_csv):
        codice, numero = _intero(r["CodiceVia"]), _intero(r["Civico"])
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


def importa_alberi(ente: Ente, progress: Progress = None) -> dict:
    """The trees layer (alberi.csv) of the ente, as the "alberi" kind of the asset layer.

    Returns counts: alberi (valid rows), scartati (invalid coordinates or id), duplicati
    (an id already used by an earlier row: the first one is kept), inseriti, secondi.
    """
    inizio = time.monotonic()
    file = (percorso(ente, "alberi"),)
    tipo = tipo_alberi(ente, fonte=FONTE_ALBERI, licenza="CC BY 4.0", attribuzione="Comune di Alessandria")
    gia = Bene.objects.filter(tipo=tipo).count()
    noto = _CONTEGGI.get(_firma(file))
    if noto and gia == noto["alberi"]:
        return _gia_fatto(progress, "alberi", noto, inizio)

    alberi, scartati, duplicati = _leggi_alberi(*file)
    conteggi = {"alberi": len(alberi), "scartati": scartati, "duplicati": duplicati}
    _CONTEGGI[_firma(file)] = conteggi
    _avvisa(progress, f"Alberi {ente.nome}: {len(alberi)} alberi ({scartati} scartati, "
                      f"{duplicati} identificativi doppi)")
    if gia == len(alberi):
        return _gia_fatto(progress, "alberi", conteggi, inizio)

    with transaction.atomic():
        presenti = set(Bene.objects.filter(tipo=tipo).values_list("identificativo", flat=True))
        nuovi = [
            Bene(ente=ente, tipo=tipo, identificativo=k, lat=lat, lon=lon, attributi=attributi)
            for k, (lat, lon, attributi) in alberi.items() if k not in presenti
        ]
        Bene.objects.bulk_create(nuovi, batch_size=LOTTO)
    secondi = round(time.monotonic() - inizio, 2)
    _avvisa(progress, f"Inseriti {len(nuovi)} alberi in {secondi} s")
    return conteggi | {"inseriti": len(nuovi), "secondi": secondi}


def _leggi_alberi(path: Path) -> tuple[dict[str, tuple[float, float, dict]], int, int]:
    """(lat, lon, attributes) by identificativo; a repeated identificativo keeps its first row."""
    righe_csv = list(righe(path))
    lat, lon, validi = in_wgs84(
        [r["CoordX"] for r in righe_csv], [r["CoordY"] for r in righe_csv]
    )
    alberi: dict[str, tuple[float, float, dict]] = {}
    scartati = duplicati = 0
    for i, r in enumerate(righe_csv):
        identificativo = _intero(r["Identificativo"])
        if not validi[i] or identificativo is None or identificativo < 0:
            scartati += 1
        elif str(identificativo) in alberi:
            duplicati += 1
        else:
            attributi = {nome: r[colonna] for colonna, nome in _ATTRIBUTI_ALBERO.items() if r.get(colonna)}
            attributi |= {k: r[k] for k in _COLONNE_ALBERO if r.get(k)}
            alberi[str(identificativo)] = (
                round(float(lat[i]), DECIMALI), round(float(lon[i]), DECIMALI), attributi
            )
    return alberi, scartati, duplicati


def _firma(file: tuple[Path, ...]) -> tuple:
    return tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in file)


def _gia_fatto(progress: Progress, cosa: str, conteggi: dict, inizio: float) -> dict:
    if cosa == "stradario":
        _avvisa(progress, "Stradario già importato: nulla da fare")
        zeri = {"vie_inserite": 0, "civici_inseriti": 0}
    else:
        _avvisa(progress, "Alberi già importati: nulla da fare")
        zeri = {"inseriti": 0}
    return conteggi | zeri | {"secondi": round(time.monotonic() - inizio, 2)}
