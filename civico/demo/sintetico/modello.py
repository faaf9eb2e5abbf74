"""What the synthetic load learns from Alessandria's real open data.

The 2023–2024 Municipium export gives the category mix, the state mix and the resolution times;
the house-number register gives real positions (and their addresses) to spread reports on.
Everything is read once per process from the files shipped in civico/data/alessandria/.
"""

from __future__ import annotations

import csv
import gzip
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
from django.conf import settings

from civico.demo import catalogo_demo as C
from civico.territorio.fonti import in_wgs84, righe

# The export's states, folded into the four outcomes the generated histories follow.
ESITI = {
    "chiusa": "chiusa", "aperta": "aperta", "in carico": "in carico",
    "annullata": "annullata", "archiviata": "annullata", "eliminata": "annullata",
}


@dataclass(frozen=True)
class Modello:
    categorie: dict[str, int]  # demo category code → reports in the export (at least 1)
    esiti: dict[str, int]  # chiusa / aperta / in carico / annullata → reports
    giorni_risoluzione: tuple[int, ...]  # days from creation to closure of each closed report
    lat: np.ndarray  # house numbers of Alessandria, WGS84
    lon: np.ndarray
    indirizzi: tuple[str, ...]  # "Via Dazio 90H", one per house number


def cartella() -> Path:
    return Path(settings.CIVICO["DATA_DIR"]) / "alessandria"


def _municipium() -> list[dict[str, str]]:
    with gzip.open(cartella() / "segnalazioni-municipium-2023-2024.csv.gz", "rt", encoding="utf-8") as f:
        return [{k: (v or "").strip() for k, v in r.items()} for r in csv.DictReader(f, delimiter=";")]


@lru_cache(maxsize=1)
def modello() -> Modello:
    export = _municipium()
    per_nome = {voce[1]: voce[0] for voce in C.CATEGORIE}
    categorie = Counter({voce[0]: 1 for voce in C.CATEGORIE})
    esiti: Counter[str] = Counter()
    giorni = []
    for r in export:
        codice = per_nome.get(r["Categoria"], "altro")  # the few rows without one: "Altro"
        categorie[codice] += 1
        esiti[ESITI.get(r["Stato"], "aperta")] += 1
        if r["Chiusa"]:
            giorni.append(max(1, (date.fromisoformat(r["Chiusa"]) - date.fromisoformat(r["Creato"])).days))
    civici = list(righe(cartella() / "numeri-civici.csv.gz"))
    lat, lon, validi = in_wgs84([c["CoordX"] for c in civici], [c["CoordY"] for c in civici])
    indirizzi = tuple(
        " ".join(p for p in (c["DUG"], c["DUF"], c["Civico"] + c["Esponente"]) if p)
        for c, ok in zip(civici, validi, strict=True) if ok
    )
    return Modello(
        categorie=dict(categorie), esiti=dict(esiti), giorni_risoluzione=tuple(giorni) or (8,),
        lat=lat[validi], lon=lon[validi], indirizzi=indirizzi,
    )
