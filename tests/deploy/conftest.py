"""Deployment tests: real servers (uvicorn, PostgreSQL clusters, an S3 server) on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

RADICE = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(RADICE / "bench" / "carico"))  # cluster_pg: shared with the fault tests

import cluster_pg  # noqa: E402


@pytest.fixture(scope="session")
def cluster_privati():
    """A primary and its streaming replica, private to this test session; skipped loudly if impossible."""
    motivo = cluster_pg.motivo_assenza()
    if motivo:
        pytest.skip(f"SKIPPED: no private PostgreSQL cluster can be started: {motivo}")
    radice = cluster_pg.radice_temporanea()
    primario = replica = None
    try:
        primario = cluster_pg.nuovo_primario(radice)
        replica = cluster_pg.nuova_replica(primario, radice)
        yield primario, replica
    finally:
        cluster_pg.smonta(radice, *(c for c in (replica, primario) if c is not None))


def porta_libera() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`civico serve` in a subprocess; its stderr (the logs) is kept for assertions."""

    def __init__(self, env: dict[str, str], workers: int, tmp: Path):
        self.porta = porta_libera()
        self.log = tmp / f"serve-{self.porta}.log"
        self._file = self.log.open("wb")
        self.processo = subprocess.Popen(
            [str(RADICE / ".venv" / "bin" / "civico"), "serve", "--port", str(self.porta), "--workers", str(workers)],
            env=env, stdout=self._file, stderr=subprocess.STDOUT, cwd=RADICE,
        )
        self.base = f"http://127.0.0.1:{self.porta}"

    def attendi(self, timeout_s: float = 60) -> None:
        fine = time.monotonic() + timeout_s
        while time.monotonic() < fine:
            if self.processo.poll() is not None:
                raise RuntimeError(f"civico serve è terminato:\n{self.testo()}")
            try:
                with socket.create_connection(("127.0.0.1", self.porta), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"civico serve non risponde dopo {timeout_s} s:\n{self.testo()}")

    def testo(self) -> str:
        if not self._file.closed:
            self._file.flush()
        return self.log.read_text(errors="replace")

    def chiudi(self) -> None:
        self.processo.terminate()
        try:
            self.processo.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.processo.kill()
            self.processo.wait()
        self._file.close()


def ambiente(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(extra)
    return env
