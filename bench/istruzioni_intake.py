"""Instructions per JSON report, in-process, counted by valgrind (callgrind): a figure that does not
move with the machine's load or its neighbours, to compare two versions of the code.

CPU seconds on a shared 2-core VM drift by ±30 % from one run to the next (docs/benchmarks.md,
"Fourth pass"); instructions do not. This posts `--riscaldamento` reports through Django's test
client (every middleware, the bench server's settings, the database queue as in production), then
counts the instructions of the next `-n` only, and prints them per report. `--codice DIR` runs the
code of another checkout (e.g. a `git worktree` of an older commit) against the same database.

    apt-get install valgrind     # valgrind ships on this project's machines
    .venv/bin/python bench/istruzioni_intake.py [--url postgresql://…/civico_bench] [-n 60]
        [--codice /path/to/other/checkout]

The server around Django (uvicorn, the event loop, the API threads) is not counted: `make bench`
measures the whole server in CPU time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RADICE = Path(__file__).resolve().parent.parent


def figlio(url: str, n: int, riscaldamento: int, via: Path) -> None:
    """Runs under valgrind with instrumentation off: warms up, says READY, waits for the go file,
    posts `n` reports, says DONE (the parent switches counting on and off around them)."""
    codice = os.environ.get("CIVICO_CODICE")
    sys.path[:0] = [str(RADICE / "bench")]
    from bench_tutto import prepara_django  # noqa: I001 — before the code under test is imported

    if codice:
        sys.path.insert(0, codice)
    prepara_django(url)
    from bench_tutto import campioni_intake, chiave_api
    from django.test import Client

    import civico

    print(f"codice: {Path(civico.__file__).parent.parent}", flush=True)
    chiave, campioni = chiave_api(), campioni_intake(200)
    client = Client(HTTP_X_API_KEY=chiave, HTTP_ACCEPT="application/json")

    def invia(i: int) -> None:
        r = client.post("/api/v1/segnalazioni", json.dumps(campioni[i % len(campioni)]),
                        content_type="application/json")
        assert r.status_code == 201, r.content[:300]

    for i in range(riscaldamento):
        invia(i)
    print("READY", flush=True)
    while not via.exists():
        time.sleep(0.1)
    for i in range(n):
        invia(i)
    print("DONE", flush=True)
    while via.exists():
        time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("CIVICO_BENCH_DATABASE_URL",
                                                        "postgresql://postgres@127.0.0.1:5432/civico_bench"))
    parser.add_argument("-n", type=int, default=60, help="reports counted")
    parser.add_argument("--riscaldamento", type=int, default=150, help="reports posted first, not counted")
    parser.add_argument("--codice", help="a checkout whose code to run (default: this one)")
    parser.add_argument("--_figlio", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("CIVICO_VAR_DIR", str(RADICE / "var" / "bench"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "impostazioni_bench"  # the bench server's settings
    os.environ.setdefault("CIVICO_DB_POOL", "8")
    os.environ.setdefault("CIVICO_CACHE_URL", "redis://127.0.0.1:6379/14")  # production's shared cache
    os.environ.pop("CIVICO_TASKS_BACKEND", None)  # the database queue, as in production
    if args._figlio:
        figlio(args.url, args.n, args.riscaldamento, Path(args._figlio))
        return
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind non installato: apt-get install valgrind")
    if args.codice:
        os.environ["CIVICO_CODICE"] = str(Path(args.codice).resolve())
    with tempfile.TemporaryDirectory() as cartella:
        via, uscita = Path(cartella) / "via", Path(cartella) / "cg.out"
        figlio_ = subprocess.Popen(
            ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={uscita}.%p",
             sys.executable, __file__, "--url", args.url, "-n", str(args.n),
             "--riscaldamento", str(args.riscaldamento), "--_figlio", str(via)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )
        assert figlio_.stdout is not None
        righe = []
        inizio = time.monotonic()
        for riga in figlio_.stdout:
            righe.append(riga.strip())
            print(f"  · {riga.strip()} ({time.monotonic() - inizio:.0f} s)", file=sys.stderr)
            if riga.startswith("READY"):
                subprocess.run(["callgrind_control", "-i", "on", str(figlio_.pid)], check=True, capture_output=True)
                via.touch()
            elif riga.startswith("DONE"):
                subprocess.run(["callgrind_control", "-i", "off", str(figlio_.pid)], check=True, capture_output=True)
                subprocess.run(["callgrind_control", "-d", str(figlio_.pid)], check=True, capture_output=True)
                via.unlink()
        figlio_.wait()
        totale = 0
        for file in Path(cartella).glob("cg.out.*"):
            # "totals:" is what the dump counted ("summary:" stays 0 with instrumentation switched on late).
            totale += sum(int(r.split()[1]) for r in file.read_text(errors="replace").splitlines()
                          if r.startswith("totals:"))
    codice = next((r.split(": ", 1)[1] for r in righe if r.startswith("codice: ")), "?")
    print(f"{totale / args.n / 1e6:.2f} M instructions per JSON report (n={args.n}, in-process, code of {codice})")


if __name__ == "__main__":
    main()
