"""Importing an asset layer from a CSV (id, lat, lon columns; the others become attributes)
or a GeoJSON of points, by an ente administrator or the platform.

`leggi` checks every row and never writes: it returns the valid assets and, for each bad row,
its line (CSV) or feature number (GeoJSON) with the reason, in the page's language. `applica`
writes what `leggi` accepted: re-importing the same file changes nothing; an asset already
there (same kind and id) is updated in place, so reports that name it keep their link.
"""

from __future__ import annotations

import json
import math
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from civico.enti.geo import punto_in_ente
from civico.enti.models import Ente
from civico.errors import InvalidData
from civico.formati.tabella_csv import SEPARATORI, ErroreFile
from civico.formati.tabella_csv import leggi as leggi_csv
from civico.patrimonio.models import Bene, TipoBene

DECIMALI = 7  # ≈ 1 cm: stored rounded, so a re-import compares equal
MAX_BYTE = 50 * 1024 * 1024
MAX_ID = 64


@dataclass(frozen=True)
class Colonne:
    """Which CSV columns hold the id and the coordinates (matched ignoring case)."""

    id: str = "id"
    lat: str = "lat"
    lon: str = "lon"


@dataclass(frozen=True)
class Problema:
    riga: int  # CSV: the file's line (header = 1); GeoJSON: the feature's number (from 1)
    motivo: str


@dataclass
class Lettura:
    formato: str  # "csv" | "geojson"
    beni: dict[str, tuple[float, float, dict[str, Any]]] = field(default_factory=dict)
    problemi: list[Problema] = field(default_factory=list)
    righe: int = 0


@dataclass(frozen=True)
class Riepilogo:
    nuovi: int
    aggiornati: int
    invariati: int
    disattivati: int


def leggi(dati: bytes, nome_file: str, ente: Ente, colonne: Colonne = Colonne()) -> Lettura:
    """Every row checked; ErroreFile when the file as a whole is unusable."""
    if len(dati) > MAX_BYTE:
        raise ErroreFile(_("Il file è troppo grande (più di 50 MB)."))
    nome = nome_file.lower().removesuffix(".gz")
    if nome.endswith((".geojson", ".json")):
        return _leggi_geojson(dati, ente)
    if nome.endswith((".csv", ".txt")):
        return _leggi_csv(dati, nome_file, ente, colonne)
    raise ErroreFile(_("Formato non riconosciuto: carica un file .csv o .geojson."))


def _leggi_csv(dati: bytes, nome_file: str, ente: Ente, colonne: Colonne) -> Lettura:
    richieste = [colonne.id, colonne.lat, colonne.lon]
    with tempfile.TemporaryDirectory() as cartella:
        percorso = Path(cartella) / ("file.csv.gz" if nome_file.lower().endswith(".gz") else "file.csv")
        percorso.write_bytes(dati)
        primo_errore: ErroreFile | None = None
        for separatore in SEPARATORI:  # the one whose header has the mapped columns
            try:
                letto = leggi_csv(percorso, separatore=separatore, codifica="auto", richieste=richieste)
                break
            except ErroreFile as errore:
                primo_errore = primo_errore or errore
        else:
            assert primo_errore is not None
            raise primo_errore
    lettura = Lettura("csv", righe=len(letto.righe) + len(letto.illeggibili))
    lettura.problemi += [Problema(riga, motivo) for riga, motivo in letto.illeggibili]
    chiavi = {c.lower() for c in richieste}
    visti: dict[str, int] = {}
    for riga in letto.righe:
        v = riga.valori
        attributi = {k: val for k, val in v.items() if k not in chiavi and val != ""}
        _aggiungi(lettura, ente, visti, riga.numero, v.get(colonne.id.lower(), ""),
                  _numero(v.get(colonne.lat.lower(), "")), _numero(v.get(colonne.lon.lower(), "")), attributi)
    return lettura


