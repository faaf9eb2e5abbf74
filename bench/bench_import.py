"""Benchmark of the Municipium import: Alessandria's real export (3,428 rows), and the same rows
topped up to 4,651 (the issue's figure), into a comune with the demo catalogue.

Each run imports into a fresh comune (an inactive one of the province, given a bench code), so
every run does the same work: a first import (everything written), then the same file again
(nothing to write). Writes bench/results/import.json. Run on demand, never in the tests:

    .venv/bin/python bench/bench_import.py                      # its own SQLite file
    createdb -h 127.0.0.1 -U postgres civico_bench_import
    .venv/bin/python bench/bench_import.py --database-url postgresql://postgres@127.0.0.1:5432/civico_bench_import

The first run on a new database loads the comuni of Italy (about a minute), not timed.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

RADICE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RADICE))
FILE = RADICE / "civico" / "data" / "alessandria" / "segnalazioni-municipium-2023-2024.csv.gz"
OBIETTIVO_S = 10.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="", help="e.g. postgresql://postgres@127.0.0.1:5432/civico_bench_import")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=4651, help="the topped-up file's rows (default 4651)")
    parser.add_argument("--out", default="")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{RADICE / 'var' / 'bench_import.sqlite3'}"
    os.environ["CIVICO_DEBUG"] = "0"  # DEBUG would log every query and skew the timings
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civico.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from civico.analisi.importazione.municipium import importa_municipium

    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})", flush=True)
    call_command("migrate", verbosity=0)
    _comuni()
    cartella = Path(tempfile.mkdtemp(prefix="bench-import-"))
    file_grande = _rabboccato(cartella / "municipium-rabboccato.csv", args.rows)
    carico = [round(x, 2) for x in os.getloadavg()]
    print(f"load average: {carico} (other processes on the machine skew wall-clock times)", flush=True)
    risultati: dict = {"database": connection.vendor, "runs": args.runs, "goal_s": OBIETTIVO_S, "files": {}}
    for nome, percorso in (("reale_3428", FILE), (f"rabboccato_{args.rows}", file_grande)):
        prime, cpu, seconde, righe = [], [], [], 0
        for _ in range(args.runs):
            ente = _ente_nuovo()
            inizio, inizio_cpu = time.perf_counter(), time.process_time()
            r = importa_municipium(percorso, ente)
            prime.append(time.perf_counter() - inizio)
            cpu.append(time.process_time() - inizio_cpu)
            assert r.importate == r.righe and not r.scartate, r.testo()
            inizio = time.perf_counter()
            r2 = importa_municipium(percorso, ente)
            seconde.append(time.perf_counter() - inizio)
            assert r2.invariate == r.righe, r2.testo()
            righe = r.righe
            print(f"{nome}: {righe} rows, first import {prime[-1]:.2f} s ({cpu[-1]:.2f} s CPU in Python), "
                  f"again {seconde[-1]:.2f} s", flush=True)
        risultati["files"][nome] = {
            "rows": righe,
            "first_import_s": {"median": round(statistics.median(prime), 2), "max": round(max(prime), 2),
                               "all": [round(x, 2) for x in prime]},
            # This process's CPU time: what the import costs whatever else runs on the machine
            # (PostgreSQL's own work is in its server processes, not in this figure).
            "first_import_cpu_s": {"median": round(statistics.median(cpu), 2)},
            "reimport_s": {"median": round(statistics.median(seconde), 2), "max": round(max(seconde), 2)},
            "rows_per_s": round(righe / statistics.median(prime)),
            "goal_met": max(prime) < OBIETTIVO_S,
        }
    risultati["machine"] = {
        "cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
        "load_average_before": carico, "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }
    risultati["quando"] = datetime.now(UTC).isoformat(timespec="seconds")
    uscita = Path(args.out or RADICE / "bench" / "results" / f"import-{connection.vendor}.json")
    uscita.parent.mkdir(parents=True, exist_ok=True)
    uscita.write_text(json.dumps(risultati, indent=2) + "\n")
    print(json.dumps(risultati, indent=2))
    print(f"written to {uscita}")


def _comuni() -> None:
    from civico.enti.confini import carica_comuni
    from civico.enti.models import Ente

    if not Ente.objects.filter(codice_istat="006003").exists():
        print("loading the comuni of Italy (once per database)…", flush=True)
        carica_comuni()


def _ente_nuovo():
    """An inactive comune of the province, active now with the demo catalogue and a bench code."""
    from civico.demo.loader import crea_catalogo
    from civico.enti.models import Ente

    usati = Ente.objects.filter(sigla__startswith="BI").count()
    ente = Ente.objects.defer("confine").filter(codice_istat__startswith="006", attivo=False).order_by(
        "codice_istat").first()
    ente.attivo, ente.sigla, ente.email = True, f"BI{usati + 1}", "urp@bench.example.org"
    ente.save(update_fields=["attivo", "sigla", "email"])
    crea_catalogo(ente, completo=True)
    return ente


def _rabboccato(percorso: Path, righe: int) -> Path:
    """The real rows, then the same rows again under new ids until there are `righe`."""
    with gzip.open(FILE, "rt", encoding="utf-8") as f:
        testo = f.read()
    lettore = list(csv.reader(io.StringIO(testo), delimiter=";"))
    intestazione, dati = lettore[0], lettore[1:]
    uscita = [intestazione, *dati]
    giro = 0
    while len(uscita) - 1 < righe:
        giro += 1
        for riga in dati[: righe - (len(uscita) - 1)]:
            uscita.append([f"{riga[0]}-{giro}", *riga[1:]])
    with percorso.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=";").writerows(uscita)
    return percorso


if __name__ == "__main__":
    main()
