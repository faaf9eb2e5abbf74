"""Import of the shipped trees of an ente (alberi.csv) as the "alberi" kind of the asset layer.

Idempotent like the stradario's import (civico.territorio.importer, whose helpers it shares): when
the ente already holds as many trees as the file gives, nothing is written; otherwise only the
missing trees are inserted, in one transaction.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.db import transaction

from civico.enti.models import Ente
from civico.patrimonio.models import Bene
from civico.patrimonio.servizi import tipo_alberi
from civico.territorio.fonti import in_wgs84, percorso, righe
from civico.territorio.importer import (
    CONTEGGI,
    DECIMALI,
    LOTTO,
    Progress,
    avvisa,
    firma,
    gia_fatto,
    intero,
)

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
_GIA_FATTO, _ZERI = "Alberi già importati: nulla da fare", {"inseriti": 0}


def importa_alberi(ente: Ente, progress: Progress = None) -> dict:
    """The trees layer (alberi.csv) of the ente, as the "alberi" kind of the asset layer.

    Returns counts: alberi (valid rows), scartati (invalid coordinates or id), duplicati
    (an id already used by an earlier row: the first one is kept), inseriti, secondi.
    """
    inizio = time.monotonic()
    file = (percorso(ente, "alberi"),)
    tipo = tipo_alberi(ente, fonte=FONTE_ALBERI, licenza="CC BY 4.0", attribuzione="Comune di Alessandria")
    gia = Bene.objects.filter(tipo=tipo).count()
    noto = CONTEGGI.get(firma(file))
    if noto and gia == noto["alberi"]:
        return gia_fatto(progress, _GIA_FATTO, noto, _ZERI, inizio)

    alberi, scartati, duplicati = _leggi_alberi(*file)
    conteggi = {"alberi": len(alberi), "scartati": scartati, "duplicati": duplicati}
    CONTEGGI[firma(file)] = conteggi
    avvisa(progress, f"Alberi {ente.nome}: {len(alberi)} alberi ({scartati} scartati, "
                      f"{duplicati} identificativi doppi)")
    if gia == len(alberi):
        return gia_fatto(progress, _GIA_FATTO, conteggi, _ZERI, inizio)

    with transaction.atomic():
        presenti = set(Bene.objects.filter(tipo=tipo).values_list("identificativo", flat=True))
        nuovi = [
            Bene(ente=ente, tipo=tipo, identificativo=k, lat=lat, lon=lon, attributi=attributi)
            for k, (lat, lon, attributi) in alberi.items() if k not in presenti
        ]
        Bene.objects.bulk_create(nuovi, batch_size=LOTTO)
    secondi = round(time.monotonic() - inizio, 2)
    avvisa(progress, f"Inseriti {len(nuovi)} alberi in {secondi} s")
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
        identificativo = intero(r["Identificativo"])
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
