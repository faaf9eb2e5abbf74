"""Profile one `civico serve` worker under intake load with py-spy: the whole server, uvicorn and
the event loop included (bench/profila_intake.py profiles Django alone, in-process).

Starts `civico serve` with one worker on a seeded database, posts JSON reports from a few clients,
samples the worker's thread that holds the GIL (`py-spy --gil`: CPU spent in Python, not waits) and
writes into bench/results/:

  profilo-server-<etichetta>.svg   the flame graph
  profilo-server-<etichetta>.txt   the share of samples under each frame (inclusive), top first

    pip install py-spy    # a bench-only tool, not in the project's locks
    .venv/bin/python bench/profila_server.py [--url postgresql://postgres@127.0.0.1:5432/civico_bench]
        [--secondi 20] [--clienti 6] [--etichetta dopo]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

RADICE = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(RADICE), str(RADICE / "bench")]
RISULTATI = RADICE / "bench" / "results"
_CORNICE = re.compile(r"(.*) \((.*?)(?::\d+)?\)$")
_PREFISSI = re.compile(r".*/site-packages/|" + re.escape(str(RADICE)) + "/")


def quote(raw: Path, righe: int = 90) -> str:
    """Inclusive share of samples per frame (function and file), from py-spy's collapsed stacks."""
    inclusivi: collections.Counter[str] = collections.Counter()
    totale = 0
    for riga in raw.read_text().splitlines():
        if not riga.strip():
            continue
        pila, n = riga.rsplit(" ", 1)
        totale += int(n)
        nomi = set()
        for cornice in pila.split(";"):
            m = _CORNICE.match(cornice)
            nomi.add(f"{m[1]} ({_PREFISSI.sub('', m[2])})" if m else cornice)
        for nome in nomi:
            inclusivi[nome] += int(n)
    testo = [f"campioni: {totale}"]
    testo += [f"{100 * v / max(totale, 1):5.1f}%  {k}" for k, v in inclusivi.most_common(righe)]
    return "\n".join(testo)


async def carico(porta: int, chiave: str, campioni: list[dict], secondi: float, clienti: int) -> int:
    from bench_tutto import HOST
    from clienthttp import Connessione

    fine = time.perf_counter() + secondi
    fatte = 0
    intestazioni = {"X-Api-Key": chiave, "Content-Type": "application/json", "Accept": "application/json"}

    async def cliente(i: int) -> None:
        nonlocal fatte
        c = Connessione(HOST, porta)
        k = i
        while time.perf_counter() < fine:
            await c.richiesta("POST", "/api/v1/segnalazioni", json.dumps(campioni[k % len(campioni)]).encode(),
                              intestazioni)
            k += clienti
            fatte += 1
        await c.chiudi()

    await asyncio.gather(*(cliente(i) for i in range(clienti)))
    return fatte


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("CIVICO_BENCH_DATABASE_URL",
                                                        "postgresql://postgres@127.0.0.1:5432/civico_bench"))
    parser.add_argument("--secondi", type=float, default=20)
    parser.add_argument("--clienti", type=int, default=6)
    parser.add_argument("--etichetta", default="dopo")
    args = parser.parse_args()
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(py_spy).exists():
        raise SystemExit("py-spy non installato: pip install py-spy")
    os.environ.setdefault("CIVICO_VAR_DIR", str(RADICE / "var" / "bench"))
    import bench_tutto as b

    b.prepara_django(args.url)  # the seeded database (make bench, or bench_tutto.py --reports N)
    chiave, campioni = b.chiave_api(), b.campioni_intake(2000)
    porta = b.porta_libera()
    server = b.avvia_server(porta, 1)
    RISULTATI.mkdir(parents=True, exist_ok=True)
    nome = f"profilo-server-{args.etichetta}"
    raw = RISULTATI / f"{nome}.raw"
    try:
        asyncio.run(carico(porta, chiave, campioni, 5, args.clienti))  # warm-up
        worker = max(b.discendenti(server.pid), key=b.rss_mb)
        comuni = ["-p", str(worker), "-r", "150", "-d", str(int(args.secondi)), "--gil"]
        spia = subprocess.Popen([py_spy, "record", *comuni, "-f", "raw", "-o", str(raw)])
        time.sleep(1)
        fatte = asyncio.run(carico(porta, chiave, campioni, args.secondi - 2, args.clienti))
        spia.wait()
        spia = subprocess.Popen([py_spy, "record", *comuni, "-o", str(RISULTATI / f"{nome}.svg")])
        time.sleep(1)
        asyncio.run(carico(porta, chiave, campioni, args.secondi - 2, args.clienti))
        spia.wait()
    finally:
        b.ferma_server(server)
    carico_medio = " ".join(f"{x:.2f}" for x in os.getloadavg())
    testo = (f"py-spy --gil on one uvicorn worker, {args.clienti} clients posting JSON reports, {fatte} reports in "
             f"{args.secondi - 2:.0f} s; load average {carico_medio}\n" + quote(raw))
    (RISULTATI / f"{nome}.txt").write_text(testo + "\n")
    raw.unlink(missing_ok=True)
    print(testo)
    print(f"scritto: bench/results/{nome}.txt, .svg")


if __name__ == "__main__":
    main()
