"""Benchmark of the duplicate score (`civico.triage.duplicati`) on a hand-written development set.

`bench/dati/duplicati_dev.jsonl`: reports with a place, a day and the category the citizen chose,
in groups ("gruppo": two reports are the same problem exactly when they share it): the same
problem reworded, with typos, in English, 10–80 m and days apart; near-but-different problems
(a pothole under a dark lamp, 5–40 m apart); the same kind of problem further along the street;
the same problem again a year after; and the triage development texts as single reports around
them. "parte" splits by the problem's group: "sviluppo" (weights and threshold were chosen on it)
and "verifica" (held out). Pairs are looked for as the product does (within RAGGIO_M and
FINESTRA_GIORNI); a duplicate pair further apart counts as missed. No database. Run:
    .venv/bin/python bench/bench_duplicati.py [--errori]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import datetime, timedelta
from itertools import combinations
from pathlib import Path

RADICE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RADICE))
DATI = RADICE / "bench" / "dati" / "duplicati_dev.jsonl"
INIZIO = datetime(2026, 1, 1, 9, 0)


def carica(percorso: Path = DATI) -> list[dict]:
    with percorso.open(encoding="utf-8") as f:
        return [json.loads(riga) for riga in f if riga.strip()]


def coppie(righe: list[dict]) -> list[tuple[int, int, float, bool]]:
    """(i, j, score, same group) for every pair the product would look at."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civico.settings")
    import django

    django.setup()
    from civico.territorio.distanza import distanza_m
    from civico.triage import duplicati as D

    casi = [
        D.Caso(f"{r['titolo']}\n{r['descrizione']}", r["lat"], r["lon"], INIZIO + timedelta(days=r["giorno"]),
               hash(r["categoria"]), r["categoria"])
        for r in righe
    ]
    risultato = []
    for i, j in combinations(range(len(righe)), 2):
        a, b = righe[i], righe[j]
        vicini = distanza_m(a["lat"], a["lon"], b["lat"], b["lon"]) <= D.RAGGIO_M
        recenti = abs(a["giorno"] - b["giorno"]) <= D.FINESTRA_GIORNI
        uguali = a["gruppo"] == b["gruppo"]
        if not (vicini and recenti):
            if uguali:
                risultato.append((i, j, 0.0, True))
            continue
        risultato.append((i, j, D.punteggio(casi[i], casi[j]).valore, uguali))
    return risultato


def precisione_richiamo(valutate: list[tuple[int, int, float, bool]], soglia: float) -> tuple[float, float, int]:
    vp = sum(1 for *_x, p, u in valutate if u and p >= soglia)
    fp = sum(1 for *_x, p, u in valutate if not u and p >= soglia)
    positivi = sum(1 for *_x, _p, u in valutate if u)
    return (vp / (vp + fp) if vp + fp else 1.0), (vp / positivi if positivi else 1.0), positivi


def misura(righe: list[dict] | None = None, *, errori: bool = False) -> bool:
    """Print precision and recall per part and a threshold sweep; return whether the goal is met
    on the held-out part (precision ≥ 0.9 at recall ≥ 0.8)."""
    from civico.triage.duplicati import SOGLIA

    righe = righe if righe is not None else carica()
    inizio = time.perf_counter()
    valutate = coppie(righe)
    durata = time.perf_counter() - inizio
    gruppi = {r["gruppo"] for r in righe}
    print(f"duplicates: {len(righe)} reports in {len(gruppi)} problems, {len(valutate)} candidate pairs "
          f"scored in {durata:.2f} s; threshold SOGLIA = {SOGLIA}")
    esito = False
    for nome in ("sviluppo", "verifica", "tutto"):
        parte = [c for c in valutate if nome == "tutto" or righe[c[0]]["parte"] == righe[c[1]]["parte"] == nome]
        p, r, n = precisione_richiamo(parte, SOGLIA)
        print(f"  {nome:>9}: duplicate pairs {n:>3}  precision {p:.3f}  recall {r:.3f}")
        if nome == "verifica":
            esito = p >= 0.9 and r >= 0.8
    sviluppo = [c for c in valutate if righe[c[0]]["parte"] == righe[c[1]]["parte"] == "sviluppo"]
    print("  threshold sweep (sviluppo): " + "  ".join(
        "{:.2f}: P {:.2f} R {:.2f}".format(s, *precisione_richiamo(sviluppo, s)[:2])
        for s in (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6)))
    if errori:
        for i, j, p, uguali in valutate:
            if uguali != (p >= SOGLIA):
                a, b = righe[i], righe[j]
                print(f"  {'MISSED' if uguali else 'FALSE '} {p:.3f} {a['titolo']!r} / {b['titolo']!r}")
    print(f"duplicate goal on the held-out part (precision ≥ 0.9 at recall ≥ 0.8): {'met' if esito else 'MISSED'}")
    return esito


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errori", action="store_true", help="print the pairs on the wrong side of the threshold")
    misura(errori=parser.parse_args().errori)
