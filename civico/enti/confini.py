"""Load every Italian comune (inactive) and its boundary from the shipped ISTAT/openpolis files.

National boundaries come from the simplified per-region TopoJSON; the 187 comuni of the Province
of Alessandria (where Civico starts) get the full-precision GeoJSON instead. Loading is
idempotent: only missing comuni are created and only changed boundaries are written, and nothing
an administrator may have set (attivo, sigla, contacts) is ever touched.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from civico.enti import geo
from civico.enti.models import Ente
from civico.enti.topojson import caratteristiche

REGIONI = range(1, 21)
REGIONE_PIEMONTE = 1
PROVINCIA_ALESSANDRIA = "AL"
# The TopoJSON is quantized to ~0.00017° (≈15 m): six decimals (≈0.1 m) lose nothing real
# and keep the stored JSON small.
DECIMALI_TOPOJSON = 6
LOTTO = 500

Progresso = Callable[[str], None] | None


@dataclass(frozen=True)
class Comune:
    nome: str
    codice_istat: str
    codice_catastale: str
    provincia: str
    regione: str
    confine: dict[str, Any] | None


def cartella_confini() -> Path:
    return Path(settings.CIVICO["DATA_DIR"]) / "boundaries"


def _leggi_json(nome_file: str) -> dict[str, Any]:
    with gzip.open(cartella_confini() / nome_file, "rt", encoding="utf-8") as f:
        return json.load(f)


def _comune(proprieta: dict[str, Any], confine: dict[str, Any] | None) -> Comune:
    return Comune(
        nome=proprieta["name"],
        codice_istat=proprieta["com_istat_code"],
        codice_catastale=proprieta["com_catasto_code"],
        provincia=proprieta.get("prov_acr") or "",
        regione=proprieta.get("reg_name") or "",
        confine=confine,
    )


def comuni_della_regione(numero: int) -> list[Comune]:
    """The comuni of one region (1..20, ISTAT order) with their simplified boundaries."""
    topologia = _leggi_json(f"limits_R_{numero}_municipalities.topo.json.gz")
    return [_comune(p, g) for p, g in caratteristiche(topologia, decimali=DECIMALI_TOPOJSON)]


def comuni_provincia_alessandria() -> list[Comune]:
    """The 187 comuni of the Province of Alessandria with full-precision boundaries."""
    raccolta = _leggi_json("limits_P_6_municipalities.geojson.gz")
    return [_comune(f["properties"], f.get("geometry")) for f in raccolta["features"]]


def _con_confini_precisi(comuni: list[Comune]) -> list[Comune]:
    precisi = {c.codice_istat: c.confine for c in comuni_provincia_alessandria()}
    return [
        Comune(**{**c.__dict__, "confine": precisi[c.codice_istat]})
        if c.codice_istat in precisi and precisi[c.codice_istat]
        else c
        for c in comuni
    ]


class _Sincronizzatore:
    """Creates missing enti and rewrites changed boundaries, remembering what the DB holds."""

    def __init__(self) -> None:
        self.esistenti: dict[str, tuple[int, Any]] = {
            istat: (pk, confine)
            for istat, pk, confine in Ente.objects.values_list("codice_istat", "pk", "confine")
        }
        valori = Ente.objects.values_list("slug", "sigla", "codice_catastale")
        self.slug = {s for s, _, _ in valori}
        self.sigle = {s for _, s, _ in valori}
        self.catastali = {c for _, _, c in valori}
        self.esito: dict[str, Any] = {
            "creati": 0, "aggiornati": 0, "invariati": 0, "senza_confine": [], "saltati": [],
        }

    def _slug_libero(self, c: Comune) -> str:
        base = slugify(c.nome)[:120] or c.codice_istat
        # Homonyms (Samone TO/TN, Castro BG/LE…) get the province; the ISTAT code is a last resort.
        for candidato in (base, f"{base}-{c.provincia.lower()}", f"{base}-{c.codice_istat}"):
            if candidato not in self.slug:
                return candidato
        raise AssertionError("unreachable: codice_istat is unique")

    def _nuovo(self, c: Comune) -> Ente | None:
        if c.codice_catastale in self.catastali:
            self.esito["saltati"].append(f"{c.nome} ({c.codice_istat}): codice catastale già usato")
            return None
        slug = self._slug_libero(c)
        # The cadastral code is unique and short, so it is a natural tracking-code prefix.
        sigla = c.codice_catastale if c.codice_catastale not in self.sigle else c.codice_istat
        self.slug.add(slug)
        self.sigle.add(sigla)
        self.catastali.add(c.codice_catastale)
        return Ente(
            nome=c.nome, slug=slug, codice_istat=c.codice_istat,
            codice_catastale=c.codice_catastale, sigla=sigla, provincia=c.provincia,
            regione=c.regione, attivo=False, confine=c.confine,
        )

    def sincronizza(self, comuni: Iterable[Comune]) -> tuple[int, int]:
        nuovi: list[Ente] = []
        cambiati: dict[str, Ente] = {}
        adesso = timezone.now()
        for c in comuni:
            if c.confine is None:
                self.esito["senza_confine"].append(f"{c.nome} ({c.codice_istat})")
            presente = self.esistenti.get(c.codice_istat)
            if presente is None:
                ente = self._nuovo(c)
                if ente is not None:
                    nuovi.append(ente)
            elif c.confine is not None and presente[1] != c.confine:
                cambiati[c.codice_istat] = Ente(
                    pk=presente[0], confine=c.confine, confine_aggiornato_il=adesso
                )
            else:
                self.esito["invariati"] += 1
        with transaction.atomic():
            creati = Ente.objects.bulk_create(nuovi, batch_size=LOTTO)
            Ente.objects.bulk_update(
                cambiati.values(), ["confine", "confine_aggiornato_il"], batch_size=LOTTO
            )
        for e in creati:
            self.esistenti[e.codice_istat] = (e.pk, e.confine)
        for istat, e in cambiati.items():
            self.esistenti[istat] = (e.pk, e.confine)
        self.esito["creati"] += len(nuovi)
        self.esito["aggiornati"] += len(cambiati)
        return len(nuovi), len(cambiati)


def _esegui(blocchi: Iterator[tuple[str, list[Comune]]], progress: Progresso) -> dict[str, Any]:
    inizio = time.perf_counter()
    s = _Sincronizzatore()
    for etichetta, comuni in blocchi:
        creati, aggiornati = s.sincronizza(comuni)
        if progress:
            progress(
                f"{etichetta}: {len(comuni)} comuni, {creati} creati, "
                f"{aggiornati} confini aggiornati"
            )
    if s.esito["creati"] or s.esito["aggiornati"]:
        # Bulk writes send no signals: tell this process's index; others see the new signature.
        geo.invalida()
    s.esito["secondi"] = round(time.perf_counter() - inizio, 3)
    return s.esito


def carica_comuni(
    progress: Progresso = None, *, regioni: Iterable[int] | None = None
) -> dict[str, Any]:
    """Create every comune of Italy (or of the given regions, 1..20) as an inactive ente.

    Returns counts: creati, aggiornati (boundaries), invariati, plus the lists senza_confine and
    saltati (a cadastral code already held by another ente), and secondi.
    """
    numeri = sorted(set(regioni)) if regioni is not None else list(REGIONI)
    fuori = [n for n in numeri if n not in REGIONI]
    if fuori:
        raise ValueError(f"Regioni inesistenti: {fuori} (valide 1..20)")

    def blocchi() -> Iterator[tuple[str, list[Comune]]]:
        for n in numeri:
            comuni = comuni_della_regione(n)
            if n == REGIONE_PIEMONTE:
                comuni = _con_confini_precisi(comuni)
            yield (comuni[0].regione if comuni else f"Regione {n}"), comuni

    return _esegui(blocchi(), progress)


def carica_provincia_alessandria(progress: Progresso = None) -> dict[str, Any]:
    """Only the 187 comuni of the Province of Alessandria, full precision (fast, for tests)."""
    return _esegui(iter([("Provincia di Alessandria", comuni_provincia_alessandria())]), progress)
