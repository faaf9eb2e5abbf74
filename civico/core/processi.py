"""Child processes that never outlive their parent: `civico run` starts the web server and the
worker this way and stops them when it is asked to stop.

Stopping (SIGTERM or SIGINT to the parent): each child gets SIGTERM once (the worker finishes
its current task, uvicorn its open requests), the parent waits up to `attesa_s`, then kills what
is left, and exits. If the parent itself is killed (SIGKILL, OOM), the kernel sends the children
SIGTERM (Linux PR_SET_PDEATHSIG, set by the child at start: `lega_al_padre`), so no worker is
left running re-parented to PID 1.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence

logger = logging.getLogger(__name__)

# Set by the parent for its children: its pid, so a child can tell it is already orphaned.
VARIABILE_PADRE = "CIVICO_PROCESSO_PADRE"
_PR_SET_PDEATHSIG = 1


def lega_al_padre() -> None:
    """In a child started by `figlio`: ask the kernel for SIGTERM when the parent dies, and exit
    now if it died before we could ask. Elsewhere (no variable, not Linux) nothing happens."""
    padre = os.environ.pop(VARIABILE_PADRE, "")
    if not padre.isdigit():
        return
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except OSError:  # pragma: no cover - no libc: the parent's own stop still applies
            logger.warning("PR_SET_PDEATHSIG non disponibile")
    if os.getppid() != int(padre):  # the parent died between fork and prctl
        sys.exit(0)


def figlio(argv: Sequence[str], env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start a child bound to this process. Its own process group: a Ctrl+C in the terminal
    reaches the parent only, which stops the children once (a second signal would make the
    worker abandon its task)."""
    ambiente = dict(os.environ if env is None else env)
    ambiente[VARIABILE_PADRE] = str(os.getpid())
    return subprocess.Popen(list(argv), env=ambiente, process_group=0)


def ferma(figli: Sequence[subprocess.Popen], attesa_s: float) -> None:
    """SIGTERM to each live child, wait up to `attesa_s` in all, then SIGKILL the rest."""
    for f in figli:
        if f.poll() is None:
            f.send_signal(signal.SIGTERM)
    fine = time.monotonic() + attesa_s
    for f in figli:
        try:
            f.wait(timeout=max(0.0, fine - time.monotonic()))
        except subprocess.TimeoutExpired:
            logger.warning("Il processo %s non si è fermato in %s s: lo termino", f.pid, attesa_s)
            f.kill()
            f.wait()


def sorveglia(figli: Sequence[subprocess.Popen], *, attesa_s: float = 30.0) -> int:
    """Run until SIGTERM/SIGINT or until a child exits, then stop them all; the exit status is
    0 for a requested stop, else the status of the child that ended first."""
    fermati = threading.Event()
    precedenti = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    for s in precedenti:
        signal.signal(s, lambda *_: fermati.set())
    uscito = None
    try:
        while not fermati.is_set() and uscito is None:
            uscito = next((f for f in figli if f.poll() is not None), None)
            fermati.wait(0.2)
    finally:
        ferma(figli, attesa_s)
        for s, gestore in precedenti.items():
            signal.signal(s, gestore)
    if uscito is not None and not fermati.is_set():
        logger.warning("Il processo %s è terminato (stato %s): fermo gli altri", uscito.args, uscito.returncode)
        return uscito.returncode or 1
    return 0
