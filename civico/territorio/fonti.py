"""Reading the shipped open data: gzip CSVs under DATA_DIR/<ente slug>/, EPSG:3003 → WGS84."""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
from django.conf import settings
from pyproj import CRS, Transformer

from civico.enti.models import Ente

# The Comune di Alessandria publishes in Monte Mario / Italy zone 1.
CRS_FONTE = "EPSG:3003"
# Data folder by ISTAT code: a slug can change (or gain a suffix), the code does not.
CARTELLE = {"006003": "alessandria"}


def percorso(ente: Ente, nome: str) -> Path:
    """The shipped file of this ente, e.g. DATA_DIR/alessandria/numeri-civici.csv.gz."""
    cartella = CARTELLE.get(ente.codice_istat, ente.slug)
    path = Path(settings.CIVICO["DATA_DIR"]) / cartella / f"{nome}.csv.gz"
    if not path.exists():
        raise FileNotFoundError(f"Nessun file {path.name} per {ente.nome} in {path.parent}")
    return path


def righe(path: Path) -> Iterator[dict[str, str]]:
    """Rows of a publisher CSV (UTF-8, ';'-separated, '"'-quoted), values stripped."""
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as f:
        for riga in csv.DictReader(f, delimiter=";"):
            yield {k: (v or "").strip() for k, v in riga.items() if k}


def _numero(testo: str) -> float:
    try:
        return float(testo)
    except ValueError:
        return float("nan")


@lru_cache(maxsize=4)
def _trasformatore(crs: str) -> tuple[Transformer, tuple[float, float, float, float]]:
    trasformatore = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    area = CRS(crs).area_of_use
    limiti = area.bounds if area else (-180.0, -90.0, 180.0, 90.0)
    return trasformatore, limiti


def in_wgs84(
    xs: Sequence[str], ys: Sequence[str], crs: str = CRS_FONTE
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lat, lon, valid) arrays from the CSV's CoordX/CoordY texts, converted in one call.

    A coordinate is invalid if missing, not a number, or outside the area where the source
    CRS is defined (a zero or a swapped pair lands far outside it).
    """
    x = np.fromiter((_numero(v) for v in xs), dtype=float, count=len(xs))
    y = np.fromiter((_numero(v) for v in ys), dtype=float, count=len(ys))
    trasformatore, (ovest, sud, est, nord) = _trasformatore(crs)
    lon, lat = trasformatore.transform(x, y)
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    with np.errstate(invalid="ignore"):
        validi = (
            np.isfinite(lat) & np.isfinite(lon)
            & (lon >= ovest) & (lon <= est) & (lat >= sud) & (lat <= nord)
        )
    return lat, lon, validi
