"""Benchmark of point → comune lookups over all 7,899 Italian comuni.

Builds the index straight from the shipped boundary files (no database), then times lookups of
random points in Italy's bounding box, one by one and vectorized. Run:
    .venv/bin/python bench/bench_geo.py [--punti 200000]
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

RADICE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RADICE))

from civico.enti.indice_confini import IndiceConfini  # noqa: E402
from civico.enti.topojson import caratteristiche  # noqa: E402

CARTELLA = RADICE / "civico" / "data" / "boundaries"
BBOX_ITALIA = (35.49, 47.09, 6.63, 18.52)  # lat min, lat max, lon min, lon max


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB."""
    pagine = int(Path("/proc/self/statm").read_text().split()[1])
    corrente = pagine * resource.getpagesize() / 2**20
    return corrente, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def righe_dai_file() -> list[tuple[int, str, dict | None]]:
    def leggi(nome: str) -> dict:
        with gzip.open(CARTELLA / nome, "rt", encoding="utf-8") as f:
            return json.load(f)

    provincia = leggi("limits_P_6_municipalities.geojson.gz")["features"]
    precisi = {f["properties"]["com_istat_code"]: f["geometry"] for f in provincia}
    righe = []
    for n in range(1, 21):
        topologia = leggi(f"limits_R_{n}_municipalities.topo.json.gz")
        for proprieta, geometria in caratteristiche(topologia, decimali=6):
            istat = proprieta["com_istat_code"]
            righe.append((int(istat), proprieta["name"], precisi.get(istat) or geometria))
    return righe


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--punti", type=int, default=200_000)
    parser.add_argument("--seme", type=int, default=2026)
    args = parser.parse_args()

    rss_iniziale, _ = rss_mb()
    t = time.perf_counter()
    righe = righe_dai_file()
    t_lettura = time.perf_counter() - t
    t = time.perf_counter()
    indice = IndiceConfini.da_righe(righe)
    t_indice = time.perf_counter() - t
    del righe
    gc.collect()

    rng = np.random.default_rng(args.seme)
    lat_min, lat_max, lon_min, lon_max = BBOX_ITALIA
    lats = rng.uniform(lat_min, lat_max, args.punti)
    lons = rng.uniform(lon_min, lon_max, args.punti)
    indice.trova(45.0, 8.6)  # warm up (GEOS prepares geometries lazily)
    indice.trova_molti(lats[:1000], lons[:1000])

    t = time.perf_counter()
    trova = indice.trova
    uno_a_uno = [trova(a, o) for a, o in zip(lats.tolist(), lons.tolist(), strict=True)]
    t_uno = time.perf_counter() - t
    t = time.perf_counter()
    vettoriale = indice.trova_molti(lats, lons)
    t_vett = time.perf_counter() - t

    # Points on land cost more (an exact point-in-polygon test): time them on their own too.
    terra = vettoriale >= 0
    lat_t, lon_t = lats[terra].tolist(), lons[terra].tolist()
    t = time.perf_counter()
    for a, o in zip(lat_t, lon_t, strict=True):
        trova(a, o)
    t_terra = time.perf_counter() - t

    attesi = np.array([-1 if r is None else r for r in uno_a_uno])
    concordi = int((attesi == vettoriale).sum())
    in_comune = int((vettoriale >= 0).sum())
    rss, picco = rss_mb()
    n = args.punti

    controlli = {(44.9126, 8.6148): 6003, (45.0140, 8.6436): 6177, (41.9028, 12.4964): 58091}
    sbagliati = [p for p, atteso in controlli.items() if indice.trova(*p) != atteso]

    print(f"Comuni nell'indice            {len(indice):>12,}  (uno senza confine nei dati)")
    print(f"Lettura e decodifica file     {t_lettura:>12.3f} s")
    print(f"Costruzione indice (STRtree)  {t_indice:>12.3f} s")
    print(f"Punti casuali (bbox Italia)   {n:>12,}  ({in_comune:,} in un comune)")
    print(f"Ricerche uno a uno            {n / t_uno:>12,.0f} /s  ({t_uno * 1e6 / n:.1f} µs l'una)")
    print(
        f"  … solo punti in un comune   {len(lat_t) / t_terra:>12,.0f} /s"
        f"  ({t_terra * 1e6 / len(lat_t):.1f} µs l'una)"
    )
    print(f"Ricerche vettoriali           {n / t_vett:>12,.0f} /s  ({t_vett:.3f} s in tutto)")
    print(f"Risultati concordi            {concordi:>12,} / {n:,}")
    print(f"Memoria RSS all'avvio         {rss_iniziale:>12.1f} MB")
    print(f"Memoria RSS dopo il carico    {rss:>12.1f} MB  (picco {picco:.1f} MB)")
    esito_controlli = repr(sbagliati) if sbagliati else "ok"
    print(f"Controlli noti                {esito_controlli:>12}")
    if sbagliati or concordi != n:
        sys.exit(1)


if __name__ == "__main__":
    main()
