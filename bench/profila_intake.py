"""Profile `POST /api/v1/segnalazioni` in-process: where the app's CPU goes, stage by stage.

Runs N intakes through the whole Django stack (middleware, ninja, intake, outbox) with Django's
test client against a seeded PostgreSQL database (the one `bench_tutto.py` seeds), under cProfile,
and writes into bench/results/:

  profilo-intake-<etichetta>.pstats   the raw profile (snakeviz / `python -m pstats` read it)
  profilo-intake-<etichetta>.txt      ms of CPU per report by stage, then the top functions

With py-spy installed (`pip install py-spy`, a bench-only tool) `--flame` also records a
flame graph (profilo-intake-<etichetta>.svg) of a second, unprofiled run.

    .venv/bin/python bench/profila_intake.py [--url postgresql://postgres@127.0.0.1:5432/civico_bench]
        [--reports 20000] [--enti 187] [-n 300] [--foto] [--etichetta prima] [--flame]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import subprocess
import sys
import time
from pathlib import Path

RADICE = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(RADICE), str(RADICE / "bench")]
RISULTATI = RADICE / "bench" / "results"

# Stages: (name, module path fragment, function name). Cumulative time of the outermost call of
# each; "middleware and framework" is the request's total minus the view.
STADI = [
    ("request, whole (test client → response)", "django/test/client.py", "request"),
    ("view crea() (ninja: auth, parse, intake, response)", "civico/api/segnalante.py", "crea"),
    ("  auth: API key", "civico/api/autenticazione.py", "authenticate"),
    ("  rate limit", "civico/api/segnalante.py", "_limita"),
    ("  body: parse + schema", "civico/api/segnalante.py", "_leggi"),
    ("  intake.submit", "civico/segnalazioni/intake.py", "submit"),
    ("    attachments: prepare", "civico/segnalazioni/intake.py", "_prepara_allegati"),
    ("    point → ente", "civico/segnalazioni/intake.py", "_ente"),
    ("    category", "civico/segnalazioni/intake.py", "_categoria"),
    ("    answers", "civico/catalogo/domande.py", "valida_risposte"),
    ("    banned contacts", "civico/moderazione/servizi.py", "verifica_contatti"),
    ("    nearest address", "civico/segnalazioni/intake.py", "_indirizzo_del_punto"),
    ("    _crea (transaction body)", "civico/segnalazioni/intake.py", "_crea"),
    ("      code number", "civico/segnalazioni/codici.py", "nuovo_numero"),
    ("      routing", "civico/segnalazioni/routing.py", "ufficio_competente"),
    ("      masking gate", "civico/moderazione/cancello.py", "maschera_campi"),
    ("      SLA", "civico/segnalazioni/sla.py", "calcola_scadenza"),
    ("      INSERT report (core.inserimento)", "civico/core/inserimento.py", "inserisci"),
    ("      ORM create() calls (report before core.inserimento)", "django/db/models/query.py", "create"),
    ("      triage", "civico/triage/servizi.py", "registra_all_arrivo"),
    ("      events + outbox", "civico/segnalazioni/eventi.py", "registra_tutti"),
    ("        outbox rows (receipt)", "civico/comunicazioni/outbox.py", "_scrivi"),
    ("    save attachments", "civico/segnalazioni/intake.py", "_salva_allegato"),
    ("      task INSERTs (the queue's row, core.code)", "civico/core/code.py", "_riga_del_task"),
    ("  after commit (on_commit)", "django/db/backends/base/base.py", "run_and_clear_commit_hooks"),
    ("  response: scheda", "civico/api/rappresentazioni.py", "scheda"),
    ("SQL (execute)", "django/db/backends/utils.py", "_execute"),
]


def prepara(url: str, reports: int, enti: int) -> None:
    from bench_inbox import crea_database  # one copy of the "dedicated database" guard
    from bench_tutto import prepara_django

    crea_database(url)
    prepara_django(url)
    from civico.demo.sintetico import semina

    semina.semina(reports, enti, progress=lambda r: print(f"  · {r}", file=sys.stderr))


def per_stadio(stats: pstats.Stats, n: int) -> list[tuple[str, float, int]]:
    """(stage, ms of cumulative CPU per report, calls per report) for each of STADI."""
    righe = []
    dati = stats.stats  # type: ignore[attr-defined]
    for nome, file, funzione in STADI:
        cum = 0.0
        chiamate = 0
        for (f, _riga, fn), (_cc, nc, _tt, ct, _callers) in dati.items():
            if fn == funzione and f.endswith(file):
                # The outermost frames only: recursion is counted once by cProfile's cumulative time.
                cum += ct
                chiamate += nc
        righe.append((nome, 1000 * cum / n, chiamate / n))
    return righe


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("CIVICO_BENCH_DATABASE_URL",
                                                        "postgresql://postgres@127.0.0.1:5432/civico_bench"))
    parser.add_argument("--reports", type=int, default=20_000)
    parser.add_argument("--enti", type=int, default=187)
    parser.add_argument("-n", type=int, default=300, help="intakes profiled")
    parser.add_argument("--foto", action="store_true", help="multipart with one ~500 kB photo")
    parser.add_argument("--etichetta", default="dopo")
    parser.add_argument("--flame", action="store_true", help="also a py-spy flame graph, if py-spy is installed")
    parser.add_argument("--_solo-carico", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("CIVICO_VAR_DIR", str(RADICE / "var" / "bench"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "impostazioni_bench"  # the bench server's: no rate limits
    os.environ.setdefault("CIVICO_DB_POOL", "8")  # as `make bench` starts the server: no connect per request
    os.environ.pop("CIVICO_TASKS_BACKEND", None)  # the database queue, as in production (not the tests' inline one)
    prepara(args.url, args.reports, args.enti)

    from bench_tutto import campioni_intake, chiave_api, foto_jpeg
    from django.test import Client

    chiave = chiave_api()
    campioni = campioni_intake(max(args.n, 50))
    foto = foto_jpeg() if args.foto else None
    client = Client(HTTP_X_API_KEY=chiave, HTTP_ACCEPT="application/json")

    def invia(i: int) -> None:
        dati = campioni[i % len(campioni)]
        if foto is None:
            r = client.post("/api/v1/segnalazioni", json.dumps(dati), content_type="application/json")
        else:
            campi = {k: (json.dumps(v) if k == "risposte" else str(v)) for k, v in dati.items()}
            r = client.post("/api/v1/segnalazioni", {**campi, "allegati": io.BytesIO(foto)})
        assert r.status_code == 201, (r.status_code, r.content[:300])

    # Warm-up over the same samples: imports, connections and every per-process cache (the
    # catalogue, triage's map per comune…) as in a server that has been running a while.
    for i in range(args.n if not args._solo_carico else 20):
        invia(i)
    if args._solo_carico:
        for i in range(args.n):
            invia(i)
        return

    nome = f"profilo-intake-{args.etichetta}{'-foto' if foto else ''}"
    RISULTATI.mkdir(parents=True, exist_ok=True)
    profilo = cProfile.Profile(time.process_time)  # CPU time, as make bench counts it
    t0, c0 = time.perf_counter(), time.process_time()
    profilo.enable()
    for i in range(args.n):
        invia(i)
    profilo.disable()
    muro, cpu = time.perf_counter() - t0, time.process_time() - c0
    profilo.dump_stats(RISULTATI / f"{nome}.pstats")

    testo = io.StringIO()
    stats = pstats.Stats(profilo, stream=testo)
    carico = os.getloadavg()
    print(f"{args.n} intakes ({'multipart, one photo' if foto else 'JSON'}) in-process, under cProfile: "
          f"{1000 * cpu / args.n:.1f} ms CPU per report ({1000 * muro / args.n:.1f} ms wall); "
          f"load average {carico[0]:.2f} {carico[1]:.2f} {carico[2]:.2f}", file=testo)
    print("cProfile inflates Python-heavy stages ~1.5-2x: compare stages, not totals, with make bench.\n",
          file=testo)
    print(f"{'stage':60} {'ms/report':>10} {'calls/report':>13}", file=testo)
    for stadio, ms, chiamate in per_stadio(stats, args.n):
        print(f"{stadio:60} {ms:10.2f} {chiamate:13.1f}", file=testo)
    print("\nTop functions by own time:", file=testo)
    stats.sort_stats("tottime").print_stats(35)
    print("\nTop functions by cumulative time:", file=testo)
    stats.sort_stats("cumulative").print_stats(60)
    (RISULTATI / f"{nome}.txt").write_text(testo.getvalue())
    print(testo.getvalue().split("\nTop functions")[0])
    print(f"scritto: bench/results/{nome}.txt, .pstats")

    if args.flame:
        py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        if not Path(py_spy).exists():
            print("py-spy non installato (pip install py-spy): nessun flame graph")
            return
        comando = [py_spy, "record", "-o", str(RISULTATI / f"{nome}.svg"), "--", sys.executable, __file__,
                   "--url", args.url, "--reports", str(args.reports), "--enti", str(args.enti),
                   "-n", str(args.n), "--_solo-carico", *(["--foto"] if foto else [])]
        esito = subprocess.run(comando, check=False)
        if esito.returncode == 0:
            print(f"flame graph: bench/results/{nome}.svg")
        else:
            print(f"py-spy non è riuscito (codice {esito.returncode}): nessun flame graph")


if __name__ == "__main__":
    main()