def _leggi_geojson(dati: bytes, ente: Ente) -> Lettura:
    try:
        if dati[:2] == b"\x1f\x8b":
            import gzip

            dati = gzip.decompress(dati)
        documento = json.loads(dati.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, OSError, EOFError) as errore:
        raise ErroreFile(_("Il file non è un GeoJSON leggibile: %(e)s.") % {"e": errore}) from errore
    if isinstance(documento, dict) and documento.get("type") == "Feature":
        elementi = [documento]
    elif isinstance(documento, dict) and documento.get("type") == "FeatureCollection" \
            and isinstance(documento.get("features"), list):
        elementi = documento["features"]
    else:
        raise ErroreFile(_("Il GeoJSON deve essere una FeatureCollection (o una Feature) di punti."))
    lettura = Lettura("geojson", righe=len(elementi))
    visti: dict[str, int] = {}
    for n, elemento in enumerate(elementi, start=1):
        if not isinstance(elemento, dict) or elemento.get("type") != "Feature":
            lettura.problemi.append(Problema(n, _("non è una Feature")))
            continue
        proprieta = elemento.get("properties") or {}
        if not isinstance(proprieta, dict):
            proprieta = {}
        geometria = elemento.get("geometry") or {}
        identificativo = elemento.get("id", proprieta.get("id", ""))
        if not isinstance(geometria, dict) or geometria.get("type") != "Point":
            tipo = geometria.get("type") if isinstance(geometria, dict) else None
            lettura.problemi.append(Problema(n, _("la geometria non è un punto (%(tipo)s)")
                                             % {"tipo": tipo or _("nessuna")}))
            continue
        coordinate = geometria.get("coordinates")
        lon = lat = math.nan
        if isinstance(coordinate, list) and len(coordinate) >= 2:
            lon, lat = _numero(coordinate[0]), _numero(coordinate[1])
        attributi = {k: v for k, v in proprieta.items() if k != "id" and v not in (None, "")}
        _aggiungi(lettura, ente, visti, n, identificativo, lat, lon, attributi)
    return lettura


def _aggiungi(lettura: Lettura, ente: Ente, visti: dict[str, int], riga: int, identificativo: Any,
              lat: float, lon: float, attributi: dict[str, Any]) -> None:
    testo = "" if identificativo is None or isinstance(identificativo, (dict, list)) else str(identificativo).strip()
    if not testo:
        motivo = _("manca l'identificativo")
    elif len(testo) > MAX_ID:
        motivo = _("identificativo troppo lungo (più di %(n)d caratteri)") % {"n": MAX_ID}
    elif testo in visti:
        motivo = _("identificativo «%(id)s» ripetuto (già alla riga %(riga)d)") % {"id": testo, "riga": visti[testo]}
    elif not (math.isfinite(lat) and math.isfinite(lon)) or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        motivo = _("coordinate non valide: servono latitudine e longitudine in gradi decimali (WGS84)")
    elif not punto_in_ente(ente, lat, lon):
        motivo = _("il punto (%(lat).5f, %(lon).5f) è fuori dal territorio di %(ente)s") % {
            "lat": lat, "lon": lon, "ente": ente.nome}
    else:
        visti[testo] = riga
        lettura.beni[testo] = (round(lat, DECIMALI), round(lon, DECIMALI), attributi)
        return
    lettura.problemi.append(Problema(riga, motivo))


def _numero(valore: Any) -> float:
    """A coordinate as written: 44.913 or 44,913 (Italian decimal comma)."""
    if isinstance(valore, bool):
        return math.nan
    if isinstance(valore, (int, float)):
        return float(valore)
    try:
        return float(str(valore).strip().replace(",", "."))
    except ValueError:
        return math.nan


def applica(tipo: TipoBene, lettura: Lettura, disattiva_assenti: bool = False) -> Riepilogo:
    """Write the accepted assets; `disattiva_assenti` switches off those the file no longer has."""
    if not tipo.licenza.strip():
        raise InvalidData({"licenza": [_("Indica la licenza dei dati: è obbligatoria.")]})
    nuovi = aggiornati = invariati = disattivati = 0
    with transaction.atomic():
        esistenti = {b.identificativo: b for b in Bene.objects.filter(tipo=tipo)}
        da_creare, da_aggiornare = [], []
        for identificativo, (lat, lon, attributi) in lettura.beni.items():
            bene = esistenti.get(identificativo)
            if bene is None:
                da_creare.append(Bene(ente_id=tipo.ente_id, tipo=tipo, identificativo=identificativo,
                                      lat=lat, lon=lon, attributi=attributi))
            elif (bene.lat, bene.lon, bene.attributi, bene.attivo) == (lat, lon, attributi, True):
                invariati += 1
            else:
                bene.lat, bene.lon, bene.attributi, bene.attivo = lat, lon, attributi, True
                da_aggiornare.append(bene)
        Bene.objects.bulk_create(da_creare, batch_size=2000)
        Bene.objects.bulk_update(da_aggiornare, ["lat", "lon", "attributi", "attivo"], batch_size=2000)
        nuovi, aggiornati = len(da_creare), len(da_aggiornare)
        if disattiva_assenti:
            assenti = [k for k, b in esistenti.items() if b.attivo and k not in lettura.beni]
            disattivati = Bene.objects.filter(tipo=tipo, identificativo__in=assenti).update(attivo=False)
        tipo.save(update_fields=["aggiornato_il"])
    return Riepilogo(nuovi, aggiornati, invariati, disattivati)
